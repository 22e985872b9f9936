package io.romotica.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server jar as a real process: what an operator sees on the console and at shutdown. */
class ServerProcessIT {
    private static final Path JAR = Path.of("target", "romotica-server.jar");

    @TempDir
    Path data;

    private Process start(Map<String, String> env) throws IOException {
        assertThat(JAR)
                .as("the packaged jar (package runs before integration tests)")
                .exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ROMOTICA_"));
        pb.environment().put("ROMOTICA_DATA_DIR", data.toString());
        pb.environment().put("ROMOTICA_HOST", "127.0.0.1");
        pb.environment().put("ROMOTICA_PORT", "0");
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Everything the process prints, read on a virtual thread. */
    private static final class Output {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Output(Process p) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            reader = Thread.ofVirtual().start(() -> {
                try {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        /** Waits (up to a minute) until a line contains {@code marker} or the output ends. */
        Output await(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().noneMatch(l -> l.contains(marker))
                    && reader.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            return this;
        }

        /** Waits for the end of the output (after the process exited). */
        Output end() throws InterruptedException {
            reader.join(TimeUnit.SECONDS.toMillis(30));
            return this;
        }
    }

    @Test
    void jsonLogsKeepTheSetupLinkOutOfLogLines() throws Exception {
        Process p = start(Map.of("ROMOTICA_LOG_FORMAT", "json"));
        Output out = new Output(p);
        List<String> lines = out.lines;
        try {
            out.await("setup#t=");
            assertThat(lines).anyMatch(l -> l.contains("/setup#t="));
            List<JsonNode> logs = lines.stream()
                    .filter(l -> l.startsWith("{"))
                    .map(ServerProcessIT::json)
                    .toList();
            assertThat(logs).isNotEmpty();
            assertThat(logs).allSatisfy(j -> {
                assertThat(j.has("level")).isTrue();
                assertThat(j.has("formattedMessage")).isTrue();
                assertThat(j.toString()).doesNotContain("#t=");
            });
            assertThat(logs).anyMatch(j -> j.get("formattedMessage").asText().startsWith("listening on https://"));
        } finally {
            p.toHandle().destroy();
        }
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        out.end();
        assertThat(lines).anyMatch(l -> l.contains("\"stopped\""));
    }

    @Test
    void sigtermStopsGracefullyAndAFreshStartReusesTheData() throws Exception {
        Process first = start(Map.of());
        Output out = new Output(first).await("Romotica is running at");
        first.toHandle().destroy();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out.end().lines)
                .anyMatch(l -> l.contains("stopping: draining connections"))
                .anyMatch(l -> l.endsWith("stopped"));
        assertThat(Files.exists(data.resolve("tls/server.crt"))).isTrue();
        assertThat(Files.exists(data.resolve("secret.key"))).isTrue();
        String cert = Files.readString(data.resolve("tls/server.crt"));

        Process second = start(Map.of());
        try {
            Output again = new Output(second).await("Romotica is running at");
            assertThat(again.lines).anyMatch(l -> l.contains("Romotica is running at"));
            assertThat(Files.readString(data.resolve("tls/server.crt")))
                    .as("certificate kept")
                    .isEqualTo(cert);
        } finally {
            second.toHandle().destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void badConfigurationExitsWith78AndOneLine() throws Exception {
        Process p = start(Map.of("ROMOTICA_PORT", "not-a-port"));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).isEqualTo(78);
        assertThat(out).isEqualTo("romotica: configuration error: port must be a whole number (ROMOTICA_PORT)");
    }

    @Test
    void aDifferentSecretKeyForTheSameDataIsRefusedAtStart() throws Exception {
        Process first = start(Map.of());
        new Output(first).await("Romotica is running at");
        first.toHandle().destroy();
        first.waitFor(20, TimeUnit.SECONDS);
        Process wrongKey = start(
                Map.of("ROMOTICA_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32])));
        assertThat(wrongKey.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(wrongKey.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrongKey.exitValue()).isEqualTo(78);
        assertThat(out).contains("secret.key differs from the key this database was set up with");
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
