package io.romotica.server.remote;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL of the remote feature: hosts and sessions. Static methods on a JDBI handle; stateless. */
final class RemoteRepository {
    private RemoteRepository() {}

    /** A host row. */
    record Host(String hostId, String publicKey, String connectionId, Instant lastSeenAt, String sessionId) {}

    private static OffsetDateTime time(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Host host(ResultSet rs) throws SQLException {
        return new Host(
                rs.getString("host_id"),
                rs.getString("public_key"),
                rs.getString("connection_id"),
                instant(rs, "last_seen_at"),
                rs.getString("session_id"));
    }

    static Optional<Host> hostById(Handle h, String hostId) {
        return h.createQuery("select * from remote_hosts where host_id = :id")
                .bind("id", hostId)
                .map((rs, ctx) -> host(rs))
                .findOne();
    }

    static Optional<Host> hostByKey(Handle h, String publicKey) {
        return h.createQuery("select * from remote_hosts where public_key = :key")
                .bind("key", publicKey)
                .map((rs, ctx) -> host(rs))
                .findOne();
    }

    static void insertHost(Handle h, String hostId, String publicKey, Instant now) {
        h.createUpdate("insert into remote_hosts (host_id, public_key, created_at) values (:id, :key, :now)")
                .bind("id", hostId)
                .bind("key", publicKey)
                .bind("now", time(now))
                .execute();
    }

    /** The host is online on {@code connectionId}; any session it was in is forgotten. */
    static void online(Handle h, String hostId, String connectionId, Instant now) {
        h.createUpdate("update remote_hosts set connection_id = :c, last_seen_at = :now, session_id = null"
                        + " where host_id = :id")
                .bind("id", hostId)
                .bind("c", connectionId)
                .bind("now", time(now))
                .execute();
    }

    /** Heartbeat from the host's current connection; false when that connection no longer holds the ID. */
    static boolean heartbeat(Handle h, String hostId, String connectionId, Instant now) {
        return h.createUpdate("update remote_hosts set last_seen_at = :now where host_id = :id and connection_id = :c")
                        .bind("id", hostId)
                        .bind("c", connectionId)
                        .bind("now", time(now))
                        .execute()
                == 1;
    }

    /** Host IDs held by {@code connectionId}; their connection is cleared (offline). */
    static List<String> offline(Handle h, String connectionId) {
        List<String> ids = h.createQuery("select host_id from remote_hosts where connection_id = :c")
                .bind("c", connectionId)
                .mapTo(String.class)
                .list();
        h.createUpdate("update remote_hosts set connection_id = null, session_id = null where connection_id = :c")
                .bind("c", connectionId)
                .execute();
        return ids;
    }

    /** Claims the host for a session; false when it is already in one. */
    static boolean claim(Handle h, String hostId, String sessionId) {
        return h.createUpdate("update remote_hosts set session_id = :s where host_id = :id and session_id is null")
                        .bind("id", hostId)
                        .bind("s", sessionId)
                        .execute()
                == 1;
    }

    static void release(Handle h, String hostId, String sessionId) {
        h.createUpdate("update remote_hosts set session_id = null where host_id = :id and session_id = :s")
                .bind("id", hostId)
                .bind("s", sessionId)
                .execute();
    }

    static void insertSession(Handle h, RemoteSession s) {
        h.createUpdate(
                        "insert into remote_sessions (id, host_id, host_conn, viewer_conn, viewer_address,"
                                + " viewer_user_id, status, created_at) values (:id, :host, :hc, :vc, :addr, :user, :status, :now)")
                .bind("id", s.id())
                .bind("host", s.hostId())
                .bind("hc", s.hostConn())
                .bind("vc", s.viewerConn())
                .bind("addr", s.viewerAddress())
                .bind("user", s.viewerUserId())
                .bind("status", s.status().name())
                .bind("now", time(s.createdAt()))
                .execute();
    }

    private static RemoteSession session(ResultSet rs) throws SQLException {
        return new RemoteSession(
                rs.getString("id"),
                rs.getString("host_id"),
                rs.getString("host_conn"),
                rs.getString("viewer_conn"),
                rs.getString("viewer_address"),
                rs.getString("viewer_user_id"),
                RemoteSession.Status.valueOf(rs.getString("status")),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "ended_at"),
                rs.getString("end_reason"));
    }

    /** The session, locked for update (status changes are serialised across nodes). */
    static Optional<RemoteSession> lockSession(Handle h, String id) {
        return h.createQuery("select * from remote_sessions where id = :id for update")
                .bind("id", id)
                .map((rs, ctx) -> session(rs))
                .findOne();
    }

    static Optional<RemoteSession> session(Handle h, String id) {
        return h.createQuery("select * from remote_sessions where id = :id")
                .bind("id", id)
                .map((rs, ctx) -> session(rs))
                .findOne();
    }

    /** Sessions not yet ended in which {@code connectionId} takes part. */
    static List<String> openSessionsOf(Handle h, String connectionId) {
        return h.createQuery("select id from remote_sessions where status <> 'ENDED'"
                        + " and (host_conn = :c or viewer_conn = :c)")
                .bind("c", connectionId)
                .mapTo(String.class)
                .list();
    }

    /** Open sessions of a host ID (after the host came back on a new connection, they are stale). */
    static List<String> openSessionsOfHost(Handle h, String hostId) {
        return h.createQuery("select id from remote_sessions where status <> 'ENDED' and host_id = :id")
                .bind("id", hostId)
                .mapTo(String.class)
                .list();
    }

    static void setStatus(Handle h, String id, RemoteSession.Status status, Instant startedAt) {
        h.createUpdate("update remote_sessions set status = :status, started_at = coalesce(started_at, :started)"
                        + " where id = :id")
                .bind("id", id)
                .bind("status", status.name())
                .bind("started", time(startedAt))
                .execute();
    }

    static void end(Handle h, String id, String reason, Instant now) {
        h.createUpdate("update remote_sessions set status = 'ENDED', ended_at = :now, end_reason = :reason"
                        + " where id = :id")
                .bind("id", id)
                .bind("reason", reason)
                .bind("now", time(now))
                .execute();
    }
}
