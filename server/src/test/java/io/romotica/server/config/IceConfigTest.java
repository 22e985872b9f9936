package io.romotica.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IceConfigTest {
    private static final String SECRET = "a-long-shared-turn-secret";

    @Test
    void defaultsRunTheStunResponderOn3478WithoutTurn() {
        ServerConfig.Ice ice = ConfigLoader.load(Map.of(), Map.of()).ice();

        assertThat(ice.stunUrls()).isEmpty();
        assertThat(ice.stunPort()).isEqualTo(3478);
        assertThat(ice.turnUrls()).isEmpty();
        assertThat(ice.turnCredentialTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void urlListsComeFromTheEnvironment() {
        ServerConfig.Ice ice = ConfigLoader.load(
                        Map.of(
                                "ROMOTICA_STUN_URLS", "stun:stun.example.com, stun:[2001:db8::1]:3478",
                                "ROMOTICA_TURN_URLS",
                                        "turn:turn.example.com:3478?transport=udp,turns:turn.example.com:443?transport=tcp",
                                "ROMOTICA_TURN_SECRET", SECRET),
                        Map.of())
                .ice();

        assertThat(ice.stunUrls()).containsExactly("stun:stun.example.com", "stun:[2001:db8::1]:3478");
        assertThat(ice.turnUrls())
                .containsExactly(
                        "turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:443?transport=tcp");
    }

    @Test
    void turnSecretIsMaskedWhenPrinted() {
        ServerConfig c = ConfigLoader.load(
                Map.of("ROMOTICA_TURN_URLS", "turn:turn.example.com", "ROMOTICA_TURN_SECRET", SECRET), Map.of());

        assertThat(c.toString()).doesNotContain(SECRET).contains("<secret>");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "stun.urls | turn:turn.example.com | stun.urls has 'turn:turn.example.com', which is not stun:",
                "stun.urls | stun:host:70000 | stun.urls has 'stun:host:70000'",
                "stun.urls | stun:a.example.com,,stun:b.example.com | stun.urls has ''",
                "stun.urls | http://stun.example.com | stun.urls has 'http://stun.example.com'",
                "turn.urls | stun:turn.example.com | turn.urls has 'stun:turn.example.com', which is not turn:",
                "turn.urls | turn:turn.example.com?transport=sctp | turn.urls has",
                "turn.urls | turn:turn.example.com | turn.urls needs turn.secret",
                "turn.secret | short | turn.secret must be at least 16 characters",
                "turn.credential.ttl | 10s | turn.credential.ttl must be between 1m and 24h",
                "turn.credential.ttl | 2d | turn.credential.ttl must be between 1m and 24h",
                "stun.port | 70000 | stun.port must be between 0 and 65535",
            })
    void badIceValuesFailWithOneLineNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }
}
