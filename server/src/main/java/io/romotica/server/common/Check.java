package io.romotica.server.common;

import java.util.Locale;
import java.util.regex.Pattern;

/** Input checks for the compact constructors of request records; failures are {@code INVALID_INPUT}. */
public final class Check {
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s.]{2,63}$");

    private Check() {}

    public static String text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw AppException.invalid(field, field + " is required");
        }
        return maxText(field, value.strip(), maxLength);
    }

    public static String optionalText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return maxText(field, value.strip(), maxLength);
    }

    /** Like {@link #text} but line breaks are allowed (message-like text). */
    public static String multilineText(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw AppException.invalid(field, field + " is required");
        }
        String v = value.strip();
        if (v.length() > maxLength) {
            throw AppException.invalid(field, field + " is longer than " + maxLength + " characters");
        }
        if (v.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
            throw AppException.invalid(field, field + " contains control characters");
        }
        return v;
    }

    private static String maxText(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw AppException.invalid(field, field + " is longer than " + maxLength + " characters");
        }
        if (value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
            throw AppException.invalid(field, field + " contains control characters");
        }
        return value;
    }

    /** A syntactically plausible e-mail address, lower-cased. */
    public static String email(String field, String value) {
        String v = text(field, value, 320).toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(v).matches()) {
            throw AppException.invalid(field, field + " is not an e-mail address");
        }
        return v;
    }

    /** A secret typed by a person (password, code): required, bounded, kept as typed. */
    public static String secret(String field, String value, int maxLength) {
        if (value == null || value.isEmpty()) {
            throw AppException.invalid(field, field + " is required");
        }
        if (value.length() > maxLength) {
            throw AppException.invalid(field, field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw AppException.invalid(field, field + " is required");
        }
        return value;
    }
}
