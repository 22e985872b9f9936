package io.romotica.server.auth;

import java.security.SecureRandom;

/** One-time recovery codes: 10 characters of an unambiguous alphabet (≈ 50 bits), shown as XXXXX-XXXXX. */
final class RecoveryCodes {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private RecoveryCodes() {}

    static String generate(SecureRandom random) {
        StringBuilder sb = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    static String format(String code) {
        return code.substring(0, 5) + "-" + code.substring(5);
    }
}
