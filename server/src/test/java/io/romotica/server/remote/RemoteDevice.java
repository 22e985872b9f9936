package io.romotica.server.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.protocol.RemoteFrame;
import io.romotica.protocol.pake.PakeException;
import io.romotica.protocol.pake.RelayPayload;
import io.romotica.protocol.pake.RelayPayloads;
import io.romotica.protocol.pake.SessionKey;
import io.romotica.protocol.pake.SrpHost;
import io.romotica.protocol.pake.SrpViewer;
import io.romotica.server.common.Json;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A test desktop app on {@code /ws/remote}, host or viewer, written with the protocol's PAKE helpers the way
 * the real app uses them. Optionally claims a source address through {@code X-Forwarded-For} (the test server
 * trusts 127.0.0.1 as a proxy), so tests can play viewers on different networks.
 */
final class RemoteDevice implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    final SocketProbe probe = new SocketProbe();
    final WebSocket ws;
    final String connectionId;
    final String challenge;
    private final RelayPayloads payloads = new RelayPayloads();
    KeyPair keys;
    String hostId;
    /** Reason of the last {@code remote.ended} seen while authenticating. */
    volatile String lastEnded;

    RemoteDevice(TestServer server, String forwardedFor) throws InterruptedException {
        WebSocket.Builder b =
                HttpClient.newBuilder().sslContext(server.ssl()).build().newWebSocketBuilder();
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        ws = b.buildAsync(URI.create(server.baseUrl().replace("https://", "wss://") + "/ws/remote"), probe)
                .join();
        JsonNode hello = next("remote.hello");
        connectionId = hello.get("connectionId").asText();
        challenge = hello.get("challenge").asText();
    }

    static KeyPair newKeys() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static String publicKey(KeyPair keys) {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    String sign(KeyPair with) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(with.getPrivate());
        s.update(RemoteFrame.challengeMessage(challenge));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    /** Registers with {@code keys} (asking for {@code wantedId} when not null); returns the frame answered. */
    JsonNode register(KeyPair keys, String wantedId) throws Exception {
        this.keys = keys;
        send(Map.of("type", "remote.host.register", "publicKey", publicKey(keys), "signature", sign(keys)), wantedId);
        JsonNode answer = probe.next(
                f -> f.path("type").asText().equals("remote.host.registered")
                        || f.path("type").asText().equals("error"),
                WAIT);
        if (answer.path("type").asText().equals("remote.host.registered")) {
            hostId = answer.get("hostId").asText();
        }
        return answer;
    }

    private void send(Map<String, Object> frame, String hostId) {
        var m = new java.util.HashMap<>(frame);
        if (hostId != null) {
            m.put("hostId", hostId);
        }
        send(m);
    }

    void send(Map<String, ?> frame) {
        try {
            ws.sendText(Json.MAPPER.writeValueAsString(frame), true).join();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode next(String type) throws InterruptedException {
        return probe.next(f -> f.path("type").asText().equals(type), WAIT);
    }

    JsonNode next(Predicate<JsonNode> match) throws InterruptedException {
        return probe.next(match, WAIT);
    }

    void relay(String sessionId, RelayPayload payload) {
        send(Map.of(
                "type",
                "remote.relay",
                "sessionId",
                sessionId,
                "kind",
                payload.kind(),
                "payload",
                payloads.encode(payload)));
    }

    RelayPayload nextPayload(String sessionId) throws InterruptedException, PakeException {
        JsonNode f = probe.next(
                x -> x.path("type").asText().equals("remote.relay")
                        && x.path("sessionId").asText().equals(sessionId),
                WAIT);
        return payloads.decode(f.get("kind").asText(), f.get("payload").asText());
    }

    /** Viewer: asks for {@code hostId}; returns the session id, or null when refused (see {@link #lastRefusal}). */
    JsonNode connect(String hostId) throws InterruptedException {
        send(Map.of("type", "remote.connect", "hostId", hostId));
        return probe.next(
                f -> f.path("type").asText().equals("remote.session")
                        || f.path("type").asText().equals("remote.refused"),
                WAIT);
    }

    /**
     * Host side of one attempt after an incoming {@code remote.session}: consents, runs SRP with {@code
     * password}, reports the result; returns the key when the viewer proved the password.
     */
    SessionKey serve(String sessionId, String password) throws Exception {
        send(Map.of("type", "remote.consent", "sessionId", sessionId, "accepted", true));
        SrpHost srp = new SrpHost(hostId, password, RANDOM);
        relay(sessionId, srp.hello());
        var proof = (RelayPayload.SrpProof) nextPayload(sessionId);
        var established = srp.verify(proof, sessionId);
        send(Map.of(
                "type",
                "remote.result",
                "sessionId",
                sessionId,
                "outcome",
                established.isPresent() ? "AUTHENTICATED" : "WRONG_PASSWORD"));
        if (established.isEmpty()) {
            return null;
        }
        relay(sessionId, established.get().confirm());
        return established.get().key();
    }

    /** Viewer side after {@code remote.accepted}: answers the host's hello; returns the key after M2. */
    SessionKey authenticate(String sessionId, String hostId, String password) throws Exception {
        next("remote.accepted");
        SrpViewer srp = new SrpViewer(hostId, password, RANDOM);
        relay(sessionId, srp.answer((RelayPayload.SrpHello) nextPayload(sessionId)));
        JsonNode next = probe.next(
                f -> f.path("type").asText().equals("remote.relay")
                        || f.path("type").asText().equals("remote.ended"),
                WAIT);
        if (next.path("type").asText().equals("remote.ended")) {
            lastEnded = next.get("reason").asText();
            return null;
        }
        return srp.confirm(
                (RelayPayload.SrpConfirm) payloads.decode(
                        next.get("kind").asText(), next.get("payload").asText()),
                sessionId);
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
