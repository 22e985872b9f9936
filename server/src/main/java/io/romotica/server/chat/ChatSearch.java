package io.romotica.server.chat;

import io.romotica.server.common.AppException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Search across all chat history for agents. On PostgreSQL a full-text query over the GIN index (every word
 * must occur, each also as a prefix: "fatura" finds "faturam"); on H2 the same rule by case-insensitive
 * substring scan. Thread-safe.
 */
public final class ChatSearch {
    static final int MAX_TERMS = 8;

    private final Jdbi jdbi;
    private final boolean postgres;

    ChatSearch(Jdbi jdbi) {
        this.jdbi = jdbi;
        try {
            this.postgres = jdbi.withHandle(h -> h.getConnection()
                    .getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(Locale.ROOT)
                    .contains("postgres"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell the database product", e);
        }
    }

    /** One matching message with its conversation's visitor; {@code body} cut to a preview. */
    public record Hit(
            String conversationId,
            String visitorId,
            String visitorName,
            String messageId,
            long seq,
            String senderKind,
            String senderName,
            String kind,
            String body,
            Instant createdAt) {}

    /** The words of a query: letters and digits only, lower case, at most {@link #MAX_TERMS}. */
    static List<String> terms(String query) {
        List<String> terms = new ArrayList<>();
        for (String t : query.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!t.isEmpty() && terms.size() < MAX_TERMS) {
                terms.add(t.length() > 64 ? t.substring(0, 64) : t);
            }
        }
        return terms;
    }

    List<Hit> search(String query, int limit) {
        List<String> terms = query == null ? List.of() : terms(query);
        if (terms.isEmpty()) {
            throw AppException.invalid("q", "q must contain at least one word");
        }
        StringBuilder where = new StringBuilder();
        if (postgres) {
            where.append("to_tsvector('simple', m.body) @@ to_tsquery('simple', :q)");
        } else {
            for (int i = 0; i < terms.size(); i++) {
                where.append(i == 0 ? "" : " and ")
                        .append("lower(m.body) like :t")
                        .append(i)
                        .append(" escape '!'");
            }
        }
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("""
                            select m.id, m.conversation_id, m.seq, m.sender_kind, m.sender_name, m.kind, m.body,
                                   m.created_at, v.id as visitor_id, v.name as visitor_name
                            from messages m join conversations c on c.id = m.conversation_id
                            join visitors v on v.id = c.visitor_id
                            where """ + " " + where + " order by m.created_at desc limit :n")
                    .bind("n", limit);
            if (postgres) {
                q.bind("q", String.join(" & ", terms.stream().map(t -> t + ":*").toList()));
            } else {
                for (int i = 0; i < terms.size(); i++) {
                    q.bind("t" + i, "%" + terms.get(i).replaceAll("([!%_])", "!$1") + "%");
                }
            }
            return q.map((rs, ctx) -> {
                        String body = rs.getString("body");
                        return new Hit(
                                rs.getString("conversation_id"),
                                rs.getString("visitor_id"),
                                rs.getString("visitor_name"),
                                rs.getString("id"),
                                rs.getLong("seq"),
                                rs.getString("sender_kind"),
                                rs.getString("sender_name"),
                                rs.getString("kind"),
                                body.length() > 300 ? body.substring(0, 300) + "…" : body,
                                rs.getObject("created_at", java.time.OffsetDateTime.class)
                                        .toInstant());
                    })
                    .list();
        });
    }
}
