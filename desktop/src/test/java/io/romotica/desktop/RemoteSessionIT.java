package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The desktop app end to end: a real server in-process, Xvfb showing a known pattern, the headless host and
 * headless viewers as separate processes of the real command line. libwebrtc ignores loopback, so the test
 * needs a non-loopback IPv4 interface for host candidates (as every CI machine has).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteSessionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private static TestServer server;
    private static DesktopTestKit kit;
    private static Process host;
    private static final BlockingQueue<JsonNode> credentials = new LinkedBlockingQueue<>();
    private static JsonNode current;

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        TestEnvironment.require(
                "a non-loopback IPv4 interface for WebRTC host candidates", DesktopTestKit.hasNonLoopbackIpv4());
        kit = new DesktopTestKit("romotica-desktop-it");
        kit.startXvfb(WIDTH, HEIGHT);
        Process pattern = kit.java(Map.of("DISPLAY", kit.display), PatternWindow.class.getName());
        String shown =
                new BufferedReader(new InputStreamReader(pattern.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(shown).as("pattern window").isEqualTo("shown " + WIDTH + "x" + HEIGHT);

        server = TestServer.builder()
                .set("remote.backoff.free.attempts", "1")
                .set("remote.backoff.base", "1m")
                .set("remote.backoff.max", "5m")
                .set("remote.rotate.after.failures", "2")
                .set("remote.offline.after", "1h")
                .start();
        admin = server.setupAdmin();
        host = desktop(
                Map.of("DISPLAY", kit.display),
                "host",
                "--headless",
                "--auto-accept",
                "--server",
                server.baseUrl(),
                "--trust-cert",
                certificate().toString(),
                "--config-dir",
                kit.work.resolve("host").toString());
        Thread.ofPlatform().daemon().start(() -> readCredentials(host));
        current = nextCredentials();
        assertThat(current.get("id").asText()).matches("[1-9][0-9]{8}");
        assertThat(current.get("password").asText()).hasSizeGreaterThanOrEqualTo(8);
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

    private static Path certificate() {
        return server.dataDir().resolve("tls/server.crt");
    }

    private static Process desktop(Map<String, String> env, String... args) throws IOException {
        return kit.java(env, DesktopMain.class.getName(), args);
    }

    private static void readCredentials(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                // libwebrtc writes its own notices to stdout; the app's lines are the JSON objects.
                if (line.startsWith("{")) {
                    credentials.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            // the host ended
        }
    }

    private static JsonNode nextCredentials() throws InterruptedException {
        JsonNode c = credentials.poll(30, TimeUnit.SECONDS);
        assertThat(c).as("credentials line from the host").isNotNull();
        return c;
    }

    /** What a viewer run printed and its exit status. */
    record Run(int exit, JsonNode line) {}

    private Run viewer(String serverUrl, String password, Path screenshot) throws Exception {
        Process p = desktop(
                Map.of(),
                "viewer",
                "--headless",
                "--id",
                current.get("id").asText(),
                "--password",
                password,
                "--screenshot",
                screenshot.toString(),
                "--server",
                serverUrl,
                "--trust-cert",
                certificate().toString(),
                "--config-dir",
                kit.work.resolve("viewer-" + System.nanoTime()).toString(),
                "--timeout",
                "40s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // libwebrtc writes its own notices to stdout; the app's result is the last JSON object line.
        String line =
                out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("{}");
        return new Run(p.exitValue(), JSON.readTree(line));
    }

    private List<JsonNode> audit(String type) {
        return listOf(admin.client().get("/api/admin/audit?type=" + type).json().get("items"));
    }

    private static TestServer.Account admin;

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @Test
    @Order(1)
    void viewerSavesTheHostsScreenAsDrawn() throws Exception {
        Path png = kit.work.resolve("screen.png");
        Run run = viewer(server.baseUrl(), current.get("password").asText(), png);

        assertThat(run.exit()).as(run.line().toString()).isZero();
        assertThat(run.line().get("verificationCode").asText()).matches("[0-9]{3} [0-9]{3}");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        for (int i = 0; i < 4; i++) {
            int cx = (i % 2) * WIDTH / 2 + WIDTH / 4;
            int cy = (i / 2) * HEIGHT / 2 + HEIGHT / 4;
            assertThat(DesktopTestKit.averageDistance(image, cx, cy, PatternWindow.QUADRANTS[i]))
                    .as("quadrant %d around (%d,%d)", i, cx, cy)
                    .isLessThan(40.0);
        }
        // One-time: the password that opened a session is replaced.
        JsonNode next = nextCredentials();
        assertThat(next.get("password").asText())
                .isNotEqualTo(current.get("password").asText());
        current = next;
    }

    /** Mean per-channel distance between a 40×40 block around (cx, cy) and {@code expected}. */
    private static final Pattern FINGERPRINT = Pattern.compile("(a=fingerprint:sha-256 )([0-9A-F]{2})");

    @Test
    @Order(2)
    void swappedFingerprintOnThePathAbortsWithSecurityCheckFailed() throws Exception {
        // The path rewrites the host's DTLS fingerprint in its offer, as a relay inserting itself would.
        try (TamperingProxy proxy = new TamperingProxy(server.baseUrl(), server.ssl(), text -> {
            try {
                JsonNode frame = JSON.readTree(text);
                if (!frame.path("type").asText().equals("remote.relay")
                        || !frame.path("kind").asText().equals("sdp")) {
                    return text;
                }
                // Every fingerprint line alike, so the description still carries one fingerprint and only
                // its MAC can give the swap away.
                var m = FINGERPRINT.matcher(frame.get("payload").asText());
                String swapped = m.replaceAll(r -> r.group(1) + (r.group(2).equals("00") ? "01" : "00"));
                ((ObjectNode) frame).put("payload", swapped);
                return frame.toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        })) {
            Run run = viewer(proxy.baseUrl(), current.get("password").asText(), kit.work.resolve("tampered.png"));

            assertThat(run.exit()).as(run.line().toString()).isEqualTo(13);
            assertThat(run.line().get("error").asText()).isEqualTo("SECURITY_CHECK_FAILED");
            assertThat(run.line().get("message").asText()).contains("not authenticated");
            assertThat(Files.exists(kit.work.resolve("tampered.png"))).isFalse();
        }
        // The PAKE itself succeeded (the password is used up); the session ended as a security failure.
        current = nextCredentials();
        assertThat(audit("REMOTE_SESSION_ENDED"))
                .anySatisfy(e -> assertThat(e.get("details").asText()).contains("SECURITY_CHECK_FAILED"));
    }

    @Test
    @Order(3)
    void wrongPasswordIsRefusedCountedRotatedAndBackedOff() throws Exception {
        Run first = viewer(server.baseUrl(), "WRONGPASS1", kit.work.resolve("wrong1.png"));
        assertThat(first.exit()).as(first.line().toString()).isEqualTo(10);
        assertThat(first.line().get("error").asText()).isEqualTo("WRONG_PASSWORD");
        Run second = viewer(server.baseUrl(), "WRONGPASS2", kit.work.resolve("wrong2.png"));
        assertThat(second.exit()).as(second.line().toString()).isEqualTo(10);

        // Two failures: the host was told to rotate, and the ID is in back-off for a minute.
        JsonNode rotated = nextCredentials();
        assertThat(rotated.get("password").asText())
                .isNotEqualTo(current.get("password").asText());
        current = rotated;
        Run locked = viewer(server.baseUrl(), current.get("password").asText(), kit.work.resolve("locked.png"));
        assertThat(locked.exit()).as(locked.line().toString()).isEqualTo(12);
        assertThat(locked.line().get("error").asText()).isEqualTo("LOCKED_OUT");
        assertThat(locked.line().get("retryAfterSeconds").asLong()).isBetween(1L, 60L);

        assertThat(audit("REMOTE_AUTH_FAILED")).hasSize(2);
        assertThat(audit("REMOTE_PASSWORD_ROTATION")).hasSize(1);

        server.clock().advance(Duration.ofMinutes(2));
        Run after = viewer(server.baseUrl(), current.get("password").asText(), kit.work.resolve("after.png"));
        assertThat(after.exit()).as(after.line().toString()).isZero();
    }
}
