package io.romotica.server.auth;

import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Principal;
import java.time.Duration;

/** What a sign-in step led to. */
public sealed interface LoginResult {

    /** The step passed: a session (new or upgraded) with its cookie token. */
    record Passed(String token, Principal principal) implements LoginResult {}

    /** The step failed with {@code code}; {@code retryAfter} is set for back-off. */
    record Rejected(ErrorCode code, Duration retryAfter) implements LoginResult {
        Rejected(ErrorCode code) {
            this(code, null);
        }
    }
}
