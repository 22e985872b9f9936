package io.romotica.server.telegram;

import io.romotica.server.common.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL over the {@code telegram_*} tables (and the few user and visitor columns the bot reads). Thread-safe. */
final class TelegramStore {
    private final Jdbi jdbi;

    TelegramStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    static OffsetDateTime time(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    // ---- links ---------------------------------------------------------------------------------------

    /** An agent's linked Telegram chat and what they want to hear about. */
    record Link(
            String userId,
            String name,
            String email,
            Principal.Role role,
            boolean disabled,
            long chatId,
            String tgUsername,
            Instant linkedAt,
            Preferences preferences) {}

    private static Link link(ResultSet rs, StatementContext ctx) throws SQLException {
        Integer from = (Integer) rs.getObject("quiet_from");
        Integer until = (Integer) rs.getObject("quiet_until");
        return new Link(
                rs.getString("user_id"),
                rs.getString("name"),
                rs.getString("email"),
                Principal.Role.valueOf(rs.getString("role")),
                rs.getBoolean("disabled") || rs.getObject("locked_at") != null,
                rs.getLong("chat_id"),
                rs.getString("tg_username"),
                instant(rs, "linked_at"),
                new Preferences(
                        rs.getBoolean("notify_conversations"),
                        rs.getBoolean("notify_messages"),
                        rs.getBoolean("notify_calls"),
                        rs.getBoolean("notify_missed"),
                        rs.getBoolean("notify_presence"),
                        rs.getBoolean("notify_limits"),
                        rs.getBoolean("muted"),
                        from,
                        until,
                        rs.getString("time_zone"),
                        rs.getString("lang")));
    }

    private static final String LINK_SELECT = """
            select l.*, u.name, u.email, u.role, u.disabled, u.locked_at
            from telegram_links l join users u on u.id = l.user_id
            """;

    Optional<Link> linkOf(String userId) {
        return jdbi.withHandle(h -> h.createQuery(LINK_SELECT + " where l.user_id = :u")
                .bind("u", userId)
                .map(TelegramStore::link)
                .findOne());
    }

    Optional<Link> linkByChat(long chatId) {
        return jdbi.withHandle(h -> h.createQuery(LINK_SELECT + " where l.chat_id = :c")
                .bind("c", chatId)
                .map(TelegramStore::link)
                .findOne());
    }

    List<Link> links() {
        return jdbi.withHandle(h -> h.createQuery(LINK_SELECT + " order by l.linked_at")
                .map(TelegramStore::link)
                .list());
    }

    /** Links {@code chatId} to {@code userId}, replacing either side's earlier link. */
    void link(String userId, long chatId, String tgUsername, String lang, Instant now) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from telegram_links where user_id = :u or chat_id = :c")
                    .bind("u", userId)
                    .bind("c", chatId)
                    .execute();
            h.createUpdate("""
                            insert into telegram_links (user_id, chat_id, tg_username, linked_at, lang)
                            values (:u, :c, :n, :t, :l)""")
                    .bind("u", userId)
                    .bind("c", chatId)
                    .bind("n", tgUsername)
                    .bind("t", time(now))
                    .bind("l", lang)
                    .execute();
        });
    }

    boolean unlink(String userId) {
        return jdbi.withHandle(h -> h.createUpdate("delete from telegram_links where user_id = :u")
                        .bind("u", userId)
                        .execute())
                > 0;
    }

    void setPreferences(String userId, Preferences p) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update telegram_links set notify_conversations = :c, notify_messages = :m, notify_calls = :k,
                            notify_missed = :x, notify_presence = :p, notify_limits = :l, muted = :mu,
                            quiet_from = :qf, quiet_until = :qu, time_zone = :tz, lang = :lang
                        where user_id = :u""")
                .bind("c", p.conversations())
                .bind("m", p.messages())
                .bind("k", p.calls())
                .bind("x", p.missedCalls())
                .bind("p", p.presence())
                .bind("l", p.limits())
                .bind("mu", p.muted())
                .bind("qf", p.quietFrom())
                .bind("qu", p.quietUntil())
                .bind("tz", p.timeZone())
                .bind("lang", p.language())
                .bind("u", userId)
                .execute());
    }

    void setMuted(String userId, boolean muted) {
        jdbi.useHandle(h -> h.createUpdate("update telegram_links set muted = :m where user_id = :u")
                .bind("m", muted)
                .bind("u", userId)
                .execute());
    }

    /** Toggles {@code conversationId} in the agent's muted list; true when it is muted now. */
    boolean toggleConversationMute(String userId, String conversationId) {
        return jdbi.inTransaction(h -> {
            int removed = h.createUpdate(
                            "delete from telegram_muted_conversations where user_id = :u and conversation_id = :c")
                    .bind("u", userId)
                    .bind("c", conversationId)
                    .execute();
            if (removed > 0) {
                return false;
            }
            h.createUpdate("insert into telegram_muted_conversations (user_id, conversation_id) values (:u, :c)")
                    .bind("u", userId)
                    .bind("c", conversationId)
                    .execute();
            return true;
        });
    }

    boolean conversationMuted(String userId, String conversationId) {
        return jdbi.withHandle(h -> h.createQuery(
                                "select count(*) from telegram_muted_conversations where user_id = :u and conversation_id = :c")
                        .bind("u", userId)
                        .bind("c", conversationId)
                        .mapTo(Integer.class)
                        .one())
                > 0;
    }

    // ---- one-time codes (deep links) -----------------------------------------------------------------

    /** What a deep-link code was issued for. */
    enum Purpose {
        LINK,
        PHONE
    }

    record Code(Purpose purpose, String userId, String visitorId, String lang) {}

    void insertCode(String codeHash, Purpose purpose, String userId, String visitorId, Instant expiresAt) {
        jdbi.useHandle(h -> {
            h.createUpdate("delete from telegram_link_codes where expires_at < :t")
                    .bind("t", time(expiresAt.minus(java.time.Duration.ofDays(1))))
                    .execute();
            h.createUpdate("""
                            insert into telegram_link_codes (code_hash, user_id, visitor_id, purpose, expires_at)
                            values (:h, :u, :v, :p, :e)""")
                    .bind("h", codeHash)
                    .bind("u", userId)
                    .bind("v", visitorId)
                    .bind("p", purpose.name())
                    .bind("e", time(expiresAt))
                    .execute();
        });
    }

    /** Uses up a valid code: its purpose and owner, or empty when unknown, expired or used. */
    Optional<Code> useCode(String codeHash, Instant now) {
        return jdbi.inTransaction(h -> {
            int used =
                    h.createUpdate("""
                            update telegram_link_codes set used_at = :t
                            where code_hash = :h and used_at is null and expires_at > :t""").bind("t", time(now)).bind("h", codeHash).execute();
            if (used == 0) {
                return Optional.empty();
            }
            return h.createQuery("select purpose, user_id, visitor_id from telegram_link_codes where code_hash = :h")
                    .bind("h", codeHash)
                    .map((rs, ctx) -> new Code(
                            Purpose.valueOf(rs.getString("purpose")),
                            rs.getString("user_id"),
                            rs.getString("visitor_id"),
                            null))
                    .findOne();
        });
    }

    // ---- sign-in codes -------------------------------------------------------------------------------

    void putOtp(String userId, String codeHash, Instant expiresAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from telegram_otps where user_id = :u")
                    .bind("u", userId)
                    .execute();
            h.createUpdate("insert into telegram_otps (user_id, code_hash, expires_at) values (:u, :h, :e)")
                    .bind("u", userId)
                    .bind("h", codeHash)
                    .bind("e", time(expiresAt))
                    .execute();
        });
    }

    record Otp(String codeHash, Instant expiresAt) {}

    Optional<Otp> otpOf(String userId) {
        return jdbi.withHandle(h -> h.createQuery("select code_hash, expires_at from telegram_otps where user_id = :u")
                .bind("u", userId)
                .map((rs, ctx) -> new Otp(rs.getString("code_hash"), instant(rs, "expires_at")))
                .findOne());
    }

    /** Removes the code {@code codeHash} of {@code userId}; false when another request used it first. */
    boolean deleteOtp(String userId, String codeHash) {
        return jdbi.withHandle(h -> h.createUpdate("delete from telegram_otps where user_id = :u and code_hash = :h")
                        .bind("u", userId)
                        .bind("h", codeHash)
                        .execute())
                > 0;
    }

    // ---- visitors and users --------------------------------------------------------------------------

    /** Remembers which Telegram chat opened a visitor's phone link (its contact is expected next). */
    void bindPhoneCode(String codeHash, long chatId) {
        jdbi.useHandle(h -> h.createUpdate("update telegram_link_codes set chat_id = :c where code_hash = :h")
                .bind("c", chatId)
                .bind("h", codeHash)
                .execute());
    }

    /** The visitor whose phone link {@code chatId} opened last and that has not expired. */
    Optional<String> phoneCodeOf(long chatId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select visitor_id from telegram_link_codes
                        where purpose = 'PHONE' and chat_id = :c and expires_at > :t
                        order by expires_at desc""")
                .bind("c", chatId)
                .bind("t", time(now))
                .mapTo(String.class)
                .findFirst());
    }

    /** A visitor's phone number and when it was verified (null: not verified); empty for an unknown visitor. */
    record VisitorPhone(String phone, Instant verifiedAt) {}

    Optional<VisitorPhone> visitorPhone(String visitorId) {
        return jdbi.withHandle(h -> h.createQuery("select phone, phone_verified_at from visitors where id = :v")
                .bind("v", visitorId)
                .map((rs, ctx) -> new VisitorPhone(rs.getString("phone"), instant(rs, "phone_verified_at")))
                .findOne());
    }

    /** Stores the visitor's verified number and retires the chat's phone links. */
    void verifyVisitorPhone(String visitorId, String phone, long chatId, Instant now) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update visitors set phone = :p, phone_verified_at = :t where id = :v")
                    .bind("p", phone)
                    .bind("t", time(now))
                    .bind("v", visitorId)
                    .execute();
            h.createUpdate("delete from telegram_link_codes where purpose = 'PHONE' and chat_id = :c")
                    .bind("c", chatId)
                    .execute();
        });
    }

    /** The conversation's visitor and assignee: {visitorId, visitorName, assigneeId, status}, if it exists. */
    record ConversationFacts(String id, String visitorId, String visitorName, String assigneeId, String status) {}

    Optional<ConversationFacts> conversation(String conversationId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select c.id, c.visitor_id, v.name, c.assignee_id, c.status
                        from conversations c join visitors v on v.id = c.visitor_id where c.id = :c""")
                .bind("c", conversationId)
                .map((rs, ctx) -> new ConversationFacts(
                        rs.getString("id"),
                        rs.getString("visitor_id"),
                        rs.getString("name"),
                        rs.getString("assignee_id"),
                        rs.getString("status")))
                .findOne());
    }

    /** Open conversations assigned to {@code userId} and waiting unassigned ones. */
    record Workload(int mine, int unassigned) {}

    Workload workload(String userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select
                          sum(case when assignee_id = :u then 1 else 0 end) as mine,
                          sum(case when assignee_id is null then 1 else 0 end) as unassigned
                        from conversations where status <> 'RESOLVED'""")
                .bind("u", userId)
                .map((rs, ctx) -> new Workload(rs.getInt("mine"), rs.getInt("unassigned")))
                .one());
    }
}
