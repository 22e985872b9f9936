package io.romotica.server.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed visitor tokens: {@code v2.<visitor id>.<issued at, epoch seconds>.<HMAC-SHA256>}, under a key
 * derived from the server's secret key, so any node can check one without a database round trip. A visitor
 * keeps the token in the browser to resume their conversations. A token lives {@code ttl} from its issue;
 * one older than a tenth of that is due for renewal, so a visitor who keeps coming back keeps their
 * identity while a token that was copied and left unused runs out. Thread-safe.
 */
public final class VisitorTokens {
    /** A token is renewed once it is older than its lifetime divided by this. */
    static final int RENEW_AFTER_DIVISOR = 10;

    private static final Pattern FORMAT =
            Pattern.compile("v2\\.([A-Za-z0-9_-]{22})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Duration renewAfter;
    private final Clock clock;

    public VisitorTokens(byte[] serverSecret, Duration ttl, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a visitor token's lifetime must be positive");
        }
        this.key = new SecretKeySpec(
                mac(new SecretKeySpec(serverSecret, "HmacSHA256"), "romotica visitor token v2"), "HmacSHA256");
        this.ttl = ttl;
        this.renewAfter = ttl.dividedBy(RENEW_AFTER_DIVISOR);
        this.clock = clock;
    }

    /** What a presented token turned out to be. */
    public sealed interface Check {
        /** Signed by this cluster and within its lifetime; {@code renew} when a fresh one should go out. */
        record Valid(String visitorId, boolean renew) implements Check {}

        /** Signed by this cluster but past its lifetime. */
        record Expired() implements Check {}

        /** Not a token of this cluster (forged, damaged, an old format, or no token at all). */
        record Invalid() implements Check {}
    }

    /** A token for {@code visitorId}, issued now. */
    public String issue(String visitorId) {
        String payload = visitorId + "." + clock.instant().getEpochSecond();
        return "v2." + payload + "." + B64.encodeToString(mac(key, payload));
    }

    public Check check(String token) {
        var m = token == null ? null : FORMAT.matcher(token);
        if (m == null || !m.matches()) {
            return new Check.Invalid();
        }
        String payload = m.group(1) + "." + m.group(2);
        byte[] expected = B64.encodeToString(mac(key, payload)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, m.group(3).getBytes(StandardCharsets.US_ASCII))) {
            return new Check.Invalid();
        }
        // A node whose clock runs a little behind the issuing node's sees a small negative age: still valid.
        Duration age = Duration.between(Instant.ofEpochSecond(Long.parseLong(m.group(2))), clock.instant());
        if (age.compareTo(ttl) > 0) {
            return new Check.Expired();
        }
        return new Check.Valid(m.group(1), age.compareTo(renewAfter) > 0);
    }

    private static byte[] mac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
