package io.romotica.server.auth;

import io.romotica.server.common.Principal.Stage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL over {@code sessions}. Lookups are by token hash; listing and revoking by public id. */
final class SessionRepository {
    private final Jdbi jdbi;

    SessionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Session map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Session(
                rs.getString("id"),
                rs.getString("user_id"),
                Stage.valueOf(rs.getString("stage")),
                rs.getString("csrf_token"),
                rs.getString("pending_secret"),
                rs.getString("ip"),
                rs.getString("user_agent"),
                Rows.instant(rs, "created_at"),
                Rows.instant(rs, "last_seen_at"),
                Rows.instant(rs, "revoked_at"));
    }

    static void insert(Handle h, Session s, String tokenHash) {
        h.createUpdate("""
                        insert into sessions (id, token_hash, user_id, stage, csrf_token, ip, user_agent, created_at, last_seen_at)
                        values (:id, :tokenHash, :userId, :stage, :csrf, :ip, :ua, :createdAt, :createdAt)""")
                .bind("id", s.id())
                .bind("tokenHash", tokenHash)
                .bind("userId", s.userId())
                .bind("stage", s.stage().name())
                .bind("csrf", s.csrfToken())
                .bind("ip", s.ip())
                .bind("ua", s.userAgent())
                .bind("createdAt", s.createdAt())
                .execute();
    }

    Optional<Session> byTokenHash(String tokenHash) {
        return jdbi.withHandle(h -> h.createQuery("select * from sessions where token_hash = :t")
                .bind("t", tokenHash)
                .map(SessionRepository::map)
                .findOne());
    }

    Optional<Session> byId(String id) {
        return jdbi.withHandle(h -> h.createQuery("select * from sessions where id = :id")
                .bind("id", id)
                .map(SessionRepository::map)
                .findOne());
    }

    List<Session> activeOf(String userId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select * from sessions where user_id = :u and revoked_at is null order by last_seen_at desc")
                .bind("u", userId)
                .map(SessionRepository::map)
                .list());
    }

    void touch(String id, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("update sessions set last_seen_at = :now where id = :id")
                .bind("id", id)
                .bind("now", now)
                .execute());
    }

    /** Moves a session to a new stage under a new token and CSRF token (no fixation across privilege). */
    void upgrade(String id, Stage stage, String tokenHash, String csrf) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update sessions set stage = :stage, token_hash = :t, csrf_token = :csrf, pending_secret = null
                        where id = :id and revoked_at is null""")
                .bind("id", id)
                .bind("stage", stage.name())
                .bind("t", tokenHash)
                .bind("csrf", csrf)
                .execute());
    }

    void setPendingSecret(String id, String sealed) {
        jdbi.useHandle(h -> h.createUpdate("update sessions set pending_secret = :s where id = :id")
                .bind("id", id)
                .bind("s", sealed)
                .execute());
    }

    /** Revokes one session; true when it was active. */
    boolean revoke(String id, String reason, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "update sessions set revoked_at = :now, revoked_reason = :r where id = :id and revoked_at is null")
                        .bind("id", id)
                        .bind("r", reason)
                        .bind("now", now)
                        .execute())
                == 1;
    }

    /** Revokes every active session of a user; returns their ids. */
    List<String> revokeAllOf(String userId, String reason, Instant now) {
        return jdbi.inTransaction(h -> {
            List<String> ids = h.createQuery("select id from sessions where user_id = :u and revoked_at is null")
                    .bind("u", userId)
                    .mapTo(String.class)
                    .list();
            h.createUpdate(
                            "update sessions set revoked_at = :now, revoked_reason = :r where user_id = :u and revoked_at is null")
                    .bind("u", userId)
                    .bind("r", reason)
                    .bind("now", now)
                    .execute();
            return ids;
        });
    }
}
