package io.romotica.server.remote;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import io.romotica.protocol.ClientFrame;
import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.FrameException;
import io.romotica.protocol.RemoteEvent;
import io.romotica.protocol.RemoteFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.protocol.SystemFrame;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ClientAddress;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.realtime.Connection;
import io.romotica.server.realtime.FrameHandler;
import io.romotica.server.realtime.Party;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote family on the wire. Desktop apps (hosts and viewers, no account) use their own WebSocket
 * {@code /ws/remote}: each connection gets {@code remote.hello} with a challenge, may send remote frames and
 * {@code ping}, and an error frame for anything else; the connection stays up. Agents' console connections on
 * {@code /ws} reach the same service as viewers through {@link #handle}. Thread-safe.
 */
public final class RemoteSocket implements FrameHandler<RemoteFrame> {
    private static final Logger log = LoggerFactory.getLogger(RemoteSocket.class);
    /** Path of the device socket. */
    public static final String PATH = "/ws/remote";

    private static final String ADDRESS = "romotica.remote.address";
    private static final String HOST = "romotica.remote.host";
    private static final String CONNECTION = "romotica.remote.connection";

    private final RemoteService service;
    private final FrameCodec codec;
    private final Ids ids;
    private final Clock clock;
    private final Function<Context, String> clientAddress;

    public RemoteSocket(
            RemoteService service, FrameCodec codec, Ids ids, Clock clock, Function<Context, String> clientAddress) {
        this.service = service;
        this.codec = codec;
        this.ids = ids;
        this.clock = clock;
        this.clientAddress = clientAddress;
    }

    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade(PATH, ctx -> {
            ctx.attribute(ADDRESS, ClientAddress.key(clientAddress.apply(ctx)));
            ctx.attribute(HOST, ctx.host());
        });
        routes.ws(PATH, ws -> {
            ws.onConnect(this::opened);
            ws.onMessage(ctx -> received(ctx, ctx.message()));
            ws.onClose(this::closed);
            ws.onError(ctx -> log.debug("remote websocket error on {}", ctx.sessionId(), ctx.error()));
        });
    }

    private void opened(WsContext ws) {
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(ids.bytes(32));
        DeviceConnection c = new DeviceConnection(
                ws,
                RemoteDelivery.DEVICE_PREFIX + ids.newId(),
                ws.attribute(ADDRESS),
                ws.attribute(HOST),
                challenge,
                codec);
        ws.attribute(CONNECTION, c);
        ws.enableAutomaticPings(20, TimeUnit.SECONDS);
        service.delivery().opened(c);
        c.send(new RemoteEvent.Hello(c.id(), challenge, clock.instant()));
    }

    private void received(WsContext ws, String text) {
        if (!(ws.attribute(CONNECTION) instanceof DeviceConnection c)) {
            return;
        }
        ClientFrame frame = null;
        try {
            frame = codec.decode(text);
            switch (frame) {
                case SystemFrame.Ping ping -> c.send(new ServerFrame.Pong(ping.ref(), clock.instant()));
                case RemoteFrame remote -> handle(c, remote);
                default -> throw new AppException(ErrorCode.FORBIDDEN, "only remote frames and ping on " + PATH);
            }
        } catch (FrameException e) {
            c.send(new ServerFrame.Error(e.code(), e.getMessage(), e.ref()));
        } catch (AppException e) {
            c.send(new ServerFrame.Error(e.code().name(), e.getMessage(), refOf(frame)));
        } catch (RuntimeException e) {
            log.error("remote frame handling failed on {}", c.id(), e);
            c.send(new ServerFrame.Error(ErrorCode.INTERNAL.name(), "internal error", refOf(frame)));
        }
    }

    private void closed(WsContext ws) {
        if (ws.attribute(CONNECTION) instanceof DeviceConnection c
                && service.delivery().closed(c)) {
            service.disconnected(c.id());
        }
    }

    /** Says {@code bye} to every device connection on this node (shutdown). */
    public void closeAll() {
        service.delivery().closeAll();
    }

    /** A remote frame from an agent's console connection: agents may be viewers, never hosts. */
    @Override
    public void handle(Connection from, RemoteFrame frame) {
        if (!(from.party() instanceof Party.Agent agent)) {
            throw new AppException(ErrorCode.FORBIDDEN, "remote sessions are for agents and desktop apps");
        }
        handle(new ConsoleEndpoint(from, agent), frame);
    }

    private void handle(Endpoint from, RemoteFrame frame) {
        switch (frame) {
            case RemoteFrame.RegisterHost register -> {
                if (!(from instanceof DeviceConnection device)) {
                    throw new AppException(ErrorCode.FORBIDDEN, "hosts register on " + PATH);
                }
                from.send(service.register(device, register));
            }
            case RemoteFrame.Heartbeat heartbeat -> service.heartbeat(from, heartbeat);
            case RemoteFrame.Connect connect -> {
                if (service.connect(from, connect) instanceof RemoteService.ConnectResult.Refused refused) {
                    from.send(new RemoteEvent.Refused(
                            connect.hostId(),
                            refused.code().name(),
                            refused.retryAfter() == null
                                    ? null
                                    : Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000)));
                }
            }
            case RemoteFrame.Consent consent -> service.consent(from, consent);
            case RemoteFrame.Relay relay -> service.relay(from, relay);
            case RemoteFrame.Result result -> service.result(from, result);
            case RemoteFrame.End end -> service.end(from, end);
        }
    }

    /** What an error frame echoes so the client can match it to its request. */
    static String refOf(ClientFrame frame) {
        return switch (frame) {
            case RemoteFrame.Connect c -> c.hostId();
            case RemoteFrame.Heartbeat h -> h.hostId();
            case RemoteFrame.Consent c -> c.sessionId();
            case RemoteFrame.Relay r -> r.sessionId();
            case RemoteFrame.Result r -> r.sessionId();
            case RemoteFrame.End e -> e.sessionId();
            case SystemFrame.Ping p -> p.ref();
            case null, default -> null;
        };
    }

    /** An agent's {@code /ws} connection as a viewer endpoint. */
    private record ConsoleEndpoint(Connection connection, Party.Agent agent) implements Endpoint {
        @Override
        public String id() {
            return connection.id();
        }

        @Override
        public String address() {
            return connection.address();
        }

        @Override
        public String agentId() {
            return agent.id();
        }

        @Override
        public String agentName() {
            return agent.name();
        }

        @Override
        public String requestHost() {
            return null;
        }

        @Override
        public boolean device() {
            return false;
        }

        @Override
        public void send(ServerFrame frame) {
            connection.send(frame);
        }
    }
}
