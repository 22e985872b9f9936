package io.romotica.protocol.pake;

/**
 * A PAKE or fingerprint check failed. {@link #SECURITY_CHECK_FAILED}: the peer did not prove knowledge of the
 * password's session key, or a fingerprint's MAC does not match (possible tampering on the path); {@link
 * #MALFORMED}: a payload could not be read. Either way the session must be aborted, never continued.
 */
public final class PakeException extends Exception {
    public static final String SECURITY_CHECK_FAILED = "SECURITY_CHECK_FAILED";
    public static final String MALFORMED = "MALFORMED";

    private final String code;

    public PakeException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A stable code: {@link #SECURITY_CHECK_FAILED} or {@link #MALFORMED}. */
    public String code() {
        return code;
    }
}
