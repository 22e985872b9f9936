package io.romotica.server.auth;

import io.romotica.server.common.Principal;

/** What a session cookie stands for at this moment. */
public sealed interface SessionState {
    /** No such session, or revoked. */
    record None() implements SessionState {}

    /** It existed but timed out (idle, absolute, or an unfinished login). */
    record Expired() implements SessionState {}

    record Active(Principal principal) implements SessionState {}
}
