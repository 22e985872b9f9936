package io.romotica.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.romotica.server.testing.TestEnvironment;
import io.romotica.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Linux app image that {@code package} builds with jpackage runs on its own: its launcher, started with a
 * bare environment (no JDK on the {@code PATH}, no {@code JAVA_HOME}), serves as a headless host against a real
 * server, and a viewer sees its screen — so the jlinked runtime holds every module the app and webrtc-java need.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AppImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LAUNCHER = Path.of("target", "app-image", "Romotica", "bin", "Romotica");

    private static DesktopTestKit kit;
    private static TestServer server;
    private static Process host;
    private static final BlockingQueue<JsonNode> credentials = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        TestEnvironment.require(
                "the app image (built by package on Linux) at " + LAUNCHER, Files.isExecutable(LAUNCHER));
        TestEnvironment.require("Xvfb (package xvfb)", DesktopTestKit.onPath("Xvfb"));
        kit = new DesktopTestKit("romotica-app-image-it");
        kit.startXvfb(640, 480);
        server = TestServer.start();

        ProcessBuilder b = new ProcessBuilder(
                        LAUNCHER.toAbsolutePath().toString(),
                        "host",
                        "--headless",
                        "--auto-accept",
                        "--server",
                        server.baseUrl(),
                        "--trust-cert",
                        server.dataDir().resolve("tls/server.crt").toString(),
                        "--config-dir",
                        kit.work.resolve("host").toString())
                .redirectError(kit.work.resolve("app-image-host.log").toFile());
        // What a user without a JDK has: no JAVA_HOME, only the system's own binaries on the PATH.
        b.environment().clear();
        b.environment().put("PATH", "/usr/bin:/bin");
        b.environment().put("HOME", kit.work.toString());
        b.environment().put("DISPLAY", kit.display);
        host = b.start();
        Thread.ofPlatform().daemon().start(AppImageIT::readCredentials);
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.destroy();
            if (!host.waitFor(5, TimeUnit.SECONDS)) {
                host.destroyForcibly();
            }
        }
        if (kit != null) {
            kit.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static void readCredentials() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
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

    @Test
    @Order(1)
    void packagedHostWithoutAJdkPrintsItsIdAndOneTimePassword() throws Exception {
        JsonNode line = credentials.poll(60, TimeUnit.SECONDS);

        assertThat(line)
                .as("credentials line from the packaged host; its log: %s", log())
                .isNotNull();
        assertThat(line.get("id").asText()).matches("[1-9][0-9]{8}");
        assertThat(line.get("password").asText()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(Instant.parse(line.get("expiresAt").asText())).isAfter(Instant.now());
    }

    @Test
    @Order(2)
    void theImageCarriesItsOwnRuntimeAndNoJdkTools() {
        Path runtime =
                LAUNCHER.toAbsolutePath().getParent().resolveSibling("lib").resolve("runtime");

        assertThat(runtime.resolve("bin")).doesNotExist();
        assertThat(runtime.resolve("lib").resolve("modules")).isRegularFile();
        assertThat(List.of("javac", "jpackage", "jlink"))
                .allSatisfy(
                        tool -> assertThat(runtime.resolve("bin").resolve(tool)).doesNotExist());
    }

    private static String log() {
        try {
            return Files.readString(kit.work.resolve("app-image-host.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
