package io.romotica.protocol.pake;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * One-time passwords of a host: characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z,
 * 8/B, U/V), so a person can read one aloud or type it from a screen. Viewers normalise what was typed the
 * same way on every platform. Stateless.
 */
public final class OneTimePassword {
    /** 23 characters: about 4.5 bits each, so 10 characters give about 45 bits against online guessing. */
    public static final String ALPHABET = "34679ACDEFGHJKMNPQRTWXY";

    /** Default length of a generated password. */
    public static final int LENGTH = 10;

    /** Shortest password a host may use. */
    public static final int MIN_LENGTH = 8;

    private OneTimePassword() {}

    /** A fresh password of {@code length} (at least {@link #MIN_LENGTH}) characters. */
    public static String generate(SecureRandom random, int length) {
        if (length < MIN_LENGTH) {
            throw new IllegalArgumentException("a one-time password has at least " + MIN_LENGTH + " characters");
        }
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** What was typed, as the PAKE uses it: upper case, without spaces or dashes people add for grouping. */
    public static String normalize(String typed) {
        return typed.strip().replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }
}
