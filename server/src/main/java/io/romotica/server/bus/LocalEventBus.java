package io.romotica.server.bus;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The single-node bus: events go to this process's subscribers, in order, on one virtual thread. */
public final class LocalEventBus implements EventBus {
    private final Subscribers subscribers = new Subscribers();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("bus-local").factory());

    @Override
    public void publish(String topic, String payload) {
        executor.execute(() -> subscribers.deliver(topic, payload));
    }

    @Override
    public AutoCloseable subscribe(String topic, Consumer<String> handler) {
        return subscribers.add(topic, handler);
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
