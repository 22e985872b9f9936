package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.FreePorts;
import io.romotica.server.testing.ServerProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ICE configuration as an operator meets it: the packaged jar refusing bad values, and keeping the secret out. */
class IceConfigProcessIT {
    private static final String SECRET = "process-level-turn-secret";

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ROMOTICA_STUN_URLS | stun.example.com"
                        + " | stun.urls has 'stun.example.com', which is not stun:host[:port] (ROMOTICA_STUN_URLS)",
                "ROMOTICA_TURN_URLS | turn:turn.example.com:3478"
                        + " | turn.urls needs turn.secret, the secret shared with coturn's use-auth-secret"
                        + " (ROMOTICA_TURN_SECRET)",
            })
    void badIceConfigurationExitsWith78AndOneLine(String variable, String value, String message) throws Exception {
        ServerProcess p = ServerProcess.start(data, Map.of(variable, value));

        assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.process.exitValue()).isEqualTo(78);
        assertThat(String.join("\n", p.end().lines).strip()).isEqualTo("romotica: configuration error: " + message);
    }

    @Test
    void turnSecretNeverReachesTheOutput() throws Exception {
        ServerProcess p = ServerProcess.start(
                data,
                Map.of(
                        "ROMOTICA_TURN_URLS",
                        "turns:turn.example.com:443?transport=tcp",
                        "ROMOTICA_TURN_SECRET",
                        SECRET,
                        "ROMOTICA_STUN_PORT",
                        Integer.toString(FreePorts.udpAndTcp())));
        try {
            p.await("Romotica is running at");
            assertThat(p.lines).anyMatch(l -> l.contains("STUN responder listening on UDP"));
        } finally {
            p.terminate();
            p.process.waitFor(20, TimeUnit.SECONDS);
        }
        assertThat(p.end().lines).noneMatch(l -> l.contains(SECRET));
    }
}
