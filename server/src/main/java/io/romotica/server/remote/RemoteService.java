package io.romotica.server.remote;

import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.RemoteEvent;
import io.romotica.protocol.RemoteFrame;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.bus.AttemptCounter;
import io.romotica.server.bus.EventBus;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.calls.IceServers;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.realtime.Broadcaster;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The remote-desktop rendezvous: registers host devices under 9-digit IDs bound to their keys, keeps their
 * liveness, routes viewers' connection requests to online hosts within the brute-force limits, relays the
 * end-to-end payloads (PAKE, SDP, ICE) between exactly the two connections of a session, counts the failures
 * the host reports, and audits every step. It never sees the one-time password or the session key. State
 * lives in the database and the shared attempt counters, so any node can serve either side. Thread-safe.
 */
public final class RemoteService {
    private static final Logger log = LoggerFactory.getLogger(RemoteService.class);
    private static final int HOST_ID_MIN = 100_000_000;
    private static final int HOST_ID_RANGE = 900_000_000;

    private final Jdbi jdbi;
    private final RemoteDelivery delivery;
    private final RemoteThrottle throttle;
    private final RateLimiter requests;
    private final IceServers ice;
    private final AuditLog audit;
    private final ServerConfig.Remote config;
    private final Ids ids;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param counter failure counters shared by all nodes (back-off per host ID and per address)
     * @param requests connection requests and registrations per address key
     */
    public RemoteService(
            Jdbi jdbi,
            EventBus bus,
            Broadcaster broadcaster,
            FrameCodec codec,
            AttemptCounter counter,
            RateLimiter requests,
            IceServers ice,
            AuditLog audit,
            ServerConfig.Remote config,
            Ids ids,
            Clock clock) {
        this.jdbi = jdbi;
        this.delivery = new RemoteDelivery(bus, broadcaster, codec);
        this.throttle = new RemoteThrottle(counter, config, clock);
        this.requests = requests;
        this.ice = ice;
        this.audit = audit;
        this.config = config;
        this.ids = ids;
        this.random = ids.random();
        this.clock = clock;
    }

    /**
     * A device proves its key and gets its host ID: the one already bound to that key, else a new random one.
     * Asking for an ID bound to another key is refused and audited (an ID cannot be taken over).
     */
    RemoteEvent.HostRegistered register(DeviceConnection from, RemoteFrame.RegisterHost frame) {
        take("remote-register:" + from.address());
        if (!HostKeys.verify(frame.publicKey(), from.challenge(), frame.signature())) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "the signature does not prove the key");
        }
        Instant now = clock.instant();
        String hostId = jdbi.inTransaction(h -> {
            Optional<RemoteRepository.Host> byKey = RemoteRepository.hostByKey(h, frame.publicKey());
            if (frame.hostId() != null
                    && byKey.map(k -> !k.hostId().equals(frame.hostId())).orElse(true)
                    && RemoteRepository.hostById(h, frame.hostId()).isPresent()) {
                return null;
            }
            String id = byKey.map(RemoteRepository.Host::hostId).orElseGet(() -> newHostId(h, frame.publicKey(), now));
            RemoteRepository.online(h, id, from.id(), now);
            return id;
        });
        if (hostId == null) {
            audit.append(new AuditEvent(
                    AuditType.REMOTE_HOST_TAKEOVER_REFUSED,
                    null,
                    null,
                    from.address(),
                    frame.hostId(),
                    "a device with another key asked for this ID"));
            throw new AppException(ErrorCode.FORBIDDEN, "this ID belongs to another device");
        }
        endStale(hostId);
        log.info("remote host {} online on {}", hostId, from.id());
        return new RemoteEvent.HostRegistered(
                hostId, (int) config.heartbeatInterval().toSeconds());
    }

    private String newHostId(org.jdbi.v3.core.Handle h, String publicKey, Instant now) {
        for (int attempt = 0; attempt < 20; attempt++) {
            String id = Integer.toString(HOST_ID_MIN + random.nextInt(HOST_ID_RANGE));
            if (RemoteRepository.hostById(h, id).isEmpty()) {
                RemoteRepository.insertHost(h, id, publicKey, now);
                audit.append(new AuditEvent(AuditType.REMOTE_HOST_REGISTERED, null, null, null, id, ""));
                return id;
            }
        }
        throw new IllegalStateException("no free host ID after 20 draws");
    }

    /** Sessions a host had before it came back on a new connection cannot go on. */
    private void endStale(String hostId) {
        jdbi.withHandle(h -> RemoteRepository.openSessionsOfHost(h, hostId))
                .forEach(id -> end(id, null, "PEER_GONE", null));
    }

    RemoteDelivery delivery() {
        return delivery;
    }

    /** The host is still there; refused when this connection no longer holds the ID. */
    void heartbeat(Endpoint from, RemoteFrame.Heartbeat frame) {
        if (!jdbi.withHandle(h -> RemoteRepository.heartbeat(h, frame.hostId(), from.id(), clock.instant()))) {
            throw new AppException(ErrorCode.CONFLICT, "this connection does not hold host " + frame.hostId());
        }
    }

    /** What became of a connection request. */
    sealed interface ConnectResult {
        record Routed(String sessionId) implements ConnectResult {}

        record Refused(ErrorCode code, Duration retryAfter) implements ConnectResult {}
    }

    /**
     * A viewer asks for a host. Refused when this address is over its request rate, when the host ID or the
     * address is in back-off, when the host is offline (unknown IDs look the same) or busy; otherwise the host
     * is asked for consent and both sides learn the session.
     */
    ConnectResult connect(Endpoint from, RemoteFrame.Connect frame) {
        String hostId = frame.hostId();
        Optional<Duration> limited = requests.tryAcquire("remote-connect:" + from.address());
        ConnectResult result = limited.<ConnectResult>map(
                        wait -> new ConnectResult.Refused(ErrorCode.RATE_LIMITED, wait))
                .or(() -> throttle.wait(RemoteThrottle.hostKey(hostId))
                        .or(() -> throttle.wait(RemoteThrottle.addressKey(from.address())))
                        .map(wait -> new ConnectResult.Refused(ErrorCode.LOCKED_OUT, wait)))
                .orElseGet(() -> route(from, hostId));
        String details = switch (result) {
            case ConnectResult.Routed routed -> "routed as session " + routed.sessionId();
            case ConnectResult.Refused refused ->
                "refused: " + refused.code().name()
                        + (refused.retryAfter() == null ? "" : ", retry after " + seconds(refused.retryAfter()) + "s");
        };
        audit.append(new AuditEvent(
                AuditType.REMOTE_CONNECT_ATTEMPT, from.agentId(), from.agentName(), from.address(), hostId, details));
        return result;
    }

    private ConnectResult route(Endpoint from, String hostId) {
        Instant now = clock.instant();
        String sessionId = ids.newId();
        Optional<RemoteRepository.Host> host = jdbi.withHandle(h -> RemoteRepository.hostById(h, hostId))
                .filter(hh -> hh.connectionId() != null
                        && hh.lastSeenAt() != null
                        && hh.lastSeenAt().isAfter(now.minus(config.offlineAfter())));
        if (host.isEmpty()) {
            return new ConnectResult.Refused(ErrorCode.HOST_OFFLINE, null);
        }
        String hostConn = host.get().connectionId();
        boolean claimed = jdbi.inTransaction(h -> {
            if (!RemoteRepository.claim(h, hostId, sessionId)) {
                return false;
            }
            RemoteRepository.insertSession(
                    h,
                    new RemoteSession(
                            sessionId,
                            hostId,
                            hostConn,
                            from.id(),
                            from.address(),
                            from.agentId(),
                            RemoteSession.Status.REQUESTED,
                            now,
                            null,
                            null,
                            null));
            return true;
        });
        if (!claimed) {
            return new ConnectResult.Refused(ErrorCode.HOST_BUSY, null);
        }
        List<RemoteEvent.IceServer> servers = iceServers("remote-" + sessionId, from.requestHost());
        delivery.send(
                hostConn,
                new RemoteEvent.Session(
                        sessionId,
                        hostId,
                        "host",
                        from.agentName() != null ? from.agentName() : from.address(),
                        servers));
        from.send(new RemoteEvent.Session(sessionId, hostId, "viewer", null, servers));
        withSession(sessionId, () -> log.info("remote session requested for host {}", hostId));
        return new ConnectResult.Routed(sessionId);
    }

    private List<RemoteEvent.IceServer> iceServers(String user, String requestHost) {
        return ice.forUser(user, requestHost).iceServers().stream()
                .map(s -> new RemoteEvent.IceServer(s.urls(), s.username(), s.credential()))
                .toList();
    }

    /** The host accepts (the viewer is told) or declines (the session ends with DECLINED). */
    void consent(Endpoint from, RemoteFrame.Consent frame) {
        RemoteSession s = sessionOf(from, frame.sessionId());
        if (!from.id().equals(s.hostConn())) {
            throw new AppException(ErrorCode.FORBIDDEN, "only the host answers a request");
        }
        if (!frame.accepted()) {
            end(s.id(), from.id(), "DECLINED", null);
            return;
        }
        boolean moved = jdbi.inTransaction(h -> {
            RemoteSession locked = RemoteRepository.lockSession(h, s.id()).orElseThrow();
            if (locked.status() != RemoteSession.Status.REQUESTED) {
                return false;
            }
            RemoteRepository.setStatus(h, s.id(), RemoteSession.Status.ACCEPTED, null);
            return true;
        });
        if (!moved) {
            throw new AppException(ErrorCode.CONFLICT, "the request was already answered");
        }
        delivery.send(s.viewerConn(), new RemoteEvent.Accepted(s.id()));
    }

    /**
     * Passes a payload to the other side, unread. PAKE messages need consent; session descriptions and ICE
     * candidates need the host's AUTHENTICATED verdict first, so nothing of the media path is set up for a
     * viewer who has not proven the password.
     */
    void relay(Endpoint from, RemoteFrame.Relay frame) {
        RemoteSession s = sessionOf(from, frame.sessionId());
        boolean allowed = switch (s.status()) {
            case ACCEPTED -> frame.kind().equals("pake");
            case AUTHENTICATED -> true;
            case REQUESTED, ENDED -> false;
        };
        if (!allowed) {
            throw new AppException(
                    ErrorCode.CONFLICT, "the session is " + s.status() + ": no " + frame.kind() + " now");
        }
        delivery.send(s.peerOf(from.id()), new RemoteEvent.Relay(s.id(), frame.kind(), frame.payload()));
    }

    /**
     * The host's verdict on the viewer's proof. A wrong password counts against the host ID and the viewer's
     * address and ends the session; every {@code remote.rotate.after.failures}-th failure tells the host to
     * make a new password. A right one starts the session.
     */
    void result(Endpoint from, RemoteFrame.Result frame) {
        RemoteSession s = sessionOf(from, frame.sessionId());
        if (!from.id().equals(s.hostConn())) {
            throw new AppException(ErrorCode.FORBIDDEN, "only the host reports the PAKE result");
        }
        boolean authenticated = RemoteFrame.Result.AUTHENTICATED.equals(frame.outcome());
        Instant now = clock.instant();
        boolean moved = jdbi.inTransaction(h -> {
            RemoteSession locked = RemoteRepository.lockSession(h, s.id()).orElseThrow();
            if (locked.status() != RemoteSession.Status.ACCEPTED) {
                return false;
            }
            if (authenticated) {
                RemoteRepository.setStatus(h, s.id(), RemoteSession.Status.AUTHENTICATED, now);
            }
            return true;
        });
        if (!moved) {
            throw new AppException(ErrorCode.CONFLICT, "no PAKE is running in this session");
        }
        if (authenticated) {
            throttle.reset(RemoteThrottle.hostKey(s.hostId()));
            throttle.reset(RemoteThrottle.addressKey(s.viewerAddress()));
            audit.append(new AuditEvent(
                    AuditType.REMOTE_SESSION_STARTED,
                    s.viewerUserId(),
                    null,
                    s.viewerAddress(),
                    s.hostId(),
                    "session " + s.id()));
            withSession(s.id(), () -> log.info("remote session started on host {}", s.hostId()));
            return;
        }
        int hostFailures = throttle.fail(RemoteThrottle.hostKey(s.hostId()));
        int addressFailures = throttle.fail(RemoteThrottle.addressKey(s.viewerAddress()));
        audit.append(new AuditEvent(
                AuditType.REMOTE_AUTH_FAILED,
                s.viewerUserId(),
                null,
                s.viewerAddress(),
                s.hostId(),
                "session " + s.id() + "; failures for this host " + hostFailures + ", from this address "
                        + addressFailures));
        withSession(s.id(), () -> log.info("remote session: wrong password for host {}", s.hostId()));
        end(s.id(), null, "WRONG_PASSWORD", null);
        if (hostFailures % config.rotateAfterFailures() == 0) {
            audit.append(new AuditEvent(
                    AuditType.REMOTE_PASSWORD_ROTATION,
                    null,
                    null,
                    null,
                    s.hostId(),
                    "after " + hostFailures + " failed attempts"));
            delivery.send(s.hostConn(), new RemoteEvent.RotatePassword(s.hostId(), hostFailures));
        }
    }

    /** Host IDs and source addresses now in back-off, from the counters shared by all nodes. */
    public List<RemoteThrottle.Lockout> lockouts() {
        return throttle.lockouts();
    }

    /**
     * An admin lifts a back-off: the counter for {@code key} (a host ID or an address key) is reset, so the
     * next attempt goes through, and this is audited. NOT_FOUND for other keys and for keys with no failures.
     */
    public void clearLockout(Principal admin, String key, RequestInfo from) {
        if (!RemoteThrottle.isKey(key) || !throttle.counted(key)) {
            throw AppException.notFound("lock-out");
        }
        throttle.reset(key);
        audit.append(AuditEvent.of(AuditType.REMOTE_LOCKOUT_CLEARED, admin, from, key, "counter reset"));
    }

    /** Either side ends the session; the other side is told why. */
    void end(Endpoint from, RemoteFrame.End frame) {
        RemoteSession s = sessionOf(from, frame.sessionId());
        if (frame.reason().equals("SECURITY_CHECK_FAILED")) {
            withSession(s.id(), () -> log.warn("remote session: {} reports a failed security check", from.id()));
        }
        // Only the host's report counts: the host enforces the rights and counts the bytes.
        String usage = frame.usage() != null && from.id().equals(s.hostConn())
                ? frame.usage().summary()
                : null;
        end(s.id(), from.id(), frame.reason(), usage);
    }

    /** A connection went away: hosts it held go offline, sessions it was in end with PEER_GONE. */
    public void disconnected(String connectionId) {
        List<String> hosts = jdbi.inTransaction(h -> RemoteRepository.offline(h, connectionId));
        hosts.forEach(id -> log.info("remote host {} offline", id));
        jdbi.withHandle(h -> RemoteRepository.openSessionsOf(h, connectionId))
                .forEach(id -> end(id, connectionId, "PEER_GONE", null));
    }

    /**
     * Ends a session once: marks it, frees the host, tells the side(s) other than {@code by} (null: both),
     * audits reason, duration and the host's usage report (rights, bytes) when it sent one.
     */
    private void end(String sessionId, String by, String reason, String usage) {
        Instant now = clock.instant();
        Optional<RemoteSession> ended = jdbi.inTransaction(h -> {
            Optional<RemoteSession> s = RemoteRepository.lockSession(h, sessionId);
            if (s.isEmpty() || s.get().status() == RemoteSession.Status.ENDED) {
                return Optional.empty();
            }
            RemoteRepository.end(h, sessionId, reason, now);
            RemoteRepository.release(h, s.get().hostId(), sessionId);
            return s;
        });
        ended.ifPresent(s -> {
            // Audited before anyone is told, so whoever hears of the end finds it in the log.
            String duration = s.startedAt() == null
                    ? "not started"
                    : "duration " + seconds(Duration.between(s.startedAt(), now)) + "s";
            audit.append(new AuditEvent(
                    AuditType.REMOTE_SESSION_ENDED,
                    s.viewerUserId(),
                    null,
                    s.viewerAddress(),
                    s.hostId(),
                    "session " + sessionId + "; " + reason + "; " + duration + (usage == null ? "" : "; " + usage)));
            for (String side : List.of(s.hostConn(), s.viewerConn())) {
                if (!side.equals(by)) {
                    delivery.send(side, new RemoteEvent.Ended(sessionId, reason));
                }
            }
            withSession(sessionId, () -> log.info("remote session ended: {}", reason));
        });
    }

    /** The session {@code from} takes part in; NOT_FOUND otherwise (others' sessions are invisible). */
    private RemoteSession sessionOf(Endpoint from, String sessionId) {
        return jdbi.withHandle(h -> RemoteRepository.session(h, sessionId))
                .filter(s -> s.peerOf(from.id()) != null)
                .filter(s -> s.status() != RemoteSession.Status.ENDED)
                .orElseThrow(() -> AppException.notFound("remote session"));
    }

    private void take(String key) {
        requests.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static void withSession(String sessionId, Runnable r) {
        try (MDC.MDCCloseable m = MDC.putCloseable("remoteSessionId", sessionId)) {
            r.run();
        }
    }
}
