package io.romotica.server.chat;

import io.javalin.http.Context;
import io.romotica.protocol.ServerFrame.AttachmentInfo;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Check;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.realtime.Parties;
import io.romotica.server.realtime.Party;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** HTTP side of the chat: visitor identities, a visitor's own conversations, the agents' inbox. */
public final class ChatRoutes {
    /** Header carrying an upload's file name, percent-encoded UTF-8 (as encodeURIComponent makes it). */
    public static final String FILE_NAME = "X-File-Name";

    private final ChatService chat;
    private final Parties parties;
    private final RateLimiter newVisitors;
    private final RateLimiter uploads;
    private final long maxUploadBytes;
    /** At most this much of an oversized upload is read (and dropped) before answering 413. */
    private static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    /** {@code uploads} limits visitors' uploads per visitor and per source address. */
    public ChatRoutes(
            ChatService chat, Parties parties, RateLimiter newVisitors, RateLimiter uploads, long maxUploadBytes) {
        this.chat = chat;
        this.parties = parties;
        this.newVisitors = newVisitors;
        this.uploads = uploads;
        this.maxUploadBytes = maxUploadBytes;
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

    /** Answer of the availability endpoint. */
    public record Availability(boolean available) {}

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
                        "/api/chat/availability",
                        Access.PUBLIC,
                        "Whether an agent is online to answer now (otherwise messages wait for one)",
                        Availability.class,
                        ctx -> Api.json(ctx, new Availability(chat.agentsAvailable())))
                .get(
                        "/api/chat/visitor/conversations",
                        Access.PUBLIC,
                        "A visitor's own conversations (X-Visitor-Token). A token due for renewal gets a fresh one"
                                + " in X-Visitor-Token-Renewed (as on every visitor request of the chat routes)",
                        Conversation[].class,
                        ctx -> Api.json(ctx, chat.conversationsOf(parties.visitor(ctx))))
                .get(
                        "/api/chat/conversations",
                        Access.AGENT,
                        "Conversations by status (open by default), newest first",
                        Conversation[].class,
                        this::inbox)
                .get(
                        "/api/chat/conversations/{id}",
                        Access.AGENT,
                        "One conversation, with the caller's read pointers",
                        Conversation.class,
                        ctx -> Api.json(
                                ctx, chat.conversation(new Party.Agent(Api.principal(ctx)), ctx.pathParam("id"))))
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
                        "/api/chat/conversations/{id}/attachments",
                        Access.PUBLIC,
                        "Upload an attachment (raw bytes; name in X-File-Name) into a conversation; agents or its"
                                + " visitor (X-Visitor-Token). Send it with chat.send attachmentId",
                        null,
                        AttachmentInfo.class,
                        this::upload)
                .get(
                        "/api/chat/attachments/{id}",
                        Access.PUBLIC,
                        "Download an attachment (?thumbnail=true: its thumbnail); agents or its visitor",
                        String.class,
                        this::download)
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
        limit(newVisitors, ClientAddress.key(Api.requestInfo(ctx).ip()));
        VisitorRequest req = Api.body(ctx, VisitorRequest.class);
        Api.json(ctx, chat.createVisitor(req.name(), req.email(), req.phone()));
    }

    private void upload(Context ctx) throws IOException {
        Party party = parties.party(ctx);
        if (party instanceof Party.Visitor v) {
            limit(uploads, "visitor:" + v.id());
            limit(uploads, "ip:" + ClientAddress.key(Api.requestInfo(ctx).ip()));
        }
        if (ctx.req().getContentLengthLong() > maxUploadBytes) {
            throw tooLarge(ctx);
        }
        String name = ctx.header(FILE_NAME);
        try {
            name = name == null ? null : URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(FILE_NAME, FILE_NAME + " must be percent-encoded UTF-8");
        }
        if (name != null && name.length() > 1000) {
            throw AppException.invalid(FILE_NAME, FILE_NAME + " must be at most 1000 characters");
        }
        AttachmentInfo info;
        try {
            info = chat.upload(
                    party, ctx.pathParam("id"), ctx.req().getInputStream(), name, ctx.header("Content-Type"));
        } catch (AppException e) {
            throw e.code() == ErrorCode.PAYLOAD_TOO_LARGE ? tooLarge(ctx) : e;
        }
        ctx.status(201);
        Api.json(ctx, info);
    }

    private void download(Context ctx) throws IOException {
        boolean thumbnail = "true".equals(ctx.queryParam("thumbnail"));
        ChatService.Download d = chat.download(parties.party(ctx), ctx.pathParam("id"), thumbnail);
        String name = d.info().name();
        String ascii = name.replaceAll("[^\\x20-\\x7E]|[\"\\\\%;]", "_");
        ctx.header(
                "Content-Disposition",
                "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        // Served bytes never run as a page of this origin, whatever a browser makes of them.
        ctx.header("Content-Security-Policy", "default-src 'none'; sandbox");
        ctx.header("Cache-Control", "private, max-age=86400");
        ctx.contentType(d.contentType());
        ctx.result(d.body());
    }

    /**
     * The 413 for an upload over the limit. The rest of the body is read and dropped first (up to a bound),
     * so a client still sending gets this answer instead of a reset connection.
     */
    private AppException tooLarge(Context ctx) {
        long left = DRAIN_LIMIT;
        try {
            var in = ctx.req().getInputStream();
            byte[] sink = new byte[64 * 1024];
            for (int n; left > 0 && (n = in.read(sink)) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client gave up: nothing more to read
        }
        return new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "attachments may be at most " + maxUploadBytes + " bytes");
    }

    private static void limit(RateLimiter limiter, String key) {
        limiter.tryAcquire(key).ifPresent(wait -> {
            throw AppException.rateLimited(wait);
        });
    }

    private void inbox(Context ctx) {
        String status = ctx.queryParam("status");
        Conversation.Status s;
        try {
            s = status == null ? Conversation.Status.OPEN : Conversation.Status.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid("status", "status must be OPEN, PENDING or RESOLVED");
        }
        Api.json(ctx, chat.inbox(new Party.Agent(Api.principal(ctx)), s, 200));
    }
}
