package io.romotica.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TotpTest {
    // RFC 6238 appendix B: SHA-1 secret "12345678901234567890"; at T=59 the 8-digit code is 94287082.
    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private final Totp totp = new Totp();

    @Test
    void matchesTheRfc6238TestVector() {
        String code = totp.generate(new SecretKeySpec(RFC_SECRET, "HmacSHA1"), Instant.ofEpochSecond(59));
        assertThat(code).isEqualTo("287082");
    }

    @Test
    void acceptsOneStepOfDriftEitherWay() {
        Instant now = Instant.ofEpochSecond(1_000_000_020L);
        String previous = totp.generate(new SecretKeySpec(RFC_SECRET, "HmacSHA1"), now.minusSeconds(30));
        String next = totp.generate(new SecretKeySpec(RFC_SECRET, "HmacSHA1"), now.plusSeconds(30));
        String tooOld = totp.generate(new SecretKeySpec(RFC_SECRET, "HmacSHA1"), now.minusSeconds(90));
        assertThat(totp.verify(RFC_SECRET, previous, now, 0)).isPresent();
        assertThat(totp.verify(RFC_SECRET, next, now, 0)).isPresent();
        assertThat(totp.verify(RFC_SECRET, tooOld, now, 0)).isEmpty();
    }

    @Test
    void aStepAtOrBeforeTheLastUsedOneIsRefused() {
        Instant now = Instant.ofEpochSecond(1_000_000_020L);
        String code = totp.generate(new SecretKeySpec(RFC_SECRET, "HmacSHA1"), now);
        long step = totp.verify(RFC_SECRET, code, now, 0).orElseThrow();
        assertThat(totp.verify(RFC_SECRET, code, now, step)).isEmpty();
    }

    @Test
    void refusesCodesThatAreNotSixDigits() {
        assertThat(totp.verify(RFC_SECRET, "12345", Instant.now(), 0)).isEmpty();
        assertThat(totp.verify(RFC_SECRET, "abcdef", Instant.now(), 0)).isEmpty();
        assertThat(totp.verify(RFC_SECRET, null, Instant.now(), 0)).isEmpty();
    }

    @Test
    void otpauthUriCarriesIssuerAndBase32Secret() {
        String uri = Totp.uri("Romotica", "ada@example.com", RFC_SECRET);
        assertThat(uri)
                .startsWith("otpauth://totp/Romotica%3Aada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
                .contains("issuer=Romotica")
                .contains("digits=6")
                .contains("period=30");
    }
}
