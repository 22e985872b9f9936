package io.romotica.server.realtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.auth.AuthService;
import io.romotica.server.bus.EventBus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The realtime connections open on this node, over both transports (WebSocket and SSE fallback): delivers
 * the frames {@link Broadcaster} publishes on the bus to the matching ones, reports them to {@link Presence}
 * (which tells this node's connections who is here), closes a revoked session's connections and says
 * {@code bye} to everyone at shutdown. Thread-safe.
 */
public final class Connections {
    private final Presence presence;
    private final Map<String, LiveConnection> open = new ConcurrentHashMap<>();
    /** The agents' connections, and each visitor's, so a fan-out touches only its receivers. */
    private final Set<LiveConnection> agents = ConcurrentHashMap.newKeySet();

    private final Map<String, Set<LiveConnection>> byVisitor = new ConcurrentHashMap<>();
    private final List<Consumer<Connection>> closeListeners = new CopyOnWriteArrayList<>();

    public Connections(EventBus bus, Presence presence, MeterRegistry meters) {
        this.presence = presence;
        presence.deliverTo(
                frame -> toLocal(frame, agents),
                frame -> toLocal(
                        frame,
                        () -> byVisitor.values().stream().flatMap(Set::stream).iterator()));
        Gauge.builder("romotica.websocket.connections", () -> count("websocket"))
                .description("Open WebSocket connections on this node")
                .register(meters);
        Gauge.builder("romotica.sse.connections", () -> count("sse"))
                .description("Open server-sent event streams (the fallback transport) on this node")
                .register(meters);
        bus.subscribe(Broadcaster.AGENTS_TOPIC, this::toAllAgents);
        bus.subscribe(Broadcaster.AUDIENCE_TOPIC, this::toAudience);
        bus.subscribe(Broadcaster.CONNECTION_TOPIC, this::toConnection);
        bus.subscribe(AuthService.SESSION_REVOKED_TOPIC, this::closeSession);
    }

    private long count(String transport) {
        return open.values().stream()
                .filter(c -> c.transport().equals(transport))
                .count();
    }

    /** A connection has said {@code hello}: from now on it gets fan-out frames. */
    void opened(LiveConnection c) {
        open.put(c.id(), c);
        switch (c.party()) {
            case Party.Agent a -> agents.add(c);
            case Party.Visitor v ->
                byVisitor.compute(v.id(), (k, set) -> {
                    Set<LiveConnection> mine = set == null ? ConcurrentHashMap.newKeySet() : set;
                    mine.add(c);
                    return mine;
                });
        }
        presence.greet(c);
        presence.connected(c.id(), c.party());
    }

    /** A connection is gone (either side closed it); calling this twice is harmless. */
    void closed(LiveConnection c) {
        if (open.remove(c.id(), c)) {
            switch (c.party()) {
                case Party.Agent a -> agents.remove(c);
                case Party.Visitor v ->
                    byVisitor.computeIfPresent(v.id(), (k, set) -> {
                        set.remove(c);
                        return set.isEmpty() ? null : set;
                    });
            }
            presence.disconnected(c.id(), c.party());
            closeListeners.forEach(l -> l.accept(c));
        }
    }

    /** Runs {@code listener} (on the closing thread) for every connection of this node that goes away. */
    public void onClosed(Consumer<Connection> listener) {
        closeListeners.add(listener);
    }

    /** Payload: connection id, newline, encoded frame. */
    private void toConnection(String payload) {
        int nl = payload.indexOf('\n');
        LiveConnection c = open.get(payload.substring(0, nl));
        if (c != null) {
            c.sendEncoded(payload.substring(nl + 1));
        }
    }

    private static void toLocal(ServerFrame frame, Iterable<LiveConnection> to) {
        String encoded = null;
        for (LiveConnection c : to) {
            if (encoded == null) {
                encoded = c.codec.encode(frame);
            }
            c.sendEncoded(encoded);
        }
    }

    /** The open connection with this id on this node, or null. */
    LiveConnection get(String id) {
        return open.get(id);
    }

    private void toAllAgents(String encodedFrame) {
        agents.forEach(c -> c.sendEncoded(encodedFrame));
    }

    /** Payload: visitor id, newline, encoded frame; goes to all agents and that visitor's connections. */
    private void toAudience(String payload) {
        int nl = payload.indexOf('\n');
        String visitorId = payload.substring(0, nl);
        String frame = payload.substring(nl + 1);
        agents.forEach(c -> c.sendEncoded(frame));
        Set<LiveConnection> visitor = byVisitor.get(visitorId);
        if (visitor != null) {
            visitor.forEach(c -> c.sendEncoded(frame));
        }
    }

    private void closeSession(String sessionId) {
        open.values().stream()
                .filter(c -> c.party() instanceof Party.Agent a
                        && a.principal().sessionId().equals(sessionId))
                .forEach(c -> c.close(LiveConnection.SESSION_REVOKED));
    }

    /** Tells every client on this node that it is going away (shutdown) and closes every connection. */
    public void closeAll() {
        open.values().forEach(c -> c.close(LiveConnection.SHUTDOWN));
    }
}
