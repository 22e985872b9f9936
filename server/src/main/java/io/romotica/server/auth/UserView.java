package io.romotica.server.auth;

import io.romotica.server.common.Principal.Role;
import java.time.Instant;

/** An account as admins see it: no hashes, no secrets. {@code secondFactor} is null until enrolled. */
public record UserView(
        String id,
        String name,
        String email,
        Role role,
        boolean disabled,
        boolean locked,
        String secondFactor,
        Instant createdAt,
        Instant lastLoginAt) {

    static UserView of(User u) {
        return new UserView(
                u.id(),
                u.name(),
                u.email(),
                u.role(),
                u.disabled(),
                u.locked(),
                u.hasSecondFactor() ? "TOTP" : null,
                u.createdAt(),
                u.lastLoginAt());
    }
}
