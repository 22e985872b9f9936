package io.romotica.server.realtime;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.auth.AuthService;
import io.romotica.server.auth.SessionCookie;
import io.romotica.server.auth.SessionState;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Origins;
import io.romotica.server.common.Principal;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WebSocket ({@code /ws}). The upgrade needs a same-origin {@code Origin} and either a full agent
 * session (cookie) or a visitor: browsers bring a one-time ticket ({@code ?ticket=} from {@code POST
 * /api/rt/tickets}), other clients may send the token in {@code X-Visitor-Token}. The long-lived token is
 * never accepted in the address, where proxies would log it. Frames go through {@link FrameDispatcher}; the
 * connection joins {@link Connections} (fan-out, presence, revocation) like an SSE stream of the fallback
 * transport ({@link EventStreamRoutes}). Thread-safe.
 */
public final class RealtimeSocket {
    private static final Logger log = LoggerFactory.getLogger(RealtimeSocket.class);
    private static final String PARTY = "romotica.ws.party";
    private static final String ADDRESS = "romotica.ws.address";
    private static final String CONNECTION = "romotica.ws.connection";

    private final AuthService auth;
    private final Function<String, Party.Visitor> visitors;
    private final StreamTokens tickets;
    private final Connections connections;
    private final FrameDispatcher dispatcher;
    private final FrameCodec codec;
    private final Clock clock;
    private final String publicUrl;
    private final Function<Context, String> clientAddress;

    /**
     * @param visitors the visitor behind a token; throws {@code AppException} (UNAUTHENTICATED,
     *     VISITOR_TOKEN_EXPIRED) when it lets nobody in
     * @param tickets redeems the one-time tickets browsers bring instead of the token
     */
    public RealtimeSocket(
            AuthService auth,
            Function<String, Party.Visitor> visitors,
            StreamTokens tickets,
            Connections connections,
            FrameDispatcher dispatcher,
            FrameCodec codec,
            Clock clock,
            String publicUrl,
            Function<Context, String> clientAddress) {
        this.clientAddress = clientAddress;
        this.auth = auth;
        this.visitors = visitors;
        this.tickets = tickets;
        this.connections = connections;
        this.dispatcher = dispatcher;
        this.codec = codec;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade("/ws", this::authorizeUpgrade);
        routes.ws("/ws", ws -> {
            ws.onConnect(this::opened);
            ws.onMessage(ctx -> received(ctx, ctx.message()));
            ws.onClose(this::closed);
            ws.onError(ctx -> log.debug("websocket error on {}", ctx.sessionId(), ctx.error()));
        });
    }

    private void authorizeUpgrade(Context ctx) {
        ctx.attribute(ADDRESS, ClientAddress.key(clientAddress.apply(ctx)));
        String origin = ctx.header("Origin");
        if (origin != null && !Origins.isSameOrigin(origin, ctx.host(), publicUrl)) {
            throw new AppException(ErrorCode.CSRF_REJECTED, "cross-origin WebSocket refused");
        }
        String ticket = ctx.queryParam("ticket");
        if (ticket != null) {
            ctx.attribute(
                    PARTY,
                    tickets.redeem(ticket)
                            .orElseThrow(() -> new AppException(
                                    ErrorCode.UNAUTHENTICATED, "the ticket is not valid, has expired or was used")));
            return;
        }
        String visitorToken = ctx.header(EventStreamRoutes.VISITOR_TOKEN);
        if (visitorToken != null) {
            ctx.attribute(PARTY, visitors.apply(visitorToken));
            return;
        }
        SessionState state = auth.resolve(SessionCookie.read(ctx), true);
        if (!(state instanceof SessionState.Active active) || active.principal().stage() != Principal.Stage.FULL) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in first");
        }
        ctx.attribute(PARTY, new Party.Agent(active.principal()));
    }

    private void opened(WsContext ws) {
        Party party = ws.attribute(PARTY);
        WsConnection c = new WsConnection(ws, party, ws.attribute(ADDRESS), codec);
        // Known to this socket before hello goes out: a frame sent right after hello finds its connection.
        ws.attribute(CONNECTION, c);
        ws.enableAutomaticPings(20, TimeUnit.SECONDS);
        c.send(new ServerFrame.Hello(c.id(), party.id(), party.name(), clock.instant()));
        connections.opened(c);
    }

    private void received(WsContext ws, String text) {
        if (ws.attribute(CONNECTION) instanceof WsConnection c) {
            dispatcher.dispatch(c.id(), c, text);
        }
    }

    private void closed(WsContext ws) {
        if (ws.attribute(CONNECTION) instanceof WsConnection c) {
            connections.closed(c);
        }
    }
}
