package io.romotica.server.auth;

import io.romotica.server.common.Principal.Role;
import java.time.Instant;

/** A pending invite as admins see it (the token is never shown again after creation). */
public record Invite(String id, String email, String name, Role role, Instant createdAt, Instant expiresAt) {}
