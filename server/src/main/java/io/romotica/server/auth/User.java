package io.romotica.server.auth;

import io.romotica.server.common.Principal.Role;
import java.time.Instant;

/** An agent or admin account as stored. {@code totpSecret} is sealed by the server's secret key. */
record User(
        String id,
        String email,
        String name,
        Role role,
        String passwordHash,
        String totpSecret,
        long totpLastStep,
        boolean disabled,
        int failedLogins,
        Instant lockedAt,
        Instant createdAt,
        Instant lastLoginAt) {

    boolean hasSecondFactor() {
        return totpSecret != null;
    }

    boolean locked() {
        return lockedAt != null;
    }
}
