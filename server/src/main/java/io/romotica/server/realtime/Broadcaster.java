package io.romotica.server.realtime;

import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.bus.EventBus;

/**
 * Publishes frames to sockets on every node through the bus: to all agents, or to all agents plus one
 * visitor (the conversation's). {@link RealtimeSocket} delivers them on each node. Thread-safe.
 */
public final class Broadcaster {
    static final String AGENTS_TOPIC = "agents";
    static final String AUDIENCE_TOPIC = "audience";
    static final String CONNECTION_TOPIC = "connection";

    private final EventBus bus;
    private final FrameCodec codec;

    public Broadcaster(EventBus bus, FrameCodec codec) {
        this.bus = bus;
        this.codec = codec;
    }

    public void toAgents(ServerFrame frame) {
        bus.publish(AGENTS_TOPIC, codec.encode(frame));
    }

    /** To every agent and to the sockets of visitor {@code visitorId}. */
    public void toAgentsAndVisitor(String visitorId, ServerFrame frame) {
        bus.publish(AUDIENCE_TOPIC, visitorId + "\n" + codec.encode(frame));
    }

    /** To one connection, whichever node holds it (dropped if it is gone). */
    public void toConnection(String connectionId, ServerFrame frame) {
        bus.publish(CONNECTION_TOPIC, connectionId + "\n" + codec.encode(frame));
    }
}
