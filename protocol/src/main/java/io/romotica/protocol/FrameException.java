package io.romotica.protocol;

/** A frame that cannot be decoded or is invalid. {@link #code()} is a stable error code. */
public final class FrameException extends RuntimeException {
    public static final String MALFORMED_FRAME = "MALFORMED_FRAME";
    public static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
    public static final String INVALID_INPUT = "INVALID_INPUT";
    public static final String FRAME_TOO_LARGE = "FRAME_TOO_LARGE";

    private final String code;
    private final String ref;

    public FrameException(String code, String message) {
        this(code, message, null);
    }

    public FrameException(String code, String message, String ref) {
        super(message);
        this.code = code;
        this.ref = ref;
    }

    public String code() {
        return code;
    }

    /** The {@code ref} of the offending frame when it could be read, else null. */
    public String ref() {
        return ref;
    }

    FrameException withRef(String newRef) {
        return new FrameException(code, getMessage(), newRef);
    }
}
