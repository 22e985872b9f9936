package io.romotica.server.audit;

import java.time.Instant;

/** One row of the audit log as stored, with its place in the hash chain. */
public record AuditEntry(
        long id,
        Instant at,
        String type,
        String actorId,
        String actorName,
        String ip,
        String target,
        String details,
        String prevHash,
        String hash) {}
