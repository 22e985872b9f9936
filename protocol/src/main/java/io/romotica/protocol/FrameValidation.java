package io.romotica.protocol;

/** Checks used by the compact constructors of frame records; they throw {@link FrameException}. */
public final class FrameValidation {
    private FrameValidation() {}

    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new FrameException(FrameException.INVALID_INPUT, field + " is required");
        }
        return value;
    }

    public static String maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new FrameException(FrameException.INVALID_INPUT, field + " is longer than " + max);
        }
        return value;
    }
}
