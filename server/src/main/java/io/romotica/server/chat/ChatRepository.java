package io.romotica.server.chat;

import io.romotica.protocol.ServerFrame.AttachmentInfo;
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
    private static final String BASE_COLUMNS =
            "c.id, c.visitor_id, v.name as visitor_name, c.status, c.assignee_id, c.last_seq, c.created_at, c.last_message_at";
    /** Columns when nobody in particular asks: no read pointers. */
    private static final String CONVERSATION_COLUMNS = BASE_COLUMNS + ", 0 as read_seq, 0 as peer_read_seq";

    /**
     * Columns with the read pointers of the party bound as {@code :me} and of the other side: for a visitor
     * the furthest any agent has read, for an agent how far the visitor has read.
     */
    private static String columnsFor(boolean visitorAsks) {
        return BASE_COLUMNS
                + ", coalesce((select r.last_read_seq from conversation_reads r"
                + " where r.conversation_id = c.id and r.party_id = :me), 0) as read_seq"
                + ", coalesce((select max(r.last_read_seq) from conversation_reads r where r.conversation_id = c.id"
                + (visitorAsks ? " and r.party_id <> c.visitor_id" : " and r.party_id = c.visitor_id")
                + "), 0) as peer_read_seq";
    }

    private final Jdbi jdbi;

    ChatRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** Messages with their attachment's details; add a where clause on {@code m}. */
    private static final String MESSAGES = """
            select m.*, a.name as a_name, a.content_type as a_type, a.size_bytes as a_size, a.width as a_width,
                   a.height as a_height, a.thumb_key as a_thumb
            from messages m left join attachments a on a.id = m.attachment_id
            """;

    static ChatMessage message(ResultSet rs, StatementContext ctx) throws SQLException {
        String attachmentId = rs.getString("attachment_id");
        AttachmentInfo attachment = attachmentId == null
                ? null
                : new AttachmentInfo(
                        attachmentId,
                        rs.getString("a_name"),
                        rs.getString("a_type"),
                        rs.getLong("a_size"),
                        rs.getObject("a_width", Integer.class),
                        rs.getObject("a_height", Integer.class),
                        rs.getString("a_thumb") != null);
        return new ChatMessage(
                rs.getString("id"),
                rs.getString("conversation_id"),
                rs.getLong("seq"),
                rs.getString("client_id"),
                rs.getString("sender_kind"),
                rs.getString("sender_id"),
                rs.getString("sender_name"),
                rs.getString("kind"),
                rs.getString("body"),
                attachment,
                instant(rs, "created_at"));
    }

    /** An attachment with what only the server needs: where it lives, whose it is. */
    record StoredAttachment(
            String conversationId, String uploaderId, String blobKey, String thumbKey, AttachmentInfo info) {}

    private static StoredAttachment storedAttachment(ResultSet rs, StatementContext ctx) throws SQLException {
        String thumb = rs.getString("thumb_key");
        return new StoredAttachment(
                rs.getString("conversation_id"),
                rs.getString("uploader_id"),
                rs.getString("blob_key"),
                thumb,
                new AttachmentInfo(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("content_type"),
                        rs.getLong("size_bytes"),
                        rs.getObject("width", Integer.class),
                        rs.getObject("height", Integer.class),
                        thumb != null));
    }

    void insertAttachment(StoredAttachment a, Instant now) {
        AttachmentInfo i = a.info();
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into attachments (id, conversation_id, uploader_id, name, content_type, size_bytes,
                                                 blob_key, thumb_key, width, height, created_at)
                        values (:id, :c, :u, :name, :type, :size, :blob, :thumb, :w, :h, :now)""")
                .bind("id", i.id())
                .bind("c", a.conversationId())
                .bind("u", a.uploaderId())
                .bind("name", i.name())
                .bind("type", i.contentType())
                .bind("size", i.size())
                .bind("blob", a.blobKey())
                .bind("thumb", a.thumbKey())
                .bind("w", i.width())
                .bind("h", i.height())
                .bind("now", now)
                .execute());
    }

    static Optional<StoredAttachment> attachment(Handle h, String id) {
        return h.createQuery("select * from attachments where id = :id")
                .bind("id", id)
                .map(ChatRepository::storedAttachment)
                .findOne();
    }

    Optional<StoredAttachment> attachment(String id) {
        return jdbi.withHandle(h -> attachment(h, id));
    }

    /** Whether a message (other than an internal note) carries the attachment. */
    boolean attachmentSent(String id) {
        return jdbi.withHandle(h -> h.createQuery("select 1 from messages where attachment_id = :id and kind <> 'NOTE'")
                .bind("id", id)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent());
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
                instant(rs, "last_message_at"),
                rs.getLong("read_seq"),
                rs.getLong("peer_read_seq"));
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

    /**
     * A visitor as agents see them in a conversation's side panel; {@code phoneVerifiedAt} is set when the
     * visitor proved the phone number is theirs (through Telegram), null for a number they only typed.
     */
    public record VisitorDetails(
            String id,
            String name,
            String email,
            String phone,
            Instant phoneVerifiedAt,
            Instant createdAt,
            Instant lastSeenAt,
            int conversations) {}

    Optional<VisitorDetails> visitorDetails(String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select v.*, (select count(*) from conversations c where c.visitor_id = v.id) as n
                        from visitors v where v.id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> new VisitorDetails(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("email"),
                        rs.getString("phone"),
                        instant(rs, "phone_verified_at"),
                        instant(rs, "created_at"),
                        instant(rs, "last_seen_at"),
                        rs.getInt("n")))
                .findOne());
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
        return h.createQuery(MESSAGES + "where m.conversation_id = :c and m.sender_id = :s and m.client_id = :k")
                .bind("c", conversationId)
                .bind("s", senderId)
                .bind("k", clientId)
                .map(ChatRepository::message)
                .findOne();
    }

    /** The first message a visitor sent with {@code clientId} in any of their conversations (a retried start). */
    Optional<ChatMessage> startedWith(String visitorId, String clientId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select m.*, null as a_name, null as a_type, null as a_size, null as a_width,
                               null as a_height, null as a_thumb
                        from messages m join conversations c on c.id = m.conversation_id
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
                        insert into messages (id, conversation_id, seq, client_id, sender_kind, sender_id, sender_name,
                                              kind, body, attachment_id, created_at)
                        values (:id, :c, :seq, :k, :senderKind, :sender, :name, :kind, :body, :attachment, :at)""")
                .bind("id", m.id())
                .bind("c", m.conversationId())
                .bind("seq", m.seq())
                .bind("k", m.clientId())
                .bind("senderKind", m.senderKind())
                .bind("kind", m.kind())
                .bind(
                        "attachment",
                        m.attachment() == null ? null : m.attachment().id())
                .bind("sender", m.senderId())
                .bind("name", m.senderName())
                .bind("body", m.body())
                .bind("at", m.createdAt())
                .execute();
    }

    List<ChatMessage> after(String conversationId, long afterSeq, int limit) {
        return jdbi.withHandle(
                h -> h.createQuery(MESSAGES + "where m.conversation_id = :c and m.seq > :after order by m.seq limit :n")
                        .bind("c", conversationId)
                        .bind("after", afterSeq)
                        .bind("n", limit)
                        .map(ChatRepository::message)
                        .list());
    }

    /** The newest {@code limit} messages with {@code afterSeq < seq < beforeSeq}, oldest first. */
    List<ChatMessage> before(String conversationId, long afterSeq, long beforeSeq, int limit) {
        List<ChatMessage> newestFirst = jdbi.withHandle(h -> h.createQuery(MESSAGES
                        + "where m.conversation_id = :c and m.seq > :after and m.seq < :before"
                        + " order by m.seq desc limit :n")
                .bind("c", conversationId)
                .bind("after", afterSeq)
                .bind("before", beforeSeq)
                .bind("n", limit)
                .map(ChatRepository::message)
                .list());
        return newestFirst.reversed();
    }

    List<Conversation> ofVisitor(String visitorId) {
        return jdbi.withHandle(h -> h.createQuery("select " + columnsFor(true)
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.visitor_id = :v"
                        + " order by c.last_message_at desc")
                .bind("v", visitorId)
                .bind("me", visitorId)
                .map(ChatRepository::conversation)
                .list());
    }

    /** One conversation with {@code agentId}'s read pointers. */
    Optional<Conversation> withReads(String conversationId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("select " + columnsFor(false)
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.id = :id")
                .bind("id", conversationId)
                .bind("me", agentId)
                .map(ChatRepository::conversation)
                .findOne());
    }

    /** Conversations by status, newest first, with {@code agentId}'s read pointers. */
    List<Conversation> byStatus(Conversation.Status status, int limit, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("select " + columnsFor(false)
                        + " from conversations c join visitors v on v.id = c.visitor_id where c.status = :s"
                        + " order by c.last_message_at desc limit :n")
                .bind("s", status.name())
                .bind("me", agentId)
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
