package io.romotica.server.calls;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL over {@code calls}; every method runs on the caller's handle (and transaction). */
final class CallRepository {
    private CallRepository() {}

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime time(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Call call(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Call(
                rs.getString("id"),
                rs.getString("conversation_id"),
                rs.getString("visitor_id"),
                rs.getString("visitor_name"),
                rs.getString("agent_id"),
                rs.getString("agent_name"),
                rs.getString("transfer_to"),
                instant(rs, "transfer_at"),
                rs.getString("initiator"),
                Call.Status.valueOf(rs.getString("status")),
                rs.getBoolean("video"),
                rs.getBoolean("recording_active"),
                rs.getString("visitor_conn"),
                rs.getString("agent_conn"),
                instant(rs, "created_at"),
                instant(rs, "accepted_at"),
                instant(rs, "ended_at"),
                rs.getString("end_reason"));
    }

    static void insert(Handle h, Call c, String clientId) {
        h.createUpdate("""
                        insert into calls (id, conversation_id, visitor_id, visitor_name, agent_id, agent_name,
                            initiator, client_id, status, video, visitor_conn, agent_conn, created_at)
                        values (:id, :conversationId, :visitorId, :visitorName, :agentId, :agentName,
                            :initiator, :clientId, :status, :video, :visitorConn, :agentConn, :createdAt)
                        """)
                .bind("id", c.id())
                .bind("conversationId", c.conversationId())
                .bind("visitorId", c.visitorId())
                .bind("visitorName", c.visitorName())
                .bind("agentId", c.agentId())
                .bind("agentName", c.agentName())
                .bind("initiator", c.initiator())
                .bind("clientId", clientId)
                .bind("status", c.status().name())
                .bind("video", c.video())
                .bind("visitorConn", c.visitorConn())
                .bind("agentConn", c.agentConn())
                .bind("createdAt", time(c.createdAt()))
                .execute();
    }

    static Optional<Call> find(Handle h, String id) {
        return h.createQuery("select * from calls where id = :id")
                .bind("id", id)
                .map(CallRepository::call)
                .findOne();
    }

    /** The call, locked until the transaction ends. */
    static Optional<Call> lock(Handle h, String id) {
        return h.createQuery("select * from calls where id = :id for update")
                .bind("id", id)
                .map(CallRepository::call)
                .findOne();
    }

    static Optional<Call> byClientId(Handle h, String visitorId, String clientId) {
        return h.createQuery("select * from calls where visitor_id = :v and client_id = :c")
                .bind("v", visitorId)
                .bind("c", clientId)
                .map(CallRepository::call)
                .findOne();
    }

    static Optional<Call> activeOfVisitor(Handle h, String visitorId) {
        return h.createQuery("select * from calls where visitor_id = :v and status in ('PENDING', 'RINGING',"
                        + " 'ACCEPTED') order by created_at desc")
                .bind("v", visitorId)
                .map(CallRepository::call)
                .findFirst();
    }

    /** Whether the agent is in a call, or has one ringing that they started. */
    static boolean agentBusy(Handle h, String agentId, String exceptCallId) {
        return h.createQuery("select count(*) from calls where agent_id = :a and id <> :except"
                                + " and status in ('RINGING', 'ACCEPTED')")
                        .bind("a", agentId)
                        .bind("except", exceptCallId)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    static List<Call> waiting(Handle h) {
        return h.createQuery("select * from calls where status = 'PENDING' order by created_at, id")
                .map(CallRepository::call)
                .list();
    }

    /** Calls an agent sees on opening the console: the queue, and their own calls that are not over. */
    static List<Call> openFor(Handle h, String agentId) {
        return h.createQuery("select * from calls where status = 'PENDING' or (status in ('RINGING', 'ACCEPTED')"
                        + " and (agent_id = :a or transfer_to = :a)) order by created_at, id")
                .bind("a", agentId)
                .map(CallRepository::call)
                .list();
    }

    /** Calls accepted since {@code since}, by anyone ({@code agentId} null) or by one agent. */
    static int acceptedSince(Handle h, Instant since, String agentId) {
        return h.createQuery("select count(*) from calls where accepted_at >= :since"
                        + (agentId == null ? "" : " and agent_id = :a"))
                .bind("since", time(since))
                .bind("a", agentId)
                .mapTo(Integer.class)
                .one();
    }

    /** Seconds callers waited before an agent answered, for the most recent answered calls. */
    static List<Long> recentWaits(Handle h, Instant since) {
        return h.createQuery("select created_at, accepted_at from calls where accepted_at >= :since"
                        + " and initiator = 'VISITOR' order by accepted_at desc limit 50")
                .bind("since", time(since))
                .map((rs, ctx) -> java.time.Duration.between(instant(rs, "created_at"), instant(rs, "accepted_at"))
                        .toSeconds())
                .list();
    }

    static void lockAcceptCounter(Handle h) {
        h.createQuery("select name from call_counters where name = 'accept' for update")
                .mapTo(String.class)
                .one();
    }

    static void update(Handle h, String sql, Object... namedValues) {
        var update = h.createUpdate("update calls set " + sql);
        for (int i = 0; i < namedValues.length; i += 2) {
            Object v = namedValues[i + 1];
            update.bind((String) namedValues[i], v instanceof Instant t ? time(t) : v);
        }
        update.execute();
    }
}
