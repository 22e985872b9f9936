package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.romotica.desktop.session.FileReceiver;
import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Remote control over the session's data channels, end to end: the real server in-process, Xvfb with a
 * window that records input, the headless host (all rights at consent) and headless viewers as processes.
 * Input, clipboard both ways, a checksummed and a resumed file transfer, a refused input without the
 * {@code control} right, a transfer stopped by revoking {@code files}, and the usage in the audit log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteControlIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;
    private static final String ALL = "view,control,clipboard,files";

    private static DesktopTestKit kit;
    private static TestServer server;
    private static TestServer.Account admin;
    private static Process host;
    private static OutputStream hostCommands;
    private static Path filesDir;
    private static final BlockingQueue<JsonNode> credentials = new LinkedBlockingQueue<>();
    private static final BlockingQueue<JsonNode> rightsAnswers = new LinkedBlockingQueue<>();
    private static final BlockingQueue<String> windowEvents = new LinkedBlockingQueue<>();
    private static JsonNode current;

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        TestEnvironment.require("xclip (package xclip)", DesktopTestKit.onPath("xclip"));
        TestEnvironment.require(
                "a non-loopback IPv4 interface for WebRTC host candidates", DesktopTestKit.hasNonLoopbackIpv4());
        kit = new DesktopTestKit("romotica-control-it");
        kit.startXvfb(WIDTH, HEIGHT);
        Process window = kit.java(Map.of("DISPLAY", kit.display), InputWindow.class.getName());
        BufferedReader events =
                new BufferedReader(new InputStreamReader(window.getInputStream(), StandardCharsets.UTF_8));
        assertThat(events.readLine()).as("input window").isEqualTo("shown " + WIDTH + "x" + HEIGHT);
        Thread.ofPlatform().daemon().start(() -> events.lines().forEach(windowEvents::add));

        server = TestServer.builder().set("remote.offline.after", "1h").start();
        admin = server.setupAdmin();
        filesDir = kit.work.resolve("received");
        host = kit.java(
                Map.of("DISPLAY", kit.display),
                DesktopMain.class.getName(),
                "host",
                "--headless",
                "--auto-accept",
                "--grant",
                ALL,
                "--files-dir",
                filesDir.toString(),
                "--server",
                server.baseUrl(),
                "--trust-cert",
                server.dataDir().resolve("tls/server.crt").toString(),
                "--config-dir",
                kit.work.resolve("host").toString());
        hostCommands = host.getOutputStream();
        Thread.ofPlatform().daemon().start(RemoteControlIT::readHost);
        current = next(credentials, "credentials");
    }

    @AfterAll
    static void stop() throws Exception {
        if (kit != null) {
            kit.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void readHost() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("{")) {
                    JsonNode node = JSON.readTree(line);
                    (node.has("rights") ? rightsAnswers : credentials).add(node);
                }
            }
        } catch (IOException e) {
            // the host ended
        }
    }

    private static JsonNode next(BlockingQueue<JsonNode> queue, String what) throws InterruptedException {
        JsonNode n = queue.poll(30, TimeUnit.SECONDS);
        assertThat(n).as(what + " from the host").isNotNull();
        return n;
    }

    private static JsonNode command(String line) throws Exception {
        hostCommands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        hostCommands.flush();
        return next(rightsAnswers, "answer to '" + line + "'");
    }

    record Run(int exit, JsonNode line) {}

    /** A headless viewer with these actions; afterwards the host has a new one-time password. */
    private static Run viewer(String... actions) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "viewer",
                "--headless",
                "--id",
                current.get("id").asText(),
                "--password",
                current.get("password").asText(),
                "--server",
                server.baseUrl(),
                "--trust-cert",
                server.dataDir().resolve("tls/server.crt").toString(),
                "--config-dir",
                kit.work.resolve("viewer-" + System.nanoTime()).toString(),
                "--timeout",
                "30s"));
        args.addAll(List.of(actions));
        Process p = kit.java(Map.of(), DesktopMain.class.getName(), args.toArray(String[]::new));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String line =
                out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        current = next(credentials, "new credentials after the session");
        return new Run(p.exitValue(), JSON.readTree(line));
    }

    private static String awaitWindow(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            String e = windowEvents.poll(200, TimeUnit.MILLISECONDS);
            if (e != null && e.startsWith(prefix)) {
                last = e;
                if (prefix.equals("click")) {
                    return e;
                }
            } else if (e == null && last != null) {
                return last;
            }
        }
        return last;
    }

    @Test
    @Order(1)
    void clickAndTypedTextFromTheViewerArriveInTheHostsWindow() throws Exception {
        Run run = viewer("--click", "320,240", "--type", "Hello, Romotica 42!");

        assertThat(run.exit()).as(run.line().toString()).isZero();
        assertThat(awaitWindow("click")).isEqualTo("click 320 240 1");
        assertThat(awaitWindow("text")).isEqualTo("text Hello, Romotica 42!");
    }

    @Test
    @Order(2)
    void clipboardTextGoesBothWays() throws Exception {
        // xclip keeps serving the selection from the background until someone else takes it.
        kit.x11("sh", "-c", "printf %s 'from the host' | xclip -selection clipboard >/dev/null 2>&1 &");
        Thread.sleep(300);

        Run run = viewer("--set-clipboard", "from the viewer", "--get-clipboard");

        assertThat(run.exit()).as(run.line().toString()).isZero();
        assertThat(run.line().get("clipboard").asText()).isEqualTo("from the host");
        assertThat(kit.x11("xclip", "-selection", "clipboard", "-o")).isEqualTo("from the viewer");
    }

    @Test
    @Order(3)
    void aFileArrivesWithItsChecksumAndAnInterruptedTransferResumes() throws Exception {
        Path file = kit.work.resolve("..report:final?.bin");
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        new Random(5).nextBytes(data);
        Files.write(file, data);

        Run run = viewer("--send-file", file.toString(), "--test-interrupt-after", "1048576");

        assertThat(run.exit()).as(run.line().toString()).isZero();
        JsonNode result = run.line().get("file");
        assertThat(result.get("resumedFrom").asLong()).isBetween(1L, 1048576L);
        assertThat(result.get("storedAs").asText()).isEqualTo("report_final_.bin");
        Path stored = filesDir.resolve(result.get("storedAs").asText());
        assertThat(stored.getParent()).isEqualTo(filesDir);
        assertThat(FileReceiver.sha256(stored))
                .isEqualTo(FileReceiver.sha256(file))
                .isEqualTo(result.get("sha256").asText());
    }

    @Test
    @Order(4)
    void withoutTheControlRightInputIsRefused() throws Exception {
        command("consent view,clipboard,files");
        windowEvents.clear();
        try {
            Run run = viewer("--click", "100,100", "--type", "nope");

            assertThat(run.exit()).as(run.line().toString()).isEqualTo(DesktopMain.ACTION_FAILED);
            assertThat(run.line().get("refused").toString()).contains("input");
            Thread.sleep(500);
            assertThat(windowEvents).isEmpty();
        } finally {
            command("consent " + ALL);
        }
    }

    @Test
    @Order(5)
    void revokingFilesMidSessionStopsTheTransferAndRemovesThePartialFile() throws Exception {
        Path big = kit.work.resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(400L * 1024 * 1024);
        }
        Thread revoker = Thread.ofPlatform().daemon().start(() -> {
            try {
                Path partials = filesDir.resolve(".partial");
                for (int i = 0; i < 600; i++) {
                    if (Files.isDirectory(partials)) {
                        try (Stream<Path> s = Files.list(partials)) {
                            if (s.anyMatch(p -> p.toFile().length() > 0)) {
                                command("revoke files");
                                return;
                            }
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Run run = viewer("--send-file", big.toString());
        revoker.join(5_000);

        assertThat(run.exit()).as(run.line().toString()).isEqualTo(DesktopMain.ACTION_FAILED);
        assertThat(run.line().get("file").get("error").asText()).isEqualTo("REVOKED");
        assertThat(filesDir.resolve("big.bin")).doesNotExist();
        try (Stream<Path> s = Files.list(filesDir.resolve(".partial"))) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    @Order(6)
    void theAuditLogHasEachSessionsRightsAndBytes() {
        List<JsonNode> ended = new ArrayList<>();
        admin.client()
                .get("/api/admin/audit?type=REMOTE_SESSION_ENDED")
                .json()
                .get("items")
                .forEach(ended::add);
        assertThat(ended)
                .anySatisfy(e -> assertThat(e.get("details").asText())
                        .contains("rights " + ALL)
                        .containsPattern("bytes to host [0-9]{7,}")
                        .contains("files 1"));
        assertThat(ended).anySatisfy(e -> assertThat(e.get("details").asText()).contains("revoked files"));
    }
}
