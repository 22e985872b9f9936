package io.romotica.server.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed visitor tokens: {@code v1.<visitor id>.<HMAC-SHA256>}, under a key derived from the server's
 * secret key, so any node can check one without a database round trip. A visitor keeps the token in the
 * browser to resume their conversations. Thread-safe.
 */
public final class VisitorTokens {
    private static final Pattern FORMAT = Pattern.compile("v1\\.([A-Za-z0-9_-]{22})\\.([A-Za-z0-9_-]{43})");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;

    public VisitorTokens(byte[] serverSecret) {
        this.key = new SecretKeySpec(
                mac(new SecretKeySpec(serverSecret, "HmacSHA256"), "romotica visitor token v1"), "HmacSHA256");
    }

    public String issue(String visitorId) {
        return "v1." + visitorId + "." + B64.encodeToString(mac(key, visitorId));
    }

    /** The visitor id inside a valid token; empty for anything else. */
    public Optional<String> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        var m = FORMAT.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        byte[] expected = B64.encodeToString(mac(key, m.group(1))).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, m.group(2).getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(m.group(1))
                : Optional.empty();
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
