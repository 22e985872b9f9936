package io.romotica.server.audit;

import io.romotica.server.common.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, hash-chained audit log. Each row's hash covers its own fields and the previous row's hash,
 * so changing, removing or reordering any row breaks the chain from there on, which {@link #verify()} finds.
 * Appends serialise on the {@code audit_head} row, so the chain stays linear across nodes. Thread-safe.
 */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
    private static final int MAX_DETAILS = 4000;
    private static final int MAX_NAME = 200;
    private static final int MAX_IP = 64;

    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Appends one event and returns its row. */
    public AuditEntry append(AuditEvent event) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String details = cut(event.details(), MAX_DETAILS);
        AuditEntry entry = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            var head = h.createQuery("select last_id, last_hash from audit_head where id = 1 for update")
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)})
                    .one();
            long id = (long) head[0] + 1;
            String prev = (String) head[1];
            AuditEntry row = new AuditEntry(
                    id,
                    at,
                    event.type().name(),
                    event.actorId(),
                    cut(event.actorName(), MAX_NAME),
                    cut(event.ip(), MAX_IP),
                    cut(event.target(), MAX_NAME),
                    details,
                    prev,
                    null);
            String hash = hashOf(row);
            h.createUpdate("""
                            insert into audit_log (id, at, type, actor_id, actor_name, ip, target, details, prev_hash, hash)
                            values (:id, :at, :type, :actorId, :actorName, :ip, :target, :details, :prevHash, :hash)""")
                    .bind("id", id)
                    .bind("at", at)
                    .bind("type", row.type())
                    .bind("actorId", row.actorId())
                    .bind("actorName", row.actorName())
                    .bind("ip", row.ip())
                    .bind("target", row.target())
                    .bind("details", row.details())
                    .bind("prevHash", prev)
                    .bind("hash", hash)
                    .execute();
            h.createUpdate("update audit_head set last_id = :id, last_hash = :hash where id = 1")
                    .bind("id", id)
                    .bind("hash", hash)
                    .execute();
            return new AuditEntry(
                    id, at, row.type(), row.actorId(), row.actorName(), row.ip(), row.target(), details, prev, hash);
        });
        log.info("audit {} actor={} target={}", entry.type(), entry.actorId(), entry.target());
        return entry;
    }

    /** Fits free text into its column (anything typed by an anonymous caller can be long). */
    private static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    /** The chain hash of a row: SHA-256 over its fields and the previous hash, unambiguously separated. */
    static String hashOf(AuditEntry row) {
        StringBuilder sb = new StringBuilder();
        for (Object field : new Object[] {
            row.id(),
            row.at().toEpochMilli(),
            row.type(),
            row.actorId(),
            row.actorName(),
            row.ip(),
            row.target(),
            row.details(),
            row.prevHash()
        }) {
            String s = Objects.toString(field, "\u0000");
            sb.append(s.length()).append(':').append(s).append(';');
        }
        return Ids.sha256Hex(sb.toString());
    }

    /** Result of a chain check: rows checked and the first row whose hash or link is wrong (null if none). */
    public record Verification(boolean ok, long checked, Long firstBrokenId) {}

    /** Rows matching {@code filter}, newest first. */
    public java.util.List<AuditEntry> find(AuditQuery filter) {
        return new AuditRepository(jdbi)
                .find(new AuditRepository.Filter(
                        filter.type(), filter.actor(), filter.from(), filter.to(), filter.before(), filter.limit()));
    }

    /** Walks the whole chain in id order, in pages, and reports the first broken row. */
    public Verification verify() {
        return new AuditRepository(jdbi)
                .walk((expectedId, prevHash, row) -> row.id() == expectedId
                        && row.prevHash().equals(prevHash)
                        && hashOf(row).equals(row.hash()));
    }
}
