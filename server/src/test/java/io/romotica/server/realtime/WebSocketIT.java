package io.romotica.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one WebSocket: authentication, typed frames, bad frames, presence, revocation. */
class WebSocketIT {
    private TestServer server;
    private Account admin;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signedInAgentGetsHelloAndPong() throws Exception {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = admin.client().openSocket(probe, server.baseUrl());
        JsonNode hello = probe.next("hello");
        assertThat(hello.get("userId").asText()).isEqualTo(admin.id());
        ws.sendText("{\"type\":\"ping\",\"ref\":\"r1\"}", true).join();
        assertThat(probe.next("pong").get("ref").asText()).isEqualTo("r1");
    }

    @Test
    void badFramesGetErrorFramesAndTheSocketStaysUp() throws Exception {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = admin.client().openSocket(probe, null);
        probe.next("hello");
        String[][] cases = {
            {"not json", "MALFORMED_FRAME"},
            {"[1,2]", "MALFORMED_FRAME"},
            {"{\"ref\":\"x\"}", "MALFORMED_FRAME"},
            {"{\"type\":\"launch-missiles\",\"ref\":\"r2\"}", "UNKNOWN_TYPE"},
            {"{\"type\":\"ping\",\"ref\":\"r3\",\"extra\":1}", "INVALID_INPUT"},
            {"{\"type\":\"ping\",\"ref\":\"" + "x".repeat(100) + "\"}", "INVALID_INPUT"},
            {"{\"type\":\"ping\",\"ref\":\"" + "x".repeat(70_000) + "\"}", "FRAME_TOO_LARGE"},
        };
        for (String[] c : cases) {
            ws.sendText(c[0], true).join();
            assertThat(probe.next("error").get("code").asText())
                    .as(c[0].substring(0, Math.min(40, c[0].length())))
                    .isEqualTo(c[1]);
        }
        ws.sendText("{\"type\":\"ping\",\"ref\":\"still-here\"}", true).join();
        assertThat(probe.next("pong").get("ref").asText()).isEqualTo("still-here");
        assertThat(probe.closed).isNotDone();
    }

    @Test
    void upgradeWithoutSessionIsRefused() {
        ApiClient anonymous = server.client();
        assertThat(handshakeStatus(() -> anonymous.openSocket(new SocketProbe(), null)))
                .isEqualTo(401);
    }

    @Test
    void crossOriginUpgradeIsRefused() {
        assertThat(handshakeStatus(() -> admin.client().openSocket(new SocketProbe(), "https://evil.example")))
                .isEqualTo(403);
    }

    private static int handshakeStatus(Runnable open) {
        try {
            open.run();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the upgrade was accepted");
    }

    @Test
    void otherAgentsSeePresence() throws Exception {
        SocketProbe adminProbe = new SocketProbe();
        admin.client().openSocket(adminProbe, null);
        adminProbe.next("hello");
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        WebSocket bobSocket = bob.client().openSocket(new SocketProbe(), null);
        JsonNode online = adminProbe.next(
                f -> f.path("type").asText().equals("presence")
                        && f.path("userId").asText().equals(bob.id()),
                Duration.ofSeconds(10));
        assertThat(online.get("status").asText()).isEqualTo("online");
        bobSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        JsonNode offline = adminProbe.next(
                f -> f.path("type").asText().equals("presence")
                        && f.path("status").asText().equals("offline"),
                Duration.ofSeconds(10));
        assertThat(offline.get("userId").asText()).isEqualTo(bob.id());
    }

    @Test
    void revokedSessionIsDisconnected() throws Exception {
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        SocketProbe probe = new SocketProbe();
        bob.client().openSocket(probe, null);
        probe.next("hello");
        String sessionId = admin.client()
                .get("/api/admin/users/" + bob.id() + "/sessions")
                .json()
                .get(0)
                .get("id")
                .asText();
        admin.client().delete("/api/admin/sessions/" + sessionId);
        assertThat(probe.next("bye").get("reason").asText()).isEqualTo("SESSION_REVOKED");
        assertThat(probe.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
    }
}
