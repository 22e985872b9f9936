package io.romotica.server.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Unguessable identifiers and tokens from one injected {@link SecureRandom}. Thread-safe. Identifiers carry
 * 128 bits, bearer tokens 256 bits; tokens are stored only as their SHA-256 ({@link #sha256Hex}).
 */
public final class Ids {
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random;

    public Ids(SecureRandom random) {
        this.random = random;
    }

    /** A 128-bit random id, URL-safe (22 characters). */
    public String newId() {
        return randomUrl(16);
    }

    /** A 256-bit random bearer token, URL-safe (43 characters). */
    public String newToken() {
        return randomUrl(32);
    }

    public byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    public SecureRandom random() {
        return random;
    }

    private String randomUrl(int length) {
        return URL.encodeToString(bytes(length));
    }

    public static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two strings. */
    public static boolean sameSecret(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
