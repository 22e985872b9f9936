package io.romotica.server.realtime;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.common.Access;
import io.romotica.server.common.Api;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Origins;
import io.romotica.server.common.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The fallback transport for networks that block WebSockets: a server-sent event stream downstream
 * ({@code GET /api/rt/events}) and frames posted over HTTP upstream
 * ({@code POST /api/rt/connections/{id}/frames}), with the guarantees of {@code /ws}: the same
 * {@link FrameDispatcher} and handlers, the same fan-out, presence and revocation through
 * {@link Connections}, the same credentials (agents: session cookie, plus {@code X-CSRF-Token} and a
 * same-site {@code Origin} on posts, checked by the web layer's guard; visitors: their token in
 * {@code X-Visitor-Token}, or for the stream itself a one-time ticket, see {@link StreamTokens}).
 *
 * <p>The one rule for answers: whatever a posted frame causes for its sender ({@code chat.ack},
 * {@code chat.history}, {@code pong}, {@code error}) comes back in the POST's answer, a JSON array of
 * frames in order; the stream carries {@code hello}, heartbeats, what others cause (broadcasts, presence)
 * and {@code bye}. So a post may reach any node of a cluster. Thread-safe.
 */
public final class EventStreamRoutes {
    static final String EVENTS = "/api/rt/events";
    static final String FRAMES = "/api/rt/connections/{id}/frames";
    static final String TICKETS = "/api/rt/tickets";
    /** The visitor token header, as on the chat routes. */
    static final String VISITOR_TOKEN = "X-Visitor-Token";
    /** Most frames one post may carry. */
    static final int MAX_FRAMES_PER_POST = 20;

    private static final String PARTY = "romotica.sse.party";

    private final Function<String, Party.Visitor> visitors;
    private final Connections connections;
    private final FrameDispatcher dispatcher;
    private final StreamTokens tokens;
    private final FrameCodec codec;
    private final Clock clock;
    private final String publicUrl;
    private final SseHandler streams = new SseHandler(this::streamOpened);

    /** A one-time ticket that opens the event stream ({@code ?ticket=}) until {@code expiresAt}. */
    public record TicketResponse(String ticket, Instant expiresAt) {}

    /**
     * @param visitors the visitor behind a token; throws {@code AppException} (UNAUTHENTICATED,
     *     VISITOR_TOKEN_EXPIRED) when it lets nobody in
     * @param tokens tickets (shared with {@link RealtimeSocket}) and connection ids
     */
    public EventStreamRoutes(
            Function<String, Party.Visitor> visitors,
            Connections connections,
            FrameDispatcher dispatcher,
            StreamTokens tokens,
            FrameCodec codec,
            Clock clock,
            String publicUrl) {
        this.visitors = visitors;
        this.connections = connections;
        this.dispatcher = dispatcher;
        this.tokens = tokens;
        this.codec = codec;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    public void register(Api api) {
        api.tag("realtime")
                .post(
                        TICKETS,
                        Access.PUBLIC,
                        "Visitors (X-Visitor-Token): a one-time ticket, valid 30 s, that opens the event stream"
                                + " or the WebSocket (?ticket=), so the token itself never goes into an address",
                        null,
                        TicketResponse.class,
                        ctx -> Api.json(ctx, ticket(ctx)))
                .events(
                        EVENTS,
                        Access.PUBLIC,
                        "Realtime fallback, downstream: server frames as server-sent events (hello first, "
                                + "heartbeat events every 20 s, bye last). Agents: session cookie; visitors: "
                                + "?ticket= from POST /api/rt/tickets. Needs Accept: text/event-stream",
                        this::events)
                .post(
                        FRAMES,
                        Access.PUBLIC,
                        "Realtime fallback, upstream: one client frame, or a JSON array of at most 20, for the "
                                + "stream whose hello carried {id}. Answers the frames they caused for the sender "
                                + "(acks, history, pong, errors) as a JSON array. Agents: session cookie and "
                                + "X-CSRF-Token; visitors: X-Visitor-Token",
                        Object.class,
                        Object[].class,
                        this::frames)
                .passive();
    }

    private TicketResponse ticket(Context ctx) {
        Party.Visitor visitor = visitor(ctx.header(VISITOR_TOKEN));
        String ticket = tokens.ticket(visitor);
        return new TicketResponse(ticket, clock.instant().plus(StreamTokens.TICKET_LIFETIME));
    }

    private void events(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !Origins.isSameOrigin(origin, ctx.host(), publicUrl)) {
            throw new AppException(ErrorCode.CSRF_REJECTED, "cross-origin event stream refused");
        }
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            throw AppException.invalid(null, "this is an event stream: send Accept: text/event-stream");
        }
        String ticket = ctx.queryParam("ticket");
        Party party;
        if (ticket != null) {
            party = tokens.redeem(ticket)
                    .orElseThrow(() -> new AppException(
                            ErrorCode.UNAUTHENTICATED, "the ticket is not valid, has expired or was used"));
        } else if (ctx.header(VISITOR_TOKEN) != null) {
            party = visitor(ctx.header(VISITOR_TOKEN));
        } else {
            party = agent(ctx);
        }
        ctx.attribute(PARTY, party);
        streams.handle(ctx);
    }

    /** Runs once the response is an open event stream; the stream lives until {@link SseClient#close}. */
    private void streamOpened(SseClient client) {
        Party party = client.ctx().attribute(PARTY);
        client.keepAlive();
        SseConnection c = new SseConnection(
                tokens.connectionId(party),
                party,
                ClientAddress.key(Api.requestInfo(client.ctx()).ip()),
                client,
                codec,
                clock);
        client.onClose(() -> connections.closed(c));
        c.send(new ServerFrame.Hello(c.id(), party.id(), party.name(), clock.instant()));
        connections.opened(c);
        c.start();
    }

    private void frames(Context ctx) {
        String header = ctx.header(VISITOR_TOKEN);
        Party party = header != null ? visitor(header) : agent(ctx);
        String streamId = ctx.pathParam("id");
        if (!tokens.owns(party, streamId)) {
            throw AppException.notFound("connection");
        }
        List<String> frames = codec.splitBatch(ctx.body());
        if (frames.size() > MAX_FRAMES_PER_POST) {
            throw AppException.invalid(null, "at most " + MAX_FRAMES_PER_POST + " frames per post");
        }
        PostedFrames answers = new PostedFrames(
                streamId, party, ClientAddress.key(Api.requestInfo(ctx).ip()), codec, connections);
        for (String frame : frames) {
            dispatcher.dispatch(streamId, answers, frame);
        }
        ctx.contentType("application/json").result(answers.json());
    }

    private Party.Visitor visitor(String token) {
        return visitors.apply(token);
    }

    /** The signed-in agent of this request (the guard resolved the cookie); only full sessions qualify. */
    private static Party.Agent agent(Context ctx) {
        Principal p = Api.principal(ctx);
        if (p.stage() != Principal.Stage.FULL) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in first");
        }
        return new Party.Agent(p);
    }
}
