package io.romotica.server.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The local handlers of each topic, shared by both bus implementations. Thread-safe. */
final class Subscribers {
    private static final Logger log = LoggerFactory.getLogger(Subscribers.class);
    private final Map<String, List<Consumer<String>>> byTopic = new ConcurrentHashMap<>();

    AutoCloseable add(String topic, Consumer<String> handler) {
        List<Consumer<String>> list = byTopic.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        list.add(handler);
        return () -> list.remove(handler);
    }

    void deliver(String topic, String payload) {
        for (Consumer<String> handler : byTopic.getOrDefault(topic, List.of())) {
            try {
                handler.accept(payload);
            } catch (RuntimeException e) {
                log.error("bus handler for topic {} failed", topic, e);
            }
        }
    }
}
