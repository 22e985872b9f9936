package io.romotica.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @Test
    void defaultsAreEmbeddedSingleNodeOnTls8443() {
        ServerConfig c = ConfigLoader.load(Map.of(), Map.of());
        assertThat(c.http().port()).isEqualTo(8443);
        assertThat(c.tls().enabled()).isTrue();
        assertThat(c.db().embedded()).isTrue();
        assertThat(c.redis().enabled()).isFalse();
        assertThat(c.dataDir().getFileName()).hasToString("data");
        assertThat(c.auth().sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void environmentOverridesDefaults() {
        ServerConfig c = ConfigLoader.load(
                Map.of(
                        "ROMOTICA_PORT", "9443",
                        "ROMOTICA_DB_URL", "jdbc:postgresql://db:5432/romotica",
                        "ROMOTICA_REDIS_URL", "redis://cache:6379",
                        "ROMOTICA_SESSION_IDLE_TIMEOUT", "PT45M"),
                Map.of());
        assertThat(c.http().port()).isEqualTo(9443);
        assertThat(c.db().embedded()).isFalse();
        assertThat(c.redis().enabled()).isTrue();
        assertThat(c.auth().sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void secretsAreMaskedWhenPrinted() {
        ServerConfig c = ConfigLoader.load(Map.of("ROMOTICA_DB_PASSWORD", "hunter2-very-secret"), Map.of());
        assertThat(c.toString()).doesNotContain("hunter2-very-secret").contains("<secret>");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "port, 70000, port must be between",
        "port, eighty, port must be a whole number",
        "db.url, mysql://x, db.url must be a jdbc:postgresql: URL",
        "redis.url, http://x, redis.url must start with redis://",
        "log.format, xml, log.format must be text or json",
        "session.idle.timeout, soon, session.idle.timeout must be a positive duration",
        "tls.enabled, maybe, tls.enabled must be true or false",
        "tls.cert, /etc/cert.pem, tls.cert and tls.key must be given together",
        "public.url, ftp://x, public.url must be an http(s) URL",
    })
    void badValuesFailWithOneLineNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void unknownKeysAreErrorsNotSilentDefaults() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("prot", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'prot'");
    }

    @Test
    void durationsTakeShortAndIsoForms() {
        assertThat(ConfigLoader.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ConfigLoader.parseDuration("3d")).isEqualTo(Duration.ofDays(3));
        assertThat(ConfigLoader.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(ConfigLoader.parseDuration("15 minutes")).isNull();
    }

    @Test
    void everyDefaultKeyIsDocumented() {
        DefaultsFile file = DefaultsFile.parse(resource());
        assertThat(file.entries()).hasSizeGreaterThan(20);
        file.entries().forEach(e -> assertThat(e.doc()).as(e.key()).isNotBlank());
    }

    static String resource() {
        try (var in = ConfigLoaderTest.class.getResourceAsStream(ConfigLoader.DEFAULTS_RESOURCE)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
