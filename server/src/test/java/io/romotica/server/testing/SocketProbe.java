package io.romotica.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.common.Json;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket listener that queues every text frame as JSON and records the close. Thread-safe. */
public final class SocketProbe implements WebSocket.Listener {
    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                frames.add(Json.MAPPER.readTree(partial.toString()));
            } catch (Exception e) {
                throw new IllegalStateException("server sent non-JSON text: " + partial, e);
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** The next frame matching {@code match}, skipping others; fails after {@code timeout}. */
    public JsonNode next(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode f = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    /** The stored message of the {@code chat.ack} for {@code clientId}. */
    public JsonNode ack(String clientId) throws InterruptedException {
        return next(
                        f -> f.path("type").asText().equals("chat.ack")
                                && f.path("clientId").asText().equals(clientId),
                        Duration.ofSeconds(20))
                .get("message");
    }

    public JsonNode next(String type) throws InterruptedException {
        return next(f -> f.path("type").asText().equals(type), Duration.ofSeconds(10));
    }
}
