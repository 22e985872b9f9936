package io.romotica.server.browser;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.Coturn;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Call set-up time, run by bench/call-setup.sh (never by {@code verify}: the name does not end in IT): two
 * headless Chromiums with fake camera and microphone, the visitor calls with the camera chosen while
 * waiting, the agent answers with the camera on; measured from the agent's click on Accept to the first
 * decoded remote video frame on each side (both browsers on this machine read the same wall clock), over
 * {@code romotica.bench.calls} calls (default 20), direct and with both browsers limited to a real coturn
 * relay. Prints p50/p95 and writes them to {@code target/bench/call-setup.txt}.
 */
class CallSetupBench {
    private static final String SECRET = "call-setup-bench-secret";

    /** Milliseconds from Accept to the first remote frame at the agent and at the visitor. */
    private record Sample(long agentMs, long visitorMs) {
        long bothMs() {
            return Math.max(agentMs, visitorMs);
        }
    }

    @Test
    void callSetupTime() throws Exception {
        int calls = Integer.getInteger("romotica.bench.calls", 20);
        StringBuilder report = new StringBuilder(String.format(
                Locale.ROOT,
                "%-7s %5s %12s %12s %12s %12s%n",
                "path",
                "calls",
                "p50 both ms",
                "p95 both ms",
                "p50 agent",
                "p50 visitor"));
        try (Coturn coturn = Coturn.start(SECRET, Coturn.lanAddress());
                TestServer server = TestServer.builder()
                        .set("chat.new.visitors.per.minute", "1000")
                        .set("chat.new.conversations.per.minute", "1000")
                        .set("calls.daily.limit", "0")
                        .set("turn.urls", coturn.url())
                        .set("turn.secret", SECRET)
                        .start()) {
            Account admin = server.setupAdmin();
            for (boolean relay : new boolean[] {false, true}) {
                List<Sample> samples = run(server, admin, relay, calls);
                report.append(line(relay ? "relay" : "direct", samples));
            }
        }
        System.out.print(report);
        Path out = Path.of("target", "bench", "call-setup.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static List<Sample> run(TestServer server, Account admin, boolean relay, int calls) {
        List<Sample> samples = new ArrayList<>();
        try (Browser agent = Browser.options().fakeMedia().open(server);
                Browser visitor = Browser.options().fakeMedia().open(server)) {
            agent.signIn(admin);
            agent.get("/console/calls");
            agent.js(
                    "localStorage.setItem('romotica.calls.camera', '1');"
                            + " localStorage.setItem('romotica.iceRelay', arguments[0]);",
                    relay ? "1" : "0");
            agent.get("/console/calls");
            visitor.get("/chat");
            visitor.js("localStorage.setItem('romotica.iceRelay', arguments[0]);", relay ? "1" : "0");
            ChatBrowserIT.startAsVisitor(visitor, "Ölçüm");
            for (int i = 0; i < calls + 1; i++) {
                Sample s = oneCall(agent, visitor);
                if (i > 0) { // the first call warms up both browsers
                    samples.add(s);
                }
            }
        }
        return samples;
    }

    private static Sample oneCall(Browser agent, Browser visitor) {
        visitor.click("#call-button");
        visitor.visible("#call-waiting");
        visitor.click("#call-with-camera");
        visitor.await(
                "the camera ready", () -> visitor.js("return document.getElementById('call-with-camera').checked;"));
        agent.visible("#calls-queue button[data-action='accept']");
        String firstFrame = "const done = arguments[arguments.length - 1];"
                + " const poll = () => { const v = document.getElementById('call-remote-camera');"
                + " if (v && v.videoWidth > 0) done(Date.now()); else setTimeout(poll, 2); }; poll();";
        long start = (Long) agent.js("const b = document.querySelector(\"#calls-queue button[data-action='accept']\");"
                + " const t = Date.now(); b.click(); return t;");
        long agentFrame = ((Number) agent.asyncJs(firstFrame)).longValue();
        long visitorFrame = ((Number) visitor.asyncJs(firstFrame)).longValue();
        agent.click("#call-hangup");
        visitor.visible("#call-ended");
        visitor.click("#call-close");
        agent.click("#call-dock-close");
        return new Sample(agentFrame - start, visitorFrame - start);
    }

    private static long percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String line(String path, List<Sample> samples) {
        List<Long> both = samples.stream()
                .map(Sample::bothMs)
                .sorted(Comparator.naturalOrder())
                .toList();
        List<Long> agent = samples.stream().map(Sample::agentMs).sorted().toList();
        List<Long> visitor = samples.stream().map(Sample::visitorMs).sorted().toList();
        return String.format(
                Locale.ROOT,
                "%-7s %5d %12d %12d %12d %12d%n",
                path,
                samples.size(),
                percentile(both, 0.5),
                percentile(both, 0.95),
                percentile(agent, 0.5),
                percentile(visitor, 0.5));
    }
}
