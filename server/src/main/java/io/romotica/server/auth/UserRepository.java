package io.romotica.server.auth;

import io.romotica.server.common.Principal.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL over {@code users} and {@code recovery_codes}. */
final class UserRepository {
    private final Jdbi jdbi;

    UserRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static User map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new User(
                rs.getString("id"),
                rs.getString("email"),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                rs.getString("password_hash"),
                rs.getString("totp_secret"),
                rs.getLong("totp_last_step"),
                rs.getBoolean("disabled"),
                rs.getInt("failed_logins"),
                Rows.instant(rs, "locked_at"),
                Rows.instant(rs, "created_at"),
                Rows.instant(rs, "last_login_at"));
    }

    Optional<User> byEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("select * from users where email = :email")
                .bind("email", email)
                .map(UserRepository::map)
                .findOne());
    }

    Optional<User> byId(String id) {
        return jdbi.withHandle(h -> byId(h, id));
    }

    static Optional<User> byId(Handle h, String id) {
        return h.createQuery("select * from users where id = :id")
                .bind("id", id)
                .map(UserRepository::map)
                .findOne();
    }

    List<User> all() {
        return jdbi.withHandle(h -> h.createQuery("select * from users order by lower(name), email")
                .map(UserRepository::map)
                .list());
    }

    static long count(Handle h) {
        return h.createQuery("select count(*) from users").mapTo(Long.class).one();
    }

    static long countActiveAdmins(Handle h) {
        return h.createQuery("select count(*) from users where role = 'ADMIN' and not disabled and locked_at is null")
                .mapTo(Long.class)
                .one();
    }

    static void insert(Handle h, User u) {
        h.createUpdate("""
                        insert into users (id, email, name, role, password_hash, disabled, failed_logins, created_at)
                        values (:id, :email, :name, :role, :hash, false, 0, :createdAt)""")
                .bind("id", u.id())
                .bind("email", u.email())
                .bind("name", u.name())
                .bind("role", u.role().name())
                .bind("hash", u.passwordHash())
                .bind("createdAt", u.createdAt())
                .execute();
    }

    /** Counts one failed attempt; returns the new count. */
    int recordFailure(String id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("update users set failed_logins = failed_logins + 1 where id = :id")
                    .bind("id", id)
                    .execute();
            return h.createQuery("select failed_logins from users where id = :id")
                    .bind("id", id)
                    .mapTo(Integer.class)
                    .one();
        });
    }

    /** Locks the account if not yet locked; true when this call locked it. */
    boolean lock(String id, Instant now) {
        return jdbi.withHandle(
                        h -> h.createUpdate("update users set locked_at = :now where id = :id and locked_at is null")
                                .bind("id", id)
                                .bind("now", now)
                                .execute())
                == 1;
    }

    void unlock(String id) {
        jdbi.useHandle(h -> h.createUpdate("update users set locked_at = null, failed_logins = 0 where id = :id")
                .bind("id", id)
                .execute());
    }

    void recordLogin(String id, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("update users set failed_logins = 0, last_login_at = :now where id = :id")
                .bind("id", id)
                .bind("now", now)
                .execute());
    }

    /** Stores the TOTP step just used, only if it is newer (so a code is accepted once, even across nodes). */
    boolean useTotpStep(String id, long step) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "update users set totp_last_step = :step where id = :id and coalesce(totp_last_step, -1) < :step")
                        .bind("id", id)
                        .bind("step", step)
                        .execute())
                == 1;
    }

    void setSecondFactor(Handle h, String id, String sealedSecret, long step, List<String> recoveryHashes) {
        h.createUpdate("update users set totp_secret = :secret, totp_last_step = :step where id = :id")
                .bind("id", id)
                .bind("secret", sealedSecret)
                .bind("step", step)
                .execute();
        h.createUpdate("delete from recovery_codes where user_id = :id")
                .bind("id", id)
                .execute();
        for (String hash : recoveryHashes) {
            h.createUpdate("insert into recovery_codes (user_id, code_hash) values (:id, :hash)")
                    .bind("id", id)
                    .bind("hash", hash)
                    .execute();
        }
    }

    void clearSecondFactor(String id) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update users set totp_secret = null, totp_last_step = null where id = :id")
                    .bind("id", id)
                    .execute();
            h.createUpdate("delete from recovery_codes where user_id = :id")
                    .bind("id", id)
                    .execute();
        });
    }

    /** Marks an unused recovery code used; true when it existed and was unused. */
    boolean useRecoveryCode(String id, String codeHash, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                update recovery_codes set used_at = :now
                                where user_id = :id and code_hash = :hash and used_at is null""")
                        .bind("id", id)
                        .bind("hash", codeHash)
                        .bind("now", now)
                        .execute())
                == 1;
    }

    void setRole(Handle h, String id, Role role) {
        h.createUpdate("update users set role = :role where id = :id")
                .bind("id", id)
                .bind("role", role.name())
                .execute();
    }

    void setDisabled(Handle h, String id, boolean disabled) {
        h.createUpdate("update users set disabled = :d where id = :id")
                .bind("id", id)
                .bind("d", disabled)
                .execute();
    }
}
