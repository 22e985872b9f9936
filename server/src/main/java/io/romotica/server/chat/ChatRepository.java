package io.romotica.server.chat;

import io.romotica.protocol.ServerFrame.ChatMessage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL over {@code visitors}, {@code conversations} and {@code messages}. */
final class ChatRepository {
    private static final String CONVERSATION_COLUMNS =
            "c.id, c.visitor_id, v.name as visitor_name, c.status, c.assignee_id, c.last_seq, c.created_at, c.last_message_at";

    private final Jdbi jdbi;

    ChatRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static ChatMessage message(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ChatMessage(
                rs.getString("id"),
                rs.getString("conversation_id"),
                rs.getLong("seq"),
                rs.getString("client_id"),
                rs.getString("sender_kind"),
                rs.getString("sender_id"),
                rs.getString("sender_name"),
                rs.getString("body"),
                instant(rs, "created_at"));
    }

    static Conversation conversation(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Conversation(
                rs.getString("id"),
                rs.getString("visitor_id"),
                rs.getString("visitor_name"),
                Conversation.Status.valueOf(rs.getString("status")),
                rs.getString("assignee_id"),
                rs.getLong("last_seq"),
                instant(rs, "created_at"),
                instant(rs, "last_message_at"));
    }

    void insertVisitor(String id, String name, String email, String phone, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into visitors (id, name, email, phone, created_at, last_seen_at)
                        values (:id, :name, :email, :phone, :now, :now)""")
                .bind("id", id)
                .bind("name", name)
                .bind("email", email)
                .bind("phone", phone)
                .bind("now", now)
                .execute());
    }

    Optional<String> visitorName(String id) {
        return jdbi.withHandle(h -> h.createQuery("select name from visitors where id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne());
    }

    static void insertConversation(Handle h, String id, String visitorId, Instant now) {
        h.createUpdate("""
                        insert into conversations (id, visitor_id, status, last_seq, created_at, last_message_at)
                        values (:id, :visitor, 'OPEN', 0, :now, :now)""")
                .bind("id", id)
                .bind("visitor", visitorId)
                .bind("now", now)
                .execute();
    }

    /** The conversation row, locked for the rest of the caller's transaction. */
    static Optional<Conversation> lockConversation(Handle h, String id) {
        boolean exists = h.createQuery("select id from conversations where id = :id for update")
                .bind("id", id)
                .mapTo(String.class)
                .findOne()
                .isPresent();
        if (!exists) {
            return Optional.empty();
        }
        return h.createQuery("select " + CONVERSATION_COLUMNS
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.id = :id")
                .bind("id", id)
                .map(ChatRepository::conversation)
                .findOne();
    }

    Optional<Conversation> conversation(String id) {
        return jdbi.withHandle(h -> h.createQuery("select " + CONVERSATION_COLUMNS
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.id = :id")
                .bind("id", id)
                .map(ChatRepository::conversation)
                .findOne());
    }

    static Optional<ChatMessage> byClientId(Handle h, String conversationId, String senderId, String clientId) {
        return h.createQuery("select * from messages where conversation_id = :c and sender_id = :s and client_id = :k")
                .bind("c", conversationId)
                .bind("s", senderId)
                .bind("k", clientId)
                .map(ChatRepository::message)
                .findOne();
    }

    /** The first message a visitor sent with {@code clientId} in any of their conversations (a retried start). */
    Optional<ChatMessage> startedWith(String visitorId, String clientId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select m.* from messages m join conversations c on c.id = m.conversation_id
                        where c.visitor_id = :v and m.sender_id = :v and m.client_id = :k and m.seq = 1""")
                .bind("v", visitorId)
                .bind("k", clientId)
                .map(ChatRepository::message)
                .findOne());
    }

    static void append(Handle h, ChatMessage m) {
        h.createUpdate("update conversations set last_seq = :seq, last_message_at = :at where id = :c")
                .bind("seq", m.seq())
                .bind("at", m.createdAt())
                .bind("c", m.conversationId())
                .execute();
        h.createUpdate("""
                        insert into messages (id, conversation_id, seq, client_id, sender_kind, sender_id, sender_name, body, created_at)
                        values (:id, :c, :seq, :k, :kind, :sender, :name, :body, :at)""")
                .bind("id", m.id())
                .bind("c", m.conversationId())
                .bind("seq", m.seq())
                .bind("k", m.clientId())
                .bind("kind", m.senderKind())
                .bind("sender", m.senderId())
                .bind("name", m.senderName())
                .bind("body", m.body())
                .bind("at", m.createdAt())
                .execute();
    }

    List<ChatMessage> after(String conversationId, long afterSeq, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select * from messages where conversation_id = :c and seq > :after order by seq limit :n")
                .bind("c", conversationId)
                .bind("after", afterSeq)
                .bind("n", limit)
                .map(ChatRepository::message)
                .list());
    }

    List<Conversation> ofVisitor(String visitorId) {
        return jdbi.withHandle(h -> h.createQuery("select " + CONVERSATION_COLUMNS
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.visitor_id = :v"
                        + " order by c.last_message_at desc")
                .bind("v", visitorId)
                .map(ChatRepository::conversation)
                .list());
    }

    List<Conversation> byStatus(Conversation.Status status, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + CONVERSATION_COLUMNS
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.status = :s"
                        + " order by c.last_message_at desc limit :n")
                .bind("s", status.name())
                .bind("n", limit)
                .map(ChatRepository::conversation)
                .list());
    }

    /** Moves a party's read pointer forward (never back). */
    void markRead(String conversationId, String partyId, long seq) {
        jdbi.useTransaction(h -> {
            int moved = h.createUpdate("""
                            update conversation_reads set last_read_seq = :s
                            where conversation_id = :c and party_id = :p and last_read_seq < :s""")
                    .bind("c", conversationId)
                    .bind("p", partyId)
                    .bind("s", seq)
                    .execute();
            boolean exists = moved > 0
                    || h.createQuery("select 1 from conversation_reads where conversation_id = :c and party_id = :p")
                            .bind("c", conversationId)
                            .bind("p", partyId)
                            .mapTo(Integer.class)
                            .findOne()
                            .isPresent();
            if (!exists) {
                h.createUpdate(
                                "insert into conversation_reads (conversation_id, party_id, last_read_seq) values (:c, :p, :s)")
                        .bind("c", conversationId)
                        .bind("p", partyId)
                        .bind("s", seq)
                        .execute();
            }
        });
    }

    void assign(String conversationId, String agentId) {
        jdbi.useHandle(h -> h.createUpdate("update conversations set assignee_id = :a where id = :c")
                .bind("a", agentId)
                .bind("c", conversationId)
                .execute());
    }

    void setStatus(String conversationId, Conversation.Status status) {
        jdbi.useHandle(h -> h.createUpdate("update conversations set status = :s where id = :c")
                .bind("s", status.name())
                .bind("c", conversationId)
                .execute());
    }

    boolean agentExists(String id) {
        return jdbi.withHandle(h -> h.createQuery("select 1 from users where id = :id and not disabled")
                .bind("id", id)
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
    }
}
