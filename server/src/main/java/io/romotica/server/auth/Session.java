package io.romotica.server.auth;

import io.romotica.server.common.Principal.Stage;
import java.time.Instant;

/** A sign-in session as stored; the cookie token itself is never stored, only its SHA-256. */
record Session(
        String id,
        String userId,
        Stage stage,
        String csrfToken,
        String pendingSecret,
        String ip,
        String userAgent,
        Instant createdAt,
        Instant lastSeenAt,
        Instant revokedAt) {}
