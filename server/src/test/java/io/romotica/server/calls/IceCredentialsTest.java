package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.romotica.server.calls.IceServers.IceServer;
import io.romotica.server.common.Json;
import io.romotica.server.config.Secret;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IceCredentialsTest {
    private static final String SECRET = "north-wind-secret-42";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private static ServerConfig.Ice ice(List<String> stun, List<String> turn, String secret) {
        return new ServerConfig.Ice(stun, 3478, turn, new Secret(secret), Duration.ofMinutes(10), 30);
    }

    @Test
    void turnCredentialIsBase64HmacSha1OfExpiryColonUserUnderTheSharedSecret() {
        var servers = new IceServers(ice(List.of(), List.of("turn:turn.example.com:3478"), SECRET), null, 0, CLOCK);

        IceServer turn =
                servers.forUser("visitor-ABC", "example.com").iceServers().getFirst();

        // Computed independently:
        // printf %s 1700000600:visitor-ABC | openssl dgst -sha1 -hmac north-wind-secret-42 -binary | base64
        assertThat(turn.urls()).containsExactly("turn:turn.example.com:3478");
        assertThat(turn.username()).isEqualTo("1700000600:visitor-ABC");
        assertThat(turn.credential()).isEqualTo("fzC5NG1SIpemxwL/1EoAhZFHtLo=");
    }

    @Test
    void listStatesTheCredentialLifetime() {
        var servers = new IceServers(ice(List.of(), List.of("turns:turn.example.com:443"), SECRET), null, 0, CLOCK);

        assertThat(servers.forUser("u1", null).ttlSeconds()).isEqualTo(600);
    }

    @Test
    void configuredStunUrlsComeFirstWithoutCredentials() {
        var servers = new IceServers(
                ice(List.of("stun:stun.example.com:3478"), List.of("turn:turn.example.com"), SECRET),
                "https://support.example.com",
                3478,
                CLOCK);

        var list = servers.forUser("u1", "other.example.com");

        assertThat(list.iceServers()).hasSize(2);
        assertThat(list.iceServers().getFirst())
                .isEqualTo(new IceServer(List.of("stun:stun.example.com:3478"), null, null));
        assertThat(Json.encode(list.iceServers().getFirst())).isEqualTo("{\"urls\":[\"stun:stun.example.com:3478\"]}");
    }

    @ParameterizedTest(name = "public.url {0}, Host {1} -> {2}")
    @CsvSource({
        "https://support.example.com, other.example.com:8443, stun:support.example.com:3478",
        "'', support.example.com:8443, stun:support.example.com:3478",
        "'', 127.0.0.1:8443, stun:127.0.0.1:3478",
        "'', '[::1]:8443', 'stun:[::1]:3478'",
        "'', 'localhost', stun:localhost:3478",
    })
    void withoutStunUrlsTheResponderOfThisServerIsOffered(String publicUrl, String host, String expected) {
        var servers =
                new IceServers(ice(List.of(), List.of(), ""), publicUrl.isEmpty() ? null : publicUrl, 3478, CLOCK);

        assertThat(servers.forUser("u1", host).iceServers())
                .containsExactly(new IceServer(List.of(expected), null, null));
    }

    @Test
    void aHostHeaderThatIsNoHostGetsNoStunEntry() {
        var servers = new IceServers(ice(List.of(), List.of(), ""), null, 3478, CLOCK);

        assertThat(servers.forUser("u1", "evil.example.com/?x=1").iceServers()).isEmpty();
    }

    @Test
    void withTheResponderOffAndNothingConfiguredTheListIsEmpty() {
        var servers = new IceServers(ice(List.of(), List.of(), ""), null, 0, CLOCK);

        assertThat(servers.forUser("u1", "example.com").iceServers()).isEmpty();
    }

    @Test
    void turnUrlsWithoutSecretAreRefused() {
        assertThatThrownBy(() -> new IceServers(ice(List.of(), List.of("turn:turn.example.com"), ""), null, 0, CLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("turn.secret");
    }
}
