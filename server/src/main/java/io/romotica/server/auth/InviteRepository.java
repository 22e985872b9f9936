package io.romotica.server.auth;

import io.romotica.server.common.Principal.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL over {@code invites} and the first-run setup token (a row of {@code app_settings}). */
final class InviteRepository {
    private static final String SETUP_TOKEN = "setup.token";

    private final Jdbi jdbi;

    InviteRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    void insert(Invite invite, String tokenHash, String createdBy) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into invites (id, token_hash, email, name, role, created_by, created_at, expires_at)
                        values (:id, :t, :email, :name, :role, :by, :createdAt, :expiresAt)""")
                .bind("id", invite.id())
                .bind("t", tokenHash)
                .bind("email", invite.email())
                .bind("name", invite.name())
                .bind("role", invite.role().name())
                .bind("by", createdBy)
                .bind("createdAt", invite.createdAt())
                .bind("expiresAt", invite.expiresAt())
                .execute());
    }

    private static Invite map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new Invite(
                rs.getString("id"),
                rs.getString("email"),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                Rows.instant(rs, "created_at"),
                Rows.instant(rs, "expires_at"));
    }

    List<Invite> pending(Instant now) {
        return jdbi.withHandle(h ->
                h.createQuery("""
                        select * from invites where accepted_at is null and revoked_at is null and expires_at > :now
                        order by created_at desc""").bind("now", now).map(InviteRepository::map).list());
    }

    Optional<Invite> pendingByTokenHash(Handle h, String tokenHash, Instant now) {
        return h.createQuery("""
                        select * from invites where token_hash = :t
                        and accepted_at is null and revoked_at is null and expires_at > :now""")
                .bind("t", tokenHash)
                .bind("now", now)
                .map(InviteRepository::map)
                .findOne();
    }

    boolean markAccepted(Handle h, String id, Instant now) {
        return h.createUpdate("update invites set accepted_at = :now where id = :id and accepted_at is null")
                        .bind("id", id)
                        .bind("now", now)
                        .execute()
                == 1;
    }

    boolean revoke(String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "update invites set revoked_at = :now where id = :id and accepted_at is null and revoked_at is null")
                        .bind("id", id)
                        .bind("now", now)
                        .execute())
                == 1;
    }

    /** Replaces the setup token: {@code hash|expiresEpochMillis}. */
    void putSetupToken(String tokenHash, Instant expires) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from app_settings where setting_key = :k")
                    .bind("k", SETUP_TOKEN)
                    .execute();
            h.createUpdate("insert into app_settings (setting_key, setting_value) values (:k, :v)")
                    .bind("k", SETUP_TOKEN)
                    .bind("v", tokenHash + "|" + expires.toEpochMilli())
                    .execute();
        });
    }

    /** The setup token row, locked for the caller's transaction. */
    Optional<String[]> setupToken(Handle h) {
        return h.createQuery("select setting_value from app_settings where setting_key = :k for update")
                .bind("k", SETUP_TOKEN)
                .mapTo(String.class)
                .findOne()
                .map(v -> v.split("\\|", 2));
    }

    void deleteSetupToken(Handle h) {
        h.createUpdate("delete from app_settings where setting_key = :k")
                .bind("k", SETUP_TOKEN)
                .execute();
    }
}
