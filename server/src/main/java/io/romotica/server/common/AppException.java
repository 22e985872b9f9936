package io.romotica.server.common;

import java.time.Duration;

/**
 * The one exception that carries an expected failure to the edge, where it becomes {@code {code, message}}
 * (HTTP) or an {@code error} frame (WebSocket). {@code field} names the offending input field, when one.
 */
public final class AppException extends RuntimeException {
    private final ErrorCode code;
    private final String field;
    private final Duration retryAfter;

    public AppException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    private AppException(ErrorCode code, String message, String field, Duration retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static AppException invalid(String field, String message) {
        return new AppException(ErrorCode.INVALID_INPUT, message, field, null);
    }

    public static AppException weakPassword(String message) {
        return new AppException(ErrorCode.WEAK_PASSWORD, message, "password", null);
    }

    public static AppException rateLimited(Duration retryAfter) {
        return new AppException(ErrorCode.RATE_LIMITED, "too many attempts; try again later", null, retryAfter);
    }

    public static AppException notFound(String what) {
        return new AppException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public ErrorCode code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** For {@link ErrorCode#RATE_LIMITED}: how long the client should wait; else null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
