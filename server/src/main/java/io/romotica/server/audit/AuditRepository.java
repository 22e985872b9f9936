package io.romotica.server.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** SQL over {@code audit_log}: filtered pages for the admin page and export, and the chain walk. */
final class AuditRepository {
    private static final int WALK_PAGE = 1000;
    private static final String GENESIS = "0".repeat(64);

    private final Jdbi jdbi;

    AuditRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Filter of the admin page; null fields do not filter. */
    record Filter(String type, String actor, Instant from, Instant to, Long before, int limit) {}

    List<AuditEntry> find(Filter f) {
        StringBuilder sql = new StringBuilder("select * from audit_log where 1 = 1");
        if (f.type() != null) {
            sql.append(" and type = :type");
        }
        if (f.actor() != null) {
            sql.append(" and (actor_id = :actor or lower(actor_name) like :actorLike)");
        }
        if (f.from() != null) {
            sql.append(" and at >= :from");
        }
        if (f.to() != null) {
            sql.append(" and at < :to");
        }
        if (f.before() != null) {
            sql.append(" and id < :before");
        }
        sql.append(" order by id desc limit :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", f.limit());
            if (f.type() != null) {
                q.bind("type", f.type());
            }
            if (f.actor() != null) {
                q.bind("actor", f.actor())
                        .bind("actorLike", "%" + escapeLike(f.actor().toLowerCase()) + "%");
            }
            if (f.from() != null) {
                q.bind("from", f.from());
            }
            if (f.to() != null) {
                q.bind("to", f.to());
            }
            if (f.before() != null) {
                q.bind("before", f.before());
            }
            return q.map(AuditRepository::row).list();
        });
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static AuditEntry row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new AuditEntry(
                rs.getLong("id"),
                rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                rs.getString("type"),
                rs.getString("actor_id"),
                rs.getString("actor_name"),
                rs.getString("ip"),
                rs.getString("target"),
                rs.getString("details"),
                rs.getString("prev_hash"),
                rs.getString("hash"));
    }

    interface LinkCheck {
        boolean ok(long expectedId, String expectedPrevHash, AuditEntry row);
    }

    AuditLog.Verification walk(LinkCheck check) {
        long expectedId = 1;
        String prevHash = GENESIS;
        long checked = 0;
        while (true) {
            long from = expectedId;
            List<AuditEntry> page =
                    jdbi.withHandle(h -> h.createQuery("select * from audit_log where id >= :from order by id limit :n")
                            .bind("from", from)
                            .bind("n", WALK_PAGE)
                            .map(AuditRepository::row)
                            .list());
            for (AuditEntry row : page) {
                checked++;
                if (!check.ok(expectedId, prevHash, row)) {
                    return new AuditLog.Verification(false, checked, Math.min(row.id(), expectedId));
                }
                expectedId++;
                prevHash = row.hash();
            }
            if (page.size() < WALK_PAGE) {
                String[] head =
                        jdbi.withHandle(h -> h.createQuery("select last_id, last_hash from audit_head where id = 1")
                                .map((rs, ctx) -> new String[] {Long.toString(rs.getLong(1)), rs.getString(2)})
                                .one());
                if (Long.parseLong(head[0]) != expectedId - 1) {
                    // Rows at the end were removed: the head still names them.
                    return new AuditLog.Verification(false, checked, expectedId);
                }
                if (!head[1].equals(prevHash)) {
                    // The newest row was rewritten (even with a recomputed hash): the head keeps the original.
                    return new AuditLog.Verification(false, checked, expectedId - 1);
                }
                return new AuditLog.Verification(true, checked, null);
            }
        }
    }

    static List<String> types() {
        List<String> names = new ArrayList<>();
        for (AuditType t : AuditType.values()) {
            names.add(t.name());
        }
        return names;
    }
}
