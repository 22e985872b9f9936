package io.romotica.server.realtime;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ClientFrame;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.FrameException;
import io.romotica.protocol.ServerFrame;
import io.romotica.protocol.SystemFrame;
import io.romotica.server.auth.AuthService;
import io.romotica.server.auth.SessionCookie;
import io.romotica.server.auth.SessionState;
import io.romotica.server.bus.EventBus;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Origins;
import io.romotica.server.common.Principal;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WebSocket ({@code /ws}). The upgrade needs a same-origin {@code Origin} and either a full agent
 * session (cookie) or a visitor token ({@code ?visitor=}). Frames are decoded once here into the sealed
 * {@link ClientFrame} families and dispatched exhaustively; a bad or refused frame gets an {@code error}
 * frame and the connection stays up. Frames published through {@link Broadcaster} on any node reach the
 * matching sockets of this node. Thread-safe.
 */
public final class RealtimeSocket {
    private static final Logger log = LoggerFactory.getLogger(RealtimeSocket.class);
    private static final String PARTY = "romotica.ws.party";

    private final AuthService auth;
    private final Function<String, Optional<Party.Visitor>> visitors;
    private final FrameHandler<ChatFrame> chat;
    private final Broadcaster broadcaster;
    private final FrameCodec codec;
    private final Clock clock;
    private final String publicUrl;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> agentsOnline = new ConcurrentHashMap<>();

    /**
     * @param visitors checks a visitor token; empty when it is not valid
     * @param chat handles the chat frame family
     */
    public RealtimeSocket(
            AuthService auth,
            Function<String, Optional<Party.Visitor>> visitors,
            FrameHandler<ChatFrame> chat,
            EventBus bus,
            Broadcaster broadcaster,
            FrameCodec codec,
            Clock clock,
            String publicUrl,
            MeterRegistry meters) {
        this.auth = auth;
        this.visitors = visitors;
        this.chat = chat;
        this.broadcaster = broadcaster;
        this.codec = codec;
        this.clock = clock;
        this.publicUrl = publicUrl;
        Gauge.builder("romotica.websocket.connections", connections, Map::size)
                .description("Open WebSocket connections on this node")
                .register(meters);
        bus.subscribe(Broadcaster.AGENTS_TOPIC, this::toAllAgents);
        bus.subscribe(Broadcaster.AUDIENCE_TOPIC, this::toAudience);
        bus.subscribe(AuthService.SESSION_REVOKED_TOPIC, this::closeSession);
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
        String origin = ctx.header("Origin");
        if (origin != null && !Origins.isSameOrigin(origin, ctx.host(), publicUrl)) {
            throw new AppException(ErrorCode.CSRF_REJECTED, "cross-origin WebSocket refused");
        }
        String visitorToken = ctx.queryParam("visitor");
        if (visitorToken != null) {
            Party.Visitor visitor = visitors.apply(visitorToken)
                    .orElseThrow(() -> new AppException(ErrorCode.UNAUTHENTICATED, "visitor token is not valid"));
            ctx.attribute(PARTY, visitor);
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
        Connection c = new Connection(ws, party, codec);
        connections.put(ws.sessionId(), c);
        ws.enableAutomaticPings(20, TimeUnit.SECONDS);
        c.send(new ServerFrame.Hello(ws.sessionId(), party.id(), party.name(), clock.instant()));
        if (party instanceof Party.Agent
                && agentsOnline
                                .computeIfAbsent(party.id(), k -> new AtomicInteger())
                                .incrementAndGet()
                        == 1) {
            broadcaster.toAgents(new ServerFrame.Presence(party.id(), party.name(), "online"));
        }
    }

    private void received(WsContext ws, String text) {
        Connection c = connections.get(ws.sessionId());
        if (c == null) {
            return;
        }
        ClientFrame frame = null;
        try {
            frame = codec.decode(text);
            switch (frame) {
                case SystemFrame system -> handleSystem(c, system);
                case ChatFrame chatFrame -> chat.handle(c, chatFrame);
            }
        } catch (FrameException e) {
            c.send(new ServerFrame.Error(e.code(), e.getMessage(), e.ref()));
        } catch (AppException e) {
            c.send(new ServerFrame.Error(e.code().name(), e.getMessage(), refOf(frame)));
        } catch (RuntimeException e) {
            log.error("frame handling failed on {}", ws.sessionId(), e);
            c.send(new ServerFrame.Error(ErrorCode.INTERNAL.name(), "internal error", refOf(frame)));
        }
    }

    /** What an error frame echoes so the client can match it to its request. */
    private static String refOf(ClientFrame frame) {
        return switch (frame) {
            case null -> null;
            case SystemFrame.Ping p -> p.ref();
            case ChatFrame.Start s -> s.clientId();
            case ChatFrame.Send s -> s.clientId();
            case ChatFrame.Sync s -> s.conversationId();
            case ChatFrame.Typing t -> t.conversationId();
            case ChatFrame.Read r -> r.conversationId();
        };
    }

    private void handleSystem(Connection c, SystemFrame frame) {
        switch (frame) {
            case SystemFrame.Ping ping -> c.send(new ServerFrame.Pong(ping.ref(), clock.instant()));
        }
    }

    private void closed(WsContext ws) {
        Connection c = connections.remove(ws.sessionId());
        if (c == null || !(c.party() instanceof Party.Agent agent)) {
            return;
        }
        AtomicInteger n = agentsOnline.get(agent.id());
        if (n != null && n.decrementAndGet() == 0) {
            agentsOnline.remove(agent.id(), n);
            broadcaster.toAgents(new ServerFrame.Presence(agent.id(), agent.name(), "offline"));
        }
    }

    private void toAllAgents(String encodedFrame) {
        connections.values().stream()
                .filter(c -> c.party() instanceof Party.Agent)
                .forEach(c -> c.sendEncoded(encodedFrame));
    }

    /** Payload: visitor id, newline, encoded frame; goes to all agents and that visitor's sockets. */
    private void toAudience(String payload) {
        int nl = payload.indexOf('\n');
        String visitorId = payload.substring(0, nl);
        String frame = payload.substring(nl + 1);
        connections.values().stream()
                .filter(c -> c.party() instanceof Party.Agent
                        || c.party() instanceof Party.Visitor v && v.id().equals(visitorId))
                .forEach(c -> c.sendEncoded(frame));
    }

    private void closeSession(String sessionId) {
        String bye = codec.encode(new ServerFrame.Bye("SESSION_REVOKED"));
        connections.values().stream()
                .filter(c -> c.party() instanceof Party.Agent a
                        && a.principal().sessionId().equals(sessionId))
                .forEach(c -> {
                    c.sendEncoded(bye);
                    c.ws().closeSession(4401, "session revoked");
                });
    }

    /** Tells every client this node is going away (shutdown) and closes the sockets. */
    public void closeAll() {
        String bye = codec.encode(new ServerFrame.Bye("SHUTDOWN"));
        connections.values().forEach(c -> {
            c.sendEncoded(bye);
            c.ws().closeSession(1001, "server shutting down");
        });
    }
}
