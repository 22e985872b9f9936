package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Support calls in two real Chromium sessions with fake microphone and camera: the visitor calls from the
 * chat page, the agent answers in the console, WebRTC connects peer to peer, both sides' recordings reach
 * the server while the call runs and play in the console.
 */
class CallBrowserIT {
    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "100")
                .set("calls.recording", "always")
                .start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Browser agentOnCalls() {
        Browser agent = browsers.open(server, Browser.options().fakeMedia());
        agent.signIn(admin);
        agent.get("/console/calls");
        agent.visible("#calls-queue-h");
        return agent;
    }

    private Browser visitorOnChat(String name) {
        Browser visitor = browsers.open(server, Browser.options().fakeMedia());
        visitor.get("/chat");
        ChatBrowserIT.startAsVisitor(visitor, name);
        return visitor;
    }

    /** Bytes this side received over the call so far (getStats inbound-rtp, as the stage shows them). */
    private static long receivedBytes(Browser b) {
        Object v = b.js("return document.getElementById('call-quality').dataset.receivedBytes || '0';");
        return Long.parseLong(String.valueOf(v));
    }

    /** The other side's sound level (RMS, 0–1) over the last stats interval. */
    private static double remoteLevel(Browser b) {
        Object v = b.js("return document.getElementById('call-quality').dataset.remoteAudioLevel || '0';");
        return Double.parseDouble(String.valueOf(v));
    }

    /** The streams ffprobe finds in a file, as "codec_type:codec_name" (ffmpeg's ffprobe, Debian package ffmpeg). */
    private static java.util.List<String> probe(byte[] media) throws Exception {
        Path ffprobe = Path.of("/usr/bin/ffprobe");
        TestEnvironment.require("ffprobe (apt-get install ffmpeg)", Files.isExecutable(ffprobe));
        Path file = Files.createTempFile("recording", ".webm");
        try {
            Files.write(file, media);
            Process p = new ProcessBuilder(
                            ffprobe.toString(),
                            "-v",
                            "error",
                            "-show_entries",
                            "stream=codec_type,codec_name",
                            "-of",
                            "csv=p=0",
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("ffprobe: " + out).isZero();
            return out.lines()
                    .map(l -> l.split(",")[1] + ":" + l.split(",")[0])
                    .sorted()
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void awaitConnected(Browser b) {
        b.visible("#call-stage[data-connection='connected']");
    }

    @Test
    void aVisitorCallsTheAgentAnswersAndBothSidesAreConnectedAndRecorded() throws Exception {
        Browser agent = agentOnCalls();
        Browser visitor = visitorOnChat("Arayan Ziyaretçi");

        visitor.click("#call-button");
        visitor.visible("#call-waiting");
        assertThat(visitor.awaitText("#call-position", "1")).isNotBlank();
        visitor.visible("#call-panel .call-notice"); // told before anything is recorded

        agent.awaitText("#calls-queue li[data-call]", "Arayan Ziyaretçi");
        agent.awaitText("a[data-pane='calls'] .nav-badge", "1");
        agent.click("#calls-queue button[data-action='accept']");

        awaitConnected(agent);
        awaitConnected(visitor);
        visitor.visible("#call-recording");
        agent.visible("#call-recording");
        for (Browser b : new Browser[] {agent, visitor}) {
            b.await(
                    "remote audio playing",
                    () -> b.js("const a = document.getElementById('call-remote-audio');"
                            + " return !!a.srcObject && a.srcObject.getAudioTracks()[0].readyState === 'live';"));
            b.await("the path shown as direct", () -> b.present("#call-quality[data-path='direct']"));
            b.await("media bytes received (getStats)", () -> receivedBytes(b) > 10_000);
        }

        // The agent hears the visitor; the visitor mutes and the agent hears silence; unmuted, sound again.
        agent.await("the visitor's sound at the agent", () -> remoteLevel(agent) > 0.01);
        visitor.click("#call-mic");
        agent.await("silence at the agent after the visitor muted", () -> remoteLevel(agent) < 0.001);
        visitor.click("#call-mic");
        agent.await("the visitor's sound back", () -> remoteLevel(agent) > 0.01);

        // The visitor switches the camera on: the agent sees the picture.
        visitor.click("#call-camera");
        agent.visible("#call-remote-camera");
        agent.await(
                "the visitor's camera frames",
                () -> ((Number) agent.js("return document.getElementById('call-remote-camera').videoWidth;")).intValue()
                        > 0);

        // The agent asks for the visitor's screen; the visitor shares it.
        agent.click("#call-ask-share");
        visitor.click("#call-share-yes");
        agent.visible("#call-remote-screen");
        agent.await(
                "the visitor's screen frames",
                () -> ((Number) agent.js("return document.getElementById('call-remote-screen').videoWidth;")).intValue()
                        > 0);

        // Intercom: the microphone is closed until "talk" is held.
        visitor.click("#call-intercom");
        assertThat(visitor.js("return document.getElementById('call-talk').hidden;"))
                .isEqualTo(false);
        assertThat(visitor.visible("#call-mic").getAttribute("disabled")).isNotNull();

        // Let the recorders send a few chunks while the call runs.
        visitor.await("recordings growing on the server", () -> {
            JsonNode recs = admin.client().get("/api/calls").json().get(0).get("recordings");
            return recs.size() >= 2
                    && recs.get(0).get("size").asLong() > 2000
                    && recs.get(1).get("size").asLong() > 2000;
        });

        server.clock().advance(Duration.ofSeconds(7));
        agent.click("#call-hangup");
        visitor.visible("#call-ended");
        agent.visible("#call-ended");

        JsonNode call = admin.client().get("/api/calls").json().get(0);
        assertThat(call.at("/call/status").asText()).isEqualTo("ENDED");
        assertThat(call.get("durationSeconds").asLong()).isEqualTo(7);
        assertThat(call.at("/call/endReason").asText()).isEqualTo("hangup-agent");
        JsonNode recordings = call.get("recordings");
        // The agent's side in one piece; the visitor's in two: sound only, then sound and camera.
        assertThat(recordings.findValuesAsText("role")).containsExactlyInAnyOrder("AGENT", "VISITOR", "VISITOR");
        assertThat(recordings.findValuesAsText("contentType")).contains("audio/webm", "video/webm");
        for (JsonNode rec : recordings) {
            HttpResponse<byte[]> media = admin.client()
                    .download("/api/calls/recordings/" + rec.get("id").asText() + "?download=true", Map.of());
            assertThat(media.statusCode()).isEqualTo(200);
            byte[] body = media.body();
            assertThat(body.length).isGreaterThan(2000);
            // A valid WebM as ffprobe reads it: Opus sound, and VP8 pictures in the camera segment.
            java.util.List<String> streams = probe(body);
            if (rec.get("contentType").asText().equals("video/webm")) {
                assertThat(streams).containsExactly("audio:opus", "video:vp8");
            } else {
                assertThat(streams).containsExactly("audio:opus");
            }
        }

        // The recordings play in the console's history.
        agent.click("#call-dock-close");
        agent.click(".calls-filters button[type='submit']");
        agent.click("#calls-history button[data-recording]");
        agent.await(
                "a recording's metadata loaded in the player",
                () -> agent.js("const m = document.querySelector('#calls-history .calls-player');"
                        + " return !!m && m.readyState >= 1 && !m.error;"));
    }

    @Test
    void aCallNobodyAnswersIsMissedAndTheVisitorCanLeaveAMessage() {
        Browser visitor = visitorOnChat("Bekleyen Ziyaretçi");
        visitor.click("#call-button");
        visitor.visible("#call-waiting");
        server.clock().advance(Duration.ofSeconds(61));
        visitor.visible("#call-leave-message");
        visitor.click("#call-leave-message");
        visitor.visible("#composer");
        assertThat(visitor.js("return document.getElementById('call-panel').hidden;"))
                .isEqualTo(true);
    }

    @Test
    void anAgentCallsTheVisitorOfAConversationAndTheVisitorAnswers() {
        Browser visitor = visitorOnChat("Aranan Ziyaretçi");
        visitor.type("#composer", "Beni arayabilir misiniz?");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");

        Browser agent = agentOnCalls();
        agent.get("/console/chats");
        ChatBrowserIT.openConversation(agent, "Aranan Ziyaretçi");
        agent.click("#chat-call");
        agent.visible("#call-inviting");

        visitor.visible("#call-ringing");
        visitor.click("#call-accept");
        awaitConnected(visitor);
        awaitConnected(agent);

        visitor.click("#call-hangup");
        agent.visible("#call-ended");
        visitor.visible("#call-ended");
    }
}
