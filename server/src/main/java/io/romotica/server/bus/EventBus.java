package io.romotica.server.bus;

import java.util.function.Consumer;

/**
 * Delivers events to every node of the cluster, this one included. A single node uses {@link LocalEventBus};
 * a cluster uses {@link RedisEventBus}. Delivery is at most once and unordered across topics: durable state
 * lives in the database, the bus only tells nodes that something happened. Handlers run on a bus thread and
 * must not block for long. Thread-safe.
 */
public interface EventBus extends AutoCloseable {

    /** Sends {@code payload} (text: an id, or an encoded frame) to every subscriber of {@code topic} on every node. */
    void publish(String topic, String payload);

    /** Calls {@code handler} for every event on {@code topic}; close the returned handle to stop. */
    AutoCloseable subscribe(String topic, Consumer<String> handler);

    /** True when the bus can deliver (always for the local bus). */
    boolean healthy();

    @Override
    void close();
}
