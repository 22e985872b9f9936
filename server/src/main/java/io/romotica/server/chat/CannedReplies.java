package io.romotica.server.chat;

import io.romotica.protocol.ChatFrame;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Team-wide canned replies: agents insert them with /shortcut, admins maintain them. Thread-safe. */
public final class CannedReplies {
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Ids ids;
    private final Clock clock;

    public CannedReplies(Jdbi jdbi, AuditLog audit, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
    }

    public record CannedReply(String id, String shortcut, String body, Instant updatedAt) {}

    /** A new or changed reply: a shortcut of 1-32 lower-case letters, digits, - or _, and its text. */
    public record Change(String shortcut, String body) {
        public Change {
            shortcut = Check.text("shortcut", shortcut, 32);
            if (!shortcut.matches("[\\p{Ll}\\p{N}_-]{1,32}")) {
                throw AppException.invalid("shortcut", "shortcut must be lower-case letters, digits, - or _");
            }
            body = Check.multilineText("body", body, ChatFrame.MAX_TEXT);
        }
    }

    public List<CannedReply> list() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select id, shortcut, body, updated_at from canned_replies order by shortcut")
                .map((rs, ctx) -> new CannedReply(
                        rs.getString("id"),
                        rs.getString("shortcut"),
                        rs.getString("body"),
                        rs.getObject("updated_at", java.time.OffsetDateTime.class)
                                .toInstant()))
                .list());
    }

    public CannedReply create(Principal admin, RequestInfo from, Change change) {
        String id = ids.newId();
        Instant now = clock.instant();
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                            insert into canned_replies (id, shortcut, body, updated_by, updated_at)
                            values (:id, :s, :b, :u, :now)""")
                    .bind("id", id)
                    .bind("s", change.shortcut())
                    .bind("b", change.body())
                    .bind("u", admin.userId())
                    .bind("now", now)
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            throw taken(change.shortcut());
        }
        audit.append(AuditEvent.of(AuditType.CANNED_REPLY_CHANGED, admin, from, id, "created /" + change.shortcut()));
        return new CannedReply(id, change.shortcut(), change.body(), now);
    }

    public CannedReply update(Principal admin, RequestInfo from, String id, Change change) {
        Instant now = clock.instant();
        int n;
        try {
            n = jdbi.withHandle(h -> h.createUpdate("""
                            update canned_replies set shortcut = :s, body = :b, updated_by = :u, updated_at = :now
                            where id = :id""")
                    .bind("id", id)
                    .bind("s", change.shortcut())
                    .bind("b", change.body())
                    .bind("u", admin.userId())
                    .bind("now", now)
                    .execute());
        } catch (UnableToExecuteStatementException e) {
            throw taken(change.shortcut());
        }
        if (n == 0) {
            throw AppException.notFound("canned reply");
        }
        audit.append(AuditEvent.of(AuditType.CANNED_REPLY_CHANGED, admin, from, id, "changed /" + change.shortcut()));
        return new CannedReply(id, change.shortcut(), change.body(), now);
    }

    public void delete(Principal admin, RequestInfo from, String id) {
        int n = jdbi.withHandle(h -> h.createUpdate("delete from canned_replies where id = :id")
                .bind("id", id)
                .execute());
        if (n == 0) {
            throw AppException.notFound("canned reply");
        }
        audit.append(AuditEvent.of(AuditType.CANNED_REPLY_CHANGED, admin, from, id, "deleted"));
    }

    private static AppException taken(String shortcut) {
        return new AppException(ErrorCode.CONFLICT, "the shortcut /" + shortcut + " is taken");
    }
}
