package io.romotica.server.realtime;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WebSocket ({@code /ws}). The upgrade needs a full session and a same-origin {@code Origin}. Frames
 * are decoded once here into the sealed {@link ClientFrame} families and dispatched; a bad frame gets an
 * {@code error} frame and the connection stays up. Events for agents arrive over the {@link EventBus}, so
 * a client on any node receives what any node published. Sends to one connection are serialised. Thread-safe.
 */
public final class RealtimeSocket {
    /** Bus topic whose payloads (encoded {@link ServerFrame}s) go to every connected agent. */
    public static final String AGENTS_TOPIC = "agents";

    private static final Logger log = LoggerFactory.getLogger(RealtimeSocket.class);
    private static final String PRINCIPAL = "romotica.ws.principal";

    private record Connection(WsContext ws, Principal principal) {
        void send(String text) {
            synchronized (this) {
                if (ws.session.isOpen()) {
                    ws.send(text);
                }
            }
        }
    }

    private final AuthService auth;
    private final EventBus bus;
    private final FrameCodec codec;
    private final Clock clock;
    private final String publicUrl;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();

    public RealtimeSocket(
            AuthService auth, EventBus bus, FrameCodec codec, Clock clock, String publicUrl, MeterRegistry meters) {
        this.auth = auth;
        this.bus = bus;
        this.codec = codec;
        this.clock = clock;
        this.publicUrl = publicUrl;
        Gauge.builder("romotica.websocket.connections", connections, Map::size)
                .description("Open WebSocket connections on this node")
                .register(meters);
        bus.subscribe(AGENTS_TOPIC, this::toAllAgents);
        bus.subscribe(AuthService.SESSION_REVOKED_TOPIC, this::closeSession);
    }

    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade("/ws", this::authorizeUpgrade);
        routes.ws("/ws", ws -> {
            ws.onConnect(ctx -> opened(ctx));
            ws.onMessage(ctx -> received(ctx, ctx.message()));
            ws.onClose(ctx -> closed(ctx));
            ws.onError(ctx -> log.debug("websocket error on {}", ctx.sessionId(), ctx.error()));
        });
    }

    /** Publishes a frame to every connected agent on every node. */
    public void publishToAgents(ServerFrame frame) {
        bus.publish(AGENTS_TOPIC, codec.encode(frame));
    }

    private void authorizeUpgrade(Context ctx) {
        if (!Origins.isSameOrigin(ctx.header("Origin"), ctx.host(), publicUrl) && ctx.header("Origin") != null) {
            throw new AppException(ErrorCode.CSRF_REJECTED, "cross-origin WebSocket refused");
        }
        SessionState state = auth.resolve(SessionCookie.read(ctx), true);
        if (!(state instanceof SessionState.Active active) || active.principal().stage() != Principal.Stage.FULL) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "sign in first");
        }
        ctx.attribute(PRINCIPAL, active.principal());
    }

    private void opened(WsContext ws) {
        Principal p = ws.attribute(PRINCIPAL);
        Connection c = new Connection(ws, p);
        connections.put(ws.sessionId(), c);
        ws.enableAutomaticPings(20, TimeUnit.SECONDS);
        c.send(codec.encode(new ServerFrame.Hello(ws.sessionId(), p.userId(), p.name(), clock.instant())));
        if (perUser.computeIfAbsent(p.userId(), k -> new AtomicInteger()).incrementAndGet() == 1) {
            publishToAgents(new ServerFrame.Presence(p.userId(), p.name(), "online"));
        }
    }

    private void received(WsContext ws, String text) {
        Connection c = connections.get(ws.sessionId());
        if (c == null) {
            return;
        }
        ClientFrame frame;
        try {
            frame = codec.decode(text);
        } catch (FrameException e) {
            c.send(codec.encode(new ServerFrame.Error(e.code(), e.getMessage(), e.ref())));
            return;
        }
        switch (frame) {
            case SystemFrame system -> handleSystem(c, system);
        }
    }

    private void handleSystem(Connection c, SystemFrame frame) {
        switch (frame) {
            case SystemFrame.Ping ping -> c.send(codec.encode(new ServerFrame.Pong(ping.ref(), clock.instant())));
        }
    }

    private void closed(WsContext ws) {
        Connection c = connections.remove(ws.sessionId());
        if (c == null) {
            return;
        }
        AtomicInteger n = perUser.get(c.principal().userId());
        if (n != null && n.decrementAndGet() == 0) {
            perUser.remove(c.principal().userId(), n);
            publishToAgents(new ServerFrame.Presence(
                    c.principal().userId(), c.principal().name(), "offline"));
        }
    }

    private void toAllAgents(String encodedFrame) {
        connections.values().forEach(c -> c.send(encodedFrame));
    }

    private void closeSession(String sessionId) {
        String bye = codec.encode(new ServerFrame.Bye("SESSION_REVOKED"));
        connections.values().stream()
                .filter(c -> c.principal().sessionId().equals(sessionId))
                .forEach(c -> {
                    c.send(bye);
                    c.ws().closeSession(4401, "session revoked");
                });
    }

    /** Tells every client this node is going away (shutdown) and closes the sockets. */
    public void closeAll() {
        String bye = codec.encode(new ServerFrame.Bye("SHUTDOWN"));
        connections.values().forEach(c -> {
            c.send(bye);
            c.ws().closeSession(1001, "server shutting down");
        });
    }

    public int connectionCount() {
        return connections.size();
    }
}
