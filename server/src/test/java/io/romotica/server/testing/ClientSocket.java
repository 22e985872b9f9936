package io.romotica.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.function.Predicate;

/** A test client's open {@code /ws} connection after {@code hello}: send frames, await matching ones. */
public record ClientSocket(SocketProbe probe, WebSocket ws, String connectionId) {
    public static final Duration WAIT = Duration.ofSeconds(10);

    /** An agent's socket on the session of {@code client}. */
    public static ClientSocket agent(ApiClient client) throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = client.openSocket(probe, null);
        return new ClientSocket(
                probe, ws, probe.next("hello").get("connectionId").asText());
    }

    /** A visitor's socket with {@code token}. */
    public static ClientSocket visitor(ApiClient client, String token) throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = client.openVisitorSocket(probe, token);
        return new ClientSocket(
                probe, ws, probe.next("hello").get("connectionId").asText());
    }

    public void send(String json) {
        ws.sendText(json, true).join();
    }

    /** The next frame of {@code type} that also matches {@code match}, skipping others. */
    public JsonNode next(String type, Predicate<JsonNode> match) throws InterruptedException {
        return probe.next(f -> f.path("type").asText().equals(type) && match.test(f), WAIT);
    }

    /** The next {@code error} frame. */
    public JsonNode error() throws InterruptedException {
        return probe.next("error");
    }

    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
