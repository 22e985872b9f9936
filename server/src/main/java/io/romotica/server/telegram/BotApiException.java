package io.romotica.server.telegram;

import java.time.Duration;

/**
 * A Bot API call that did not succeed: Telegram answered {@code ok:false} ({@link #errorCode} is its
 * {@code error_code}, {@link #retryAfter} its {@code parameters.retry_after}), or it could not be reached
 * ({@link #errorCode} 0). The message never holds the request URL, which contains the bot token.
 */
final class BotApiException extends Exception {
    private final int errorCode;
    private final Duration retryAfter;

    BotApiException(int errorCode, String description, Duration retryAfter) {
        super(description, null, false, false);
        this.errorCode = errorCode;
        this.retryAfter = retryAfter;
    }

    /** Telegram's error code; 0 when Telegram was not reached (network, timeout, malformed answer). */
    int errorCode() {
        return errorCode;
    }

    /** How long Telegram asked to wait ({@code 429 Too Many Requests}); null otherwise. */
    Duration retryAfter() {
        return retryAfter;
    }

    /** Whether trying the same call later can succeed: unreachable, flood control, or a server-side error. */
    boolean retryable() {
        return errorCode == 0 || errorCode == 429 || errorCode >= 500;
    }
}
