package io.romotica.server.auth;

import io.micrometer.core.instrument.MeterRegistry;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.bus.EventBus;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Principal;
import io.romotica.server.common.Principal.Stage;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.common.SecretBox;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Sign-in and sessions: password, then second factor (TOTP or a recovery code; a clean place for more
 * methods in {@link #verifySecondFactor}), then a full session; enrolment; session lookup with idle, absolute
 * and unfinished-login timeouts; listing and revoking sessions. Every outcome that matters for security is
 * written to the audit log. Revocations are announced on the bus topic {@link #SESSION_REVOKED_TOPIC} so every
 * node can close that session's sockets. Thread-safe.
 */
public final class AuthService {
    public static final String SESSION_REVOKED_TOPIC = "session.revoked";
    static final String ISSUER = "Romotica";
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final int RECOVERY_CODES = 10;
    private static final String TOTP_CONTEXT = "totp:";

    private final Jdbi jdbi;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final Totp totp = new Totp();
    private final SecretBox secrets;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final EventBus bus;
    private final ServerConfig.Auth config;
    private final Ids ids;
    private final Clock clock;
    private final MeterRegistry meters;
    private final List<SecondFactorCodes> otherCodes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Another source of 6-digit second-factor codes (Telegram sign-in codes), tried after TOTP. */
    public interface SecondFactorCodes {
        /** The method's name in the audit log. */
        String method();

        /** Uses up {@code code} for {@code userId} if it is valid; must compare in constant time. */
        boolean use(String userId, String code);
    }

    public AuthService(
            Jdbi jdbi,
            PasswordHasher hasher,
            SecretBox secrets,
            LoginThrottle throttle,
            AuditLog audit,
            EventBus bus,
            ServerConfig.Auth config,
            Ids ids,
            Clock clock,
            MeterRegistry meters) {
        this.jdbi = jdbi;
        this.users = new UserRepository(jdbi);
        this.sessions = new SessionRepository(jdbi);
        this.hasher = hasher;
        this.secrets = secrets;
        this.throttle = throttle;
        this.audit = audit;
        this.bus = bus;
        this.config = config;
        this.ids = ids;
        this.clock = clock;
        this.meters = meters;
    }

    /** Accepts codes from {@code codes} as a second factor too. Call while wiring, before serving. */
    public void acceptSecondFactor(SecondFactorCodes codes) {
        otherCodes.add(codes);
    }

    // ---- password step ----

    public LoginResult login(String email, String password, RequestInfo from) {
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        String accountKey = accountKey(normalized);
        String addressKey = "login:" + ClientAddress.key(from.ip());
        Optional<Duration> wait = throttle.waitFor(accountKey, addressKey);
        if (wait.isPresent()) {
            failureMetric("backoff");
            audit.append(new AuditEvent(AuditType.LOGIN_BLOCKED, null, null, from.ip(), normalized, "back-off"));
            return new LoginResult.Rejected(ErrorCode.RATE_LIMITED, wait.get());
        }
        Optional<User> found = users.byEmail(normalized);
        // Unknown accounts spend the same hashing time as known ones (verify with a null hash).
        boolean passwordOk = hasher.verify(found.map(User::passwordHash).orElse(null), password);
        if (!passwordOk) {
            throttle.failed(accountKey, addressKey);
            failureMetric("password");
            audit.append(new AuditEvent(
                    AuditType.LOGIN_FAILED,
                    found.map(User::id).orElse(null),
                    null,
                    from.ip(),
                    normalized,
                    "wrong password"));
            found.ifPresent(u -> countFailure(u, from));
            return new LoginResult.Rejected(ErrorCode.INVALID_CREDENTIALS);
        }
        User user = found.orElseThrow();
        if (user.locked() || user.disabled()) {
            // Same answer as a wrong password: telling "locked" only to the right password would turn the
            // lock into a password oracle, and telling it to any password would reveal the account exists.
            String why = user.locked() ? "locked" : "disabled";
            // Counted exactly like a wrong password, so neither back-off nor timing tells them apart.
            throttle.failed(accountKey, addressKey);
            countFailure(user, from);
            failureMetric(why);
            audit.append(new AuditEvent(
                    AuditType.LOGIN_FAILED, user.id(), user.name(), from.ip(), user.email(), "account " + why));
            return new LoginResult.Rejected(ErrorCode.INVALID_CREDENTIALS);
        }
        throttle.succeeded(accountKey);
        Stage stage = user.hasSecondFactor() ? Stage.SECOND_FACTOR : Stage.ENROL;
        return jdbi.inTransaction(h -> startSession(h, user, stage, from));
    }

    private static String accountKey(String normalizedEmail) {
        return "login:acct:" + Ids.sha256Hex(normalizedEmail);
    }

    /** Forgets an account's sign-in back-off (an admin unlocked it). Address counters stay. */
    void clearBackoff(String email) {
        throttle.succeeded(accountKey(email));
    }

    private void countFailure(User user, RequestInfo from) {
        int failures = users.recordFailure(user.id());
        if (failures >= config.lockoutThreshold() && users.lock(user.id(), clock.instant())) {
            audit.append(new AuditEvent(
                    AuditType.LOGIN_LOCKED,
                    user.id(),
                    user.name(),
                    from.ip(),
                    user.email(),
                    failures + " failed attempts"));
            revokeAll(user.id(), "locked");
        }
    }

    private void failureMetric(String reason) {
        meters.counter("romotica.login.failures", "reason", reason).increment();
    }

    /** Starts a session for {@code user} at {@code stage}, inside the caller's transaction. */
    LoginResult.Passed startSession(Handle h, User user, Stage stage, RequestInfo from) {
        String token = ids.newToken();
        Instant now = clock.instant();
        Session s = new Session(
                ids.newId(), user.id(), stage, ids.newToken(), null, from.ip(), from.userAgent(), now, now, null);
        SessionRepository.insert(h, s, Ids.sha256Hex(token));
        return new LoginResult.Passed(token, principal(user, s));
    }

    private static Principal principal(User u, Session s) {
        return new Principal(u.id(), u.name(), u.email(), u.role(), s.id(), s.stage(), s.csrfToken());
    }

    // ---- second factor ----

    public LoginResult secondFactor(Principal p, String code, RequestInfo from) {
        String accountKey = "2fa:" + p.userId();
        String addressKey = "login:" + ClientAddress.key(from.ip());
        Optional<Duration> wait = throttle.waitFor(accountKey, addressKey);
        if (wait.isPresent()) {
            failureMetric("backoff");
            return new LoginResult.Rejected(ErrorCode.RATE_LIMITED, wait.get());
        }
        User user =
                users.byId(p.userId()).orElseThrow(() -> new AppException(ErrorCode.UNAUTHENTICATED, "sign in again"));
        Optional<String> method = verifySecondFactor(user, code);
        if (method.isEmpty()) {
            throttle.failed(accountKey, addressKey);
            failureMetric("second_factor");
            audit.append(AuditEvent.of(AuditType.SECOND_FACTOR_FAILED, p, from, user.email(), "wrong code"));
            countFailure(user, from);
            return new LoginResult.Rejected(ErrorCode.INVALID_CODE);
        }
        throttle.succeeded(accountKey);
        users.recordLogin(user.id(), clock.instant());
        audit.append(AuditEvent.of(AuditType.LOGIN_OK, p, from, user.email(), method.get()));
        return upgrade(p, user, Stage.FULL);
    }

    /** The method that accepted {@code code} ("totp", "recovery code"), or empty. */
    private Optional<String> verifySecondFactor(User user, String code) {
        String trimmed = code.replaceAll("[\\s-]", "");
        if (trimmed.matches("\\d{6}")) {
            byte[] secret = secrets.open(user.totpSecret(), TOTP_CONTEXT + user.id());
            OptionalLong step = totp.verify(secret, trimmed, clock.instant(), user.totpLastStep());
            if (step.isPresent() && users.useTotpStep(user.id(), step.getAsLong())) {
                return Optional.of("totp");
            }
            for (SecondFactorCodes codes : otherCodes) {
                if (codes.use(user.id(), trimmed)) {
                    return Optional.of(codes.method());
                }
            }
            return Optional.empty();
        }
        String normalized = trimmed.toUpperCase(Locale.ROOT);
        if (normalized.matches("[A-Z2-9]{10}")
                && users.useRecoveryCode(user.id(), Ids.sha256Hex(normalized), clock.instant())) {
            audit.append(new AuditEvent(AuditType.RECOVERY_CODE_USED, user.id(), user.name(), null, user.email(), ""));
            return Optional.of("recovery code");
        }
        return Optional.empty();
    }

    private LoginResult.Passed upgrade(Principal p, User user, Stage stage) {
        String token = ids.newToken();
        String csrf = ids.newToken();
        sessions.upgrade(p.sessionId(), stage, Ids.sha256Hex(token), csrf);
        return new LoginResult.Passed(
                token, new Principal(user.id(), user.name(), user.email(), user.role(), p.sessionId(), stage, csrf));
    }

    // ---- enrolment ----

    /** A fresh TOTP secret for the session to confirm; returns what the authenticator app needs. */
    public TotpEnrolment startTotpEnrolment(Principal p) {
        byte[] secret = ids.bytes(Totp.SECRET_BYTES);
        sessions.setPendingSecret(p.sessionId(), secrets.seal(secret, TOTP_CONTEXT + p.userId()));
        String uri = Totp.uri(ISSUER, p.email(), secret);
        return new TotpEnrolment(Totp.base32(secret), uri, QrCodes.svg(uri));
    }

    /** What the enrolment page shows: the secret as text, as an otpauth URI and as a QR code (SVG). */
    public record TotpEnrolment(String secret, String otpauthUri, String qrSvg) {}

    /** Result of a confirmed enrolment: the one-time recovery codes and the now full session. */
    public record Enrolled(List<String> recoveryCodes, LoginResult.Passed session) {}

    public Enrolled confirmTotpEnrolment(Principal p, String code, RequestInfo from) {
        Session s = sessions.byId(p.sessionId())
                .orElseThrow(() -> new AppException(ErrorCode.UNAUTHENTICATED, "sign in again"));
        if (s.pendingSecret() == null) {
            throw new AppException(ErrorCode.CONFLICT, "start the enrolment first");
        }
        byte[] secret = secrets.open(s.pendingSecret(), TOTP_CONTEXT + p.userId());
        OptionalLong step = totp.verify(secret, code.strip(), clock.instant(), 0);
        if (step.isEmpty()) {
            audit.append(AuditEvent.of(AuditType.SECOND_FACTOR_FAILED, p, from, p.email(), "enrolment code wrong"));
            throw new AppException(ErrorCode.INVALID_CODE, "the code does not match; check the time on your phone");
        }
        List<String> codes = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String c = RecoveryCodes.generate(ids.random());
            codes.add(RecoveryCodes.format(c));
            hashes.add(Ids.sha256Hex(c));
        }
        jdbi.useTransaction(h -> users.setSecondFactor(h, p.userId(), s.pendingSecret(), step.getAsLong(), hashes));
        User user = users.byId(p.userId()).orElseThrow();
        users.recordLogin(user.id(), clock.instant());
        audit.append(AuditEvent.of(AuditType.SECOND_FACTOR_ENROLLED, p, from, p.email(), "totp"));
        audit.append(AuditEvent.of(AuditType.LOGIN_OK, p, from, p.email(), "after enrolment"));
        return new Enrolled(codes, upgrade(p, user, Stage.FULL));
    }

    // ---- sessions ----

    /**
     * What the cookie token stands for now. With {@code activity} true (a person did something) it refreshes
     * last-seen, at most once a minute; background polling passes false so it cannot defeat the idle timeout.
     */
    public SessionState resolve(String token, boolean activity) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return new SessionState.None();
        }
        Optional<Session> found = sessions.byTokenHash(Ids.sha256Hex(token));
        if (found.isEmpty() || found.get().revokedAt() != null) {
            return new SessionState.None();
        }
        Session s = found.get();
        Instant now = clock.instant();
        Duration lifetime = s.stage() == Stage.FULL ? config.sessionAbsoluteTimeout() : config.loginPendingTimeout();
        boolean expired = now.isAfter(s.createdAt().plus(lifetime))
                || now.isAfter(s.lastSeenAt().plus(config.sessionIdleTimeout()));
        Optional<User> user = users.byId(s.userId());
        if (expired || user.isEmpty() || user.get().disabled() || user.get().locked()) {
            if (sessions.revoke(s.id(), expired ? "expired" : "account", now)) {
                bus.publish(SESSION_REVOKED_TOPIC, s.id());
            }
            return expired ? new SessionState.Expired() : new SessionState.None();
        }
        if (activity && Duration.between(s.lastSeenAt(), now).compareTo(TOUCH_EVERY) > 0) {
            sessions.touch(s.id(), now);
        }
        return new SessionState.Active(principal(user.get(), s));
    }

    public void logout(Principal p, RequestInfo from) {
        if (sessions.revoke(p.sessionId(), "logout", clock.instant())) {
            bus.publish(SESSION_REVOKED_TOPIC, p.sessionId());
        }
        audit.append(AuditEvent.of(AuditType.LOGOUT, p, from, p.sessionId(), ""));
    }

    public List<SessionView> sessionsOf(String userId, String currentSessionId) {
        Instant now = clock.instant();
        return sessions.activeOf(userId).stream()
                .filter(s -> now.isBefore(s.lastSeenAt().plus(config.sessionIdleTimeout())))
                .map(s -> new SessionView(
                        s.id(), s.id().equals(currentSessionId), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt()))
                .toList();
    }

    /** Revokes session {@code sessionId}; an agent only their own, an admin anyone's. */
    public void revokeSession(Principal actor, String sessionId, RequestInfo from) {
        Session s = sessions.byId(sessionId).orElseThrow(() -> AppException.notFound("session"));
        if (!s.userId().equals(actor.userId()) && !actor.isAdmin()) {
            throw AppException.notFound("session");
        }
        if (sessions.revoke(s.id(), actor.userId().equals(s.userId()) ? "self" : "admin", clock.instant())) {
            bus.publish(SESSION_REVOKED_TOPIC, s.id());
            audit.append(AuditEvent.of(
                    AuditType.SESSION_REVOKED, actor, from, "session " + s.id() + " of user " + s.userId(), ""));
        }
    }

    /** Revokes every session of a user (disable, lock, second-factor reset). */
    void revokeAll(String userId, String reason) {
        for (String id : sessions.revokeAllOf(userId, reason, clock.instant())) {
            bus.publish(SESSION_REVOKED_TOPIC, id);
        }
    }

    String hashPassword(String password) {
        return hasher.hash(password);
    }

    void checkPassword(String password, String email) {
        if (password.length() < config.passwordMinLength()) {
            throw AppException.weakPassword(
                    "password must have at least " + config.passwordMinLength() + " characters");
        }
        if (password.length() > 256) {
            throw AppException.weakPassword("password must have at most 256 characters");
        }
        if (password.equalsIgnoreCase(email) || password.chars().distinct().count() < 4) {
            throw AppException.weakPassword("password is too easy to guess");
        }
    }
}
