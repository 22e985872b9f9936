package io.romotica.server.auth;

import java.time.Instant;

/** A session as its owner or an admin sees it. {@code current} marks the session making the request. */
public record SessionView(
        String id, boolean current, String userAgent, String ip, Instant createdAt, Instant lastSeenAt) {}
