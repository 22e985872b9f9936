package io.romotica.server.testing;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.time.Duration;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;

/** What an authenticator app does: the 6-digit code of a base32 secret at a given time. */
public final class Totps {
    private Totps() {}

    public static String code(String base32Secret, Instant at) {
        try {
            return new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6)
                    .generateOneTimePasswordString(new SecretKeySpec(base32(base32Secret), "HmacSHA1"), at);
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : s.toUpperCase().toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) {
                continue;
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
