package io.romotica.desktop;

/**
 * An expected way for a headless run to fail, with the stable code printed and the process exit status.
 * Thrown by host and viewer; {@link DesktopMain} turns it into output and exit code.
 */
public final class DesktopFailure extends Exception {
    /** Stable codes and their exit statuses (documented in the README). */
    public enum Code {
        WRONG_PASSWORD(10),
        HOST_OFFLINE(11),
        LOCKED_OUT(12),
        SECURITY_CHECK_FAILED(13),
        DECLINED(14),
        HOST_BUSY(15),
        RATE_LIMITED(16),
        TIMEOUT(17),
        SERVER_UNREACHABLE(18),
        SERVER_CERTIFICATE_CHANGED(19),
        SESSION_FAILED(20);

        private final int exitStatus;

        Code(int exitStatus) {
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    private final Code code;
    private final Long retryAfterSeconds;

    public DesktopFailure(Code code, String message) {
        this(code, message, null);
    }

    public DesktopFailure(Code code, String message, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Code code() {
        return code;
    }

    /** For LOCKED_OUT and RATE_LIMITED: seconds until another try may work; else null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
