package io.romotica.server.remote;

import io.romotica.protocol.FrameCodec;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.bus.EventBus;
import io.romotica.server.realtime.Broadcaster;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a frame to one remote-session endpoint, whichever node holds it: device connections through the bus
 * topic {@value #TOPIC} (each node delivers to its own devices), console connections through {@link
 * Broadcaster#toConnection}. Device connection ids start with {@value #DEVICE_PREFIX}. Thread-safe.
 */
final class RemoteDelivery {
    static final String TOPIC = "remote.device";
    static final String DEVICE_PREFIX = "rd-";

    private final EventBus bus;
    private final Broadcaster broadcaster;
    private final FrameCodec codec;
    private final Map<String, DeviceConnection> local = new ConcurrentHashMap<>();

    RemoteDelivery(EventBus bus, Broadcaster broadcaster, FrameCodec codec) {
        this.bus = bus;
        this.broadcaster = broadcaster;
        this.codec = codec;
        bus.subscribe(TOPIC, this::deliver);
    }

    void send(String connectionId, ServerFrame frame) {
        if (connectionId.startsWith(DEVICE_PREFIX)) {
            bus.publish(TOPIC, connectionId + "\n" + codec.encode(frame));
        } else {
            broadcaster.toConnection(connectionId, frame);
        }
    }

    void opened(DeviceConnection c) {
        local.put(c.id(), c);
    }

    boolean closed(DeviceConnection c) {
        return local.remove(c.id(), c);
    }

    /** Says {@code bye} to every device on this node (shutdown). */
    void closeAll() {
        local.values().forEach(c -> c.close("SHUTDOWN"));
    }

    private void deliver(String payload) {
        int nl = payload.indexOf('\n');
        DeviceConnection c = local.get(payload.substring(0, nl));
        if (c != null) {
            c.sendEncoded(payload.substring(nl + 1));
        }
    }
}
