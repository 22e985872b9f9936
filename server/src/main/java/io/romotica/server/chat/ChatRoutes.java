package io.romotica.server.chat;

import io.javalin.http.Context;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Party;

/** HTTP side of the chat: visitor identities, a visitor's own conversations, the agents' inbox. */
public final class ChatRoutes {
    /** Header carrying the visitor token on visitor requests. */
    public static final String VISITOR_TOKEN = "X-Visitor-Token";

    private final ChatService chat;
    private final RateLimiter newVisitors;

    public ChatRoutes(ChatService chat, RateLimiter newVisitors) {
        this.chat = chat;
        this.newVisitors = newVisitors;
    }

    public record VisitorRequest(String name, String email, String phone) {
        public VisitorRequest {
            name = Check.text("name", name, 200);
            email = email == null || email.isBlank() ? null : Check.email("email", email);
            phone = Check.optionalText("phone", phone, 40);
            if (phone != null && !phone.matches("\\+?[0-9 ()-]{4,40}")) {
                throw AppException.invalid("phone", "phone must be digits, spaces, +, -, ( or )");
            }
        }
    }

    public record AssignRequest(String agentId) {
        public AssignRequest {
            agentId = agentId == null || agentId.isBlank() ? null : Check.text("agentId", agentId, 40);
        }
    }

    public record StatusRequest(Conversation.Status status) {
        public StatusRequest {
            Check.required("status", status);
        }
    }

    public void register(Api api) {
        api.tag("chat")
                .post(
                        "/api/chat/visitors",
                        Access.PUBLIC,
                        "Create a visitor identity; returns its token",
                        VisitorRequest.class,
                        ChatService.NewVisitor.class,
                        this::createVisitor)
                .get(
                        "/api/chat/visitor/conversations",
                        Access.PUBLIC,
                        "A visitor's own conversations (X-Visitor-Token)",
                        Conversation[].class,
                        ctx -> Api.json(ctx, chat.conversationsOf(visitor(ctx))))
                .get(
                        "/api/chat/conversations",
                        Access.AGENT,
                        "Conversations by status (open by default), newest first",
                        Conversation[].class,
                        this::inbox)
                .post(
                        "/api/chat/conversations/{id}/assign",
                        Access.AGENT,
                        "Assign a conversation to an agent (agentId null: nobody)",
                        AssignRequest.class,
                        Conversation.class,
                        ctx -> Api.json(
                                ctx,
                                chat.assign(
                                        ctx.pathParam("id"),
                                        Api.body(ctx, AssignRequest.class).agentId())))
                .post(
                        "/api/chat/conversations/{id}/status",
                        Access.AGENT,
                        "Set a conversation's status",
                        StatusRequest.class,
                        Conversation.class,
                        ctx -> Api.json(
                                ctx,
                                chat.setStatus(
                                        ctx.pathParam("id"),
                                        Api.body(ctx, StatusRequest.class).status())));
    }

    private void createVisitor(Context ctx) {
        newVisitors.tryAcquire(ClientAddress.key(Api.requestInfo(ctx).ip())).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
        VisitorRequest req = Api.body(ctx, VisitorRequest.class);
        Api.json(ctx, chat.createVisitor(req.name(), req.email(), req.phone()));
    }

    private Party.Visitor visitor(Context ctx) {
        return chat.visitor(ctx.header(VISITOR_TOKEN))
                .orElseThrow(() -> new AppException(
                        ErrorCode.UNAUTHENTICATED, "a valid " + VISITOR_TOKEN + " header is required"));
    }

    private void inbox(Context ctx) {
        String status = ctx.queryParam("status");
        Conversation.Status s;
        try {
            s = status == null ? Conversation.Status.OPEN : Conversation.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid("status", "status must be OPEN, PENDING or RESOLVED");
        }
        Api.json(ctx, chat.inbox(s, 200));
    }
}
