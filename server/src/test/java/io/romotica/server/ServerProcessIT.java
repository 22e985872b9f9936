package io.romotica.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import io.romotica.server.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server jar as a real process: what an operator sees on the console and at shutdown. */
class ServerProcessIT {
    private static final Path JAR = Path.of("target", "romotica-server.jar");

    @TempDir
    Path data;

    private ServerProcess start(Map<String, String> env) throws IOException {
        return ServerProcess.start(data, env);
    }

    @Test
    void jsonLogsKeepTheSetupLinkOutOfLogLines() throws Exception {
        ServerProcess p = start(Map.of("ROMOTICA_LOG_FORMAT", "json"));
        List<String> lines = p.lines;
        try {
            p.await("setup#t=");
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
            p.terminate();
        }
        assertThat(p.process.waitFor(20, TimeUnit.SECONDS))
                .as("stops on SIGTERM")
                .isTrue();
        p.end();
        assertThat(lines).anyMatch(l -> l.contains("\"stopped\""));
    }

    @Test
    void sigtermStopsGracefullyAndAFreshStartReusesTheData() throws Exception {
        ServerProcess first = start(Map.of());
        ServerProcess out = first.await("Romotica is running at");
        first.terminate();
        assertThat(first.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(out.end().lines)
                .anyMatch(l -> l.contains("stopping: draining connections"))
                .anyMatch(l -> l.endsWith("stopped"));
        assertThat(Files.exists(data.resolve("tls/server.crt"))).isTrue();
        assertThat(Files.exists(data.resolve("secret.key"))).isTrue();
        String cert = Files.readString(data.resolve("tls/server.crt"));

        ServerProcess second = start(Map.of());
        try {
            ServerProcess again = second.await("Romotica is running at");
            assertThat(again.lines).anyMatch(l -> l.contains("Romotica is running at"));
            assertThat(Files.readString(data.resolve("tls/server.crt")))
                    .as("certificate kept")
                    .isEqualTo(cert);
        } finally {
            second.terminate();
            second.process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void badConfigurationExitsWith78AndOneLine() throws Exception {
        ServerProcess p = start(Map.of("ROMOTICA_PORT", "not-a-port"));
        assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = String.join("\n", p.end().lines).strip();
        assertThat(p.process.exitValue()).isEqualTo(78);
        assertThat(out).isEqualTo("romotica: configuration error: port must be a whole number (ROMOTICA_PORT)");
    }

    @Test
    void aDifferentSecretKeyForTheSameDataIsRefusedAtStart() throws Exception {
        ServerProcess first = start(Map.of()).await("Romotica is running at");
        first.terminate();
        first.process.waitFor(20, TimeUnit.SECONDS);
        ServerProcess wrongKey = start(
                Map.of("ROMOTICA_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32])));
        assertThat(wrongKey.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(wrongKey.process.exitValue()).isEqualTo(78);
        assertThat(String.join("\n", wrongKey.end().lines))
                .contains("secret.key differs from the key this database was set up with");
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
