package io.romotica.server.chat;

import io.javalin.http.Context;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;

/**
 * The agents' desk around conversations: search, transcripts, visitor details, erasing a contact (right to
 * be forgotten) and canned replies.
 */
public final class ChatDeskRoutes {
    private static final int MAX_SEARCH_HITS = 100;

    private final ChatService chat;
    private final ChatRetention retention;
    private final CannedReplies canned;
    private final ChatRouter router;
    private final AuditLog audit;

    public ChatDeskRoutes(
            ChatService chat, ChatRetention retention, CannedReplies canned, ChatRouter router, AuditLog audit) {
        this.router = router;
        this.chat = chat;
        this.retention = retention;
        this.canned = canned;
        this.audit = audit;
    }

    /** An admin's change of an agent's routing capacity; null returns to the default. */
    public record CapacityRequest(Integer capacity) {}

    public void register(Api api) {
        api.tag("chat")
                .get(
                        "/api/chat/agents",
                        Access.AGENT,
                        "Agents with their routing capacity and open conversations",
                        ChatRouter.AgentLoad[].class,
                        ctx -> Api.json(ctx, router.loads()))
                .put(
                        "/api/chat/agents/{id}/capacity",
                        Access.ADMIN,
                        "Set how many open conversations routing gives an agent (null: the default)",
                        CapacityRequest.class,
                        ChatRouter.AgentLoad.class,
                        this::setCapacity)
                .get(
                        "/api/chat/search",
                        Access.AGENT,
                        "Messages matching every word of ?q= (prefixes too), newest first; ?limit= up to 100",
                        ChatSearch.Hit[].class,
                        this::search)
                .get(
                        "/api/chat/conversations/{id}/transcript",
                        Access.AGENT,
                        "A conversation as a download: ?format=text (default) or html; ?notes=true adds internal"
                                + " notes",
                        String.class,
                        this::transcript)
                .get(
                        "/api/chat/visitors/{id}",
                        Access.AGENT,
                        "A visitor's details",
                        ChatRepository.VisitorDetails.class,
                        ctx -> Api.json(ctx, chat.visitorDetails(ctx.pathParam("id"))))
                .post(
                        "/api/chat/visitors/{id}/erase",
                        Access.ADMIN,
                        "Erase a visitor and everything they left (conversations, messages, files); audited",
                        null,
                        ChatRetention.Erased.class,
                        ctx -> Api.json(
                                ctx,
                                retention.eraseVisitor(Api.principal(ctx), Api.requestInfo(ctx), ctx.pathParam("id"))))
                .get(
                        "/api/chat/canned",
                        Access.AGENT,
                        "Canned replies, by shortcut",
                        CannedReplies.CannedReply[].class,
                        ctx -> Api.json(ctx, canned.list()))
                .post(
                        "/api/chat/canned",
                        Access.ADMIN,
                        "Add a canned reply",
                        CannedReplies.Change.class,
                        CannedReplies.CannedReply.class,
                        ctx -> Api.json(
                                ctx,
                                canned.create(
                                        Api.principal(ctx),
                                        Api.requestInfo(ctx),
                                        Api.body(ctx, CannedReplies.Change.class))))
                .put(
                        "/api/chat/canned/{id}",
                        Access.ADMIN,
                        "Change a canned reply",
                        CannedReplies.Change.class,
                        CannedReplies.CannedReply.class,
                        ctx -> Api.json(
                                ctx,
                                canned.update(
                                        Api.principal(ctx),
                                        Api.requestInfo(ctx),
                                        ctx.pathParam("id"),
                                        Api.body(ctx, CannedReplies.Change.class))))
                .delete("/api/chat/canned/{id}", Access.ADMIN, "Delete a canned reply", ctx -> {
                    canned.delete(Api.principal(ctx), Api.requestInfo(ctx), ctx.pathParam("id"));
                    ctx.status(204);
                });
    }

    private void setCapacity(Context ctx) {
        Integer capacity = Api.body(ctx, CapacityRequest.class).capacity();
        ChatRouter.AgentLoad changed = router.setCapacity(ctx.pathParam("id"), capacity);
        audit.append(AuditEvent.of(
                AuditType.SETTING_CHANGED,
                Api.principal(ctx),
                Api.requestInfo(ctx),
                changed.id(),
                "chat capacity -> " + (capacity == null ? "default" : capacity)));
        chat.routeWaiting(); // more room may take waiting conversations
        Api.json(ctx, changed);
    }

    private void search(Context ctx) {
        int limit = 50;
        String l = ctx.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_SEARCH_HITS) {
                throw AppException.invalid("limit", "limit must be 1 to " + MAX_SEARCH_HITS);
            }
        }
        Api.json(ctx, chat.search(ctx.queryParam("q"), limit));
    }

    private void transcript(Context ctx) {
        String format = ctx.queryParamAsClass("format", String.class).getOrDefault("text");
        if (!format.equals("text") && !format.equals("html")) {
            throw AppException.invalid("format", "format must be text or html");
        }
        boolean html = format.equals("html");
        boolean notes = "true".equals(ctx.queryParam("notes"));
        String id = ctx.pathParam("id");
        String body = chat.transcript(id, html, notes);
        audit.append(AuditEvent.of(
                AuditType.CHAT_TRANSCRIPT_EXPORTED,
                Api.principal(ctx),
                Api.requestInfo(ctx),
                id,
                format + (notes ? " with internal notes" : "")));
        ctx.header(
                "Content-Disposition", "attachment; filename=\"conversation-" + id + (html ? ".html" : ".txt") + "\"");
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        ctx.contentType(html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
        ctx.result(body);
    }
}
