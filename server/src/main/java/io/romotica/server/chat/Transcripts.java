package io.romotica.server.chat;

import io.romotica.protocol.ServerFrame.AttachmentInfo;
import io.romotica.protocol.ServerFrame.ChatMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A conversation written out for people: plain text, or a self-contained HTML page in which every piece of
 * user text is escaped (no links, no scripts, no remote resources, so the file is safe to open anywhere).
 */
final class Transcripts {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Transcripts() {}

    /** Who the conversation is with, as the header shows it. */
    record Header(Conversation conversation, String email, String phone, Instant exportedAt) {}

    static String text(Header header, List<ChatMessage> messages) {
        Conversation c = header.conversation();
        StringBuilder b = new StringBuilder();
        b.append("Conversation ").append(c.id()).append('\n');
        b.append("Visitor: ").append(oneLine(c.visitorName()));
        if (header.email() != null) {
            b.append(" <").append(oneLine(header.email())).append('>');
        }
        if (header.phone() != null) {
            b.append(" ").append(oneLine(header.phone()));
        }
        b.append('\n');
        b.append("Status: ").append(c.status()).append('\n');
        b.append("Started: ").append(TIME.format(c.createdAt())).append('\n');
        b.append("Exported: ").append(TIME.format(header.exportedAt())).append("\n\n");
        for (ChatMessage m : messages) {
            b.append('[').append(TIME.format(m.createdAt())).append("] ");
            b.append(oneLine(m.senderName())).append(" (").append(role(m)).append("): ");
            if (m.attachment() != null || "ATTACHMENT".equals(m.kind())) {
                b.append(attachmentLine(m.attachment()));
                if (!m.body().isEmpty()) {
                    b.append(' ');
                }
            }
            // Continuation lines are indented so a message cannot fake the next entry's header.
            b.append(m.body().replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\n    "));
            b.append('\n');
        }
        return b.toString();
    }

    static String html(Header header, List<ChatMessage> messages) {
        Conversation c = header.conversation();
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html><head><meta charset=\"utf-8\">")
                .append(
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>")
                .append(esc("Conversation with " + c.visitorName()))
                .append("</title><style>")
                .append(
                        "body{font:14px/1.45 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}")
                .append("dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}")
                .append(".m{border-top:1px solid #ddd;padding:.5rem 0}.meta{color:#666;font-size:12px}")
                .append(".note{background:#fff8d6}.body{white-space:pre-wrap;overflow-wrap:anywhere}")
                .append("</style></head><body>\n<h1>")
                .append(esc(c.visitorName()))
                .append("</h1>\n<dl><dt>Conversation</dt><dd>")
                .append(esc(c.id()))
                .append("</dd>");
        if (header.email() != null) {
            b.append("<dt>E-mail</dt><dd>").append(esc(header.email())).append("</dd>");
        }
        if (header.phone() != null) {
            b.append("<dt>Phone</dt><dd>").append(esc(header.phone())).append("</dd>");
        }
        b.append("<dt>Status</dt><dd>").append(esc(c.status().name())).append("</dd>");
        b.append("<dt>Started</dt><dd>").append(TIME.format(c.createdAt())).append("</dd>");
        b.append("<dt>Exported</dt><dd>")
                .append(TIME.format(header.exportedAt()))
                .append("</dd></dl>\n");
        for (ChatMessage m : messages) {
            b.append("<div class=\"m")
                    .append("NOTE".equals(m.kind()) ? " note" : "")
                    .append("\">");
            b.append("<div class=\"meta\">")
                    .append(TIME.format(m.createdAt()))
                    .append(" · ")
                    .append(esc(m.senderName()))
                    .append(" (")
                    .append(role(m))
                    .append(")</div>");
            if (m.attachment() != null || "ATTACHMENT".equals(m.kind())) {
                b.append("<div>").append(esc(attachmentLine(m.attachment()))).append("</div>");
            }
            if (!m.body().isEmpty()) {
                b.append("<div class=\"body\">").append(esc(m.body())).append("</div>");
            }
            b.append("</div>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String role(ChatMessage m) {
        if ("NOTE".equals(m.kind())) {
            return "internal note";
        }
        return "VISITOR".equals(m.senderKind()) ? "visitor" : "agent";
    }

    private static String attachmentLine(AttachmentInfo a) {
        if (a == null) {
            return "[attachment removed]";
        }
        return "[attachment: " + oneLine(a.name()) + ", " + a.contentType() + ", " + humanSize(a.size()) + "]";
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return (bytes + 512) / 1024 + " KB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ");
    }

    /** HTML-escapes text for element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
