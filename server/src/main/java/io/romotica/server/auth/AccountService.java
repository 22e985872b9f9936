package io.romotica.server.auth;

import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Principal;
import io.romotica.server.common.Principal.Role;
import io.romotica.server.common.Principal.Stage;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Accounts: first-run setup of the first admin, invites, and what admins do to accounts (role, disable,
 * unlock, reset second factor, revoke sessions). Every change is audited. Thread-safe.
 */
public final class AccountService {
    private final Jdbi jdbi;
    private final UserRepository users;
    private final InviteRepository invites;
    private final AuthService auth;
    private final AuditLog audit;
    private final ServerConfig.Auth config;
    private final Ids ids;
    private final Clock clock;

    public AccountService(Jdbi jdbi, AuthService auth, AuditLog audit, ServerConfig.Auth config, Ids ids, Clock clock) {
        this.jdbi = jdbi;
        this.users = new UserRepository(jdbi);
        this.invites = new InviteRepository(jdbi);
        this.auth = auth;
        this.audit = audit;
        this.config = config;
        this.ids = ids;
        this.clock = clock;
    }

    // ---- first run ----

    public boolean setupRequired() {
        return jdbi.withHandle(UserRepository::count) == 0;
    }

    /** While no account exists, issues a new one-time setup token (replacing any earlier one); else empty. */
    public Optional<String> issueSetupToken() {
        if (!setupRequired()) {
            return Optional.empty();
        }
        String token = ids.newToken();
        invites.putSetupToken(Ids.sha256Hex(token), clock.instant().plus(config.setupTokenLifetime()));
        return Optional.of(token);
    }

    public LoginResult.Passed completeSetup(
            String token, String name, String email, String password, RequestInfo from) {
        auth.checkPassword(password, email);
        String hash = auth.hashPassword(password);
        LoginResult.Passed passed = jdbi.inTransaction(h -> {
            Optional<String[]> stored = invites.setupToken(h);
            boolean valid = stored.isPresent()
                    && Ids.sameSecret(stored.get()[0], Ids.sha256Hex(token))
                    && clock.instant().toEpochMilli() < Long.parseLong(stored.get()[1])
                    && UserRepository.count(h) == 0;
            if (!valid) {
                return null;
            }
            invites.deleteSetupToken(h);
            User admin = newUser(email, name, Role.ADMIN, hash);
            UserRepository.insert(h, admin);
            return auth.startSession(h, admin, Stage.ENROL, from);
        });
        if (passed == null) {
            audit.append(new AuditEvent(AuditType.LOGIN_FAILED, null, null, from.ip(), email, "invalid setup token"));
            throw new AppException(
                    ErrorCode.SETUP_NOT_AVAILABLE, "this setup link is not valid (used, expired or replaced)");
        }
        audit.append(AuditEvent.of(AuditType.SETUP_COMPLETED, passed.principal(), from, email, "first admin created"));
        return passed;
    }

    private User newUser(String email, String name, Role role, String passwordHash) {
        return new User(ids.newId(), email, name, role, passwordHash, null, 0, false, 0, null, clock.instant(), null);
    }

    // ---- invites ----

    /** A created invite with its one-time link (shown once). */
    public record CreatedInvite(String id, String email, String name, Role role, String link, Instant expiresAt) {}

    public CreatedInvite invite(
            Principal admin, String email, String name, Role role, String baseUrl, RequestInfo from) {
        if (users.byEmail(email).isPresent()) {
            throw new AppException(ErrorCode.CONFLICT, "an account with this e-mail exists");
        }
        String token = ids.newToken();
        Instant now = clock.instant();
        Invite invite = new Invite(ids.newId(), email, name, role, now, now.plus(config.inviteLifetime()));
        invites.insert(invite, Ids.sha256Hex(token), admin.userId());
        audit.append(AuditEvent.of(AuditType.INVITE_CREATED, admin, from, email, "role " + role));
        return new CreatedInvite(invite.id(), email, name, role, baseUrl + "/invite#t=" + token, invite.expiresAt());
    }

    public List<Invite> pendingInvites() {
        return invites.pending(clock.instant());
    }

    public void revokeInvite(Principal admin, String inviteId, RequestInfo from) {
        if (!invites.revoke(inviteId, clock.instant())) {
            throw AppException.notFound("invite");
        }
        audit.append(AuditEvent.of(AuditType.INVITE_REVOKED, admin, from, "invite " + inviteId, ""));
    }

    public Invite inviteByToken(String token) {
        return jdbi.withHandle(h -> invites.pendingByTokenHash(h, Ids.sha256Hex(token), clock.instant()))
                .orElseThrow(() -> new AppException(
                        ErrorCode.INVITE_INVALID, "this invite link is not valid (used, expired or revoked)"));
    }

    public LoginResult.Passed acceptInvite(String token, String name, String password, RequestInfo from) {
        Invite invite = inviteByToken(token);
        auth.checkPassword(password, invite.email());
        String hash = auth.hashPassword(password);
        LoginResult.Passed passed = jdbi.inTransaction(h -> {
            Optional<Invite> still = invites.pendingByTokenHash(h, Ids.sha256Hex(token), clock.instant());
            if (still.isEmpty() || !invites.markAccepted(h, invite.id(), clock.instant())) {
                return null;
            }
            if (h.createQuery("select count(*) from users where email = :e")
                            .bind("e", invite.email())
                            .mapTo(Long.class)
                            .one()
                    > 0) {
                throw new AppException(ErrorCode.CONFLICT, "an account with this e-mail exists");
            }
            User user = newUser(invite.email(), name, invite.role(), hash);
            UserRepository.insert(h, user);
            return auth.startSession(h, user, Stage.ENROL, from);
        });
        if (passed == null) {
            throw new AppException(
                    ErrorCode.INVITE_INVALID, "this invite link is not valid (used, expired or revoked)");
        }
        audit.append(AuditEvent.of(
                AuditType.INVITE_ACCEPTED, passed.principal(), from, invite.email(), "invite " + invite.id()));
        return passed;
    }

    // ---- admin actions on accounts ----

    public List<UserView> users() {
        return users.all().stream().map(UserView::of).toList();
    }

    private User user(String id) {
        return users.byId(id).orElseThrow(() -> AppException.notFound("user"));
    }

    public UserView update(Principal admin, String userId, Role role, Boolean disabled, RequestInfo from) {
        User before = user(userId);
        jdbi.useTransaction(h -> {
            if (role != null && role != before.role()) {
                users.setRole(h, userId, role);
            }
            if (disabled != null && disabled != before.disabled()) {
                if (disabled && userId.equals(admin.userId())) {
                    throw new AppException(ErrorCode.CONFLICT, "you cannot disable your own account");
                }
                users.setDisabled(h, userId, disabled);
            }
            if (UserRepository.countActiveAdmins(h) == 0) {
                throw new AppException(ErrorCode.LAST_ADMIN, "at least one active, unlocked admin must remain");
            }
        });
        if (role != null && role != before.role()) {
            audit.append(
                    AuditEvent.of(AuditType.ROLE_CHANGED, admin, from, before.email(), before.role() + " -> " + role));
        }
        if (disabled != null && disabled != before.disabled()) {
            audit.append(AuditEvent.of(
                    disabled ? AuditType.USER_DISABLED : AuditType.USER_ENABLED, admin, from, before.email(), ""));
            if (disabled) {
                auth.revokeAll(userId, "disabled");
            }
        }
        return UserView.of(user(userId));
    }

    public UserView unlock(Principal admin, String userId, RequestInfo from) {
        User u = user(userId);
        users.unlock(userId);
        auth.clearBackoff(u.email());
        audit.append(AuditEvent.of(AuditType.ACCOUNT_UNLOCKED, admin, from, u.email(), ""));
        return UserView.of(user(userId));
    }

    public UserView resetSecondFactor(Principal admin, String userId, RequestInfo from) {
        User u = user(userId);
        users.clearSecondFactor(userId);
        auth.revokeAll(userId, "second factor reset");
        audit.append(AuditEvent.of(
                AuditType.SECOND_FACTOR_RESET, admin, from, u.email(), "must enrol again at next sign-in"));
        return UserView.of(user(userId));
    }

    public List<SessionView> sessionsOf(String userId) {
        user(userId);
        return auth.sessionsOf(userId, null);
    }
}
