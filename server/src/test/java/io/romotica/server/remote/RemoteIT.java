package io.romotica.server.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.protocol.pake.RelayPayload;
import io.romotica.protocol.pake.SessionKey;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.ClientSocket;
import io.romotica.server.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Remote-desktop rendezvous on a real server over real WebSockets: host registration bound to a key,
 * liveness, routing, the PAKE passing through as opaque payloads, brute-force back-off per host ID and per
 * address, password rotation and the audit trail.
 */
class RemoteIT {
    private static final String PASSWORD = "K7QW3MXN9A";

    private TestServer server;
    private TestServer.Account admin;
    private final List<RemoteDevice> devices = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder()
                .set("http.trusted.proxies", "127.0.0.1")
                .set("remote.backoff.free.attempts", "2")
                .set("remote.backoff.base", "10s")
                .set("remote.backoff.max", "5m")
                .set("remote.rotate.after.failures", "3")
                .start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        devices.forEach(d -> {
            try {
                d.close();
            } catch (RuntimeException e) {
                // already closed by the test
            }
        });
        server.close();
    }

    private RemoteDevice device(String address) throws InterruptedException {
        RemoteDevice d = new RemoteDevice(server, address);
        devices.add(d);
        return d;
    }

    private RemoteDevice host() throws Exception {
        RemoteDevice host = device(null);
        host.register(RemoteDevice.newKeys(), null);
        return host;
    }

    private List<JsonNode> audit(String type) {
        ApiClient c = admin.client();
        return iterable(c.get("/api/admin/audit?type=" + type).json().get("items"));
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    /** One full attempt with {@code typed}; returns the viewer's key (null when refused by the host). */
    private SessionKey attempt(RemoteDevice host, RemoteDevice viewer, String typed) throws Exception {
        JsonNode session = viewer.connect(host.hostId);
        assertThat(session.path("type").asText()).as(session.toString()).isEqualTo("remote.session");
        String sessionId = session.get("sessionId").asText();
        JsonNode incoming = host.next("remote.session");
        assertThat(incoming.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(incoming.get("role").asText()).isEqualTo("host");
        CompletableFuture<SessionKey> hostSide = CompletableFuture.supplyAsync(() -> {
            try {
                return host.serve(sessionId, PASSWORD);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SessionKey viewerKey = viewer.authenticate(sessionId, host.hostId, typed);
        SessionKey hostKey = hostSide.get(10, TimeUnit.SECONDS);
        if (hostKey == null) {
            assertThat(viewerKey).isNull();
            return null;
        }
        assertThat(viewerKey.verificationCode()).isEqualTo(hostKey.verificationCode());
        return viewerKey;
    }

    @Test
    void hostGetsANineDigitIdThatStaysWithItsKey() throws Exception {
        KeyPair keys = RemoteDevice.newKeys();
        RemoteDevice first = device(null);
        JsonNode registered = first.register(keys, null);
        assertThat(registered.get("hostId").asText()).matches("[1-9][0-9]{8}");
        assertThat(registered.get("heartbeatSeconds").asInt()).isEqualTo(15);
        first.close();

        RemoteDevice again = device(null);
        assertThat(again.register(keys, first.hostId).get("hostId").asText()).isEqualTo(first.hostId);
        assertThat(audit("REMOTE_HOST_REGISTERED")).hasSize(1);
    }

    @Test
    void anotherDeviceCannotTakeOverAnId() throws Exception {
        RemoteDevice owner = host();
        RemoteDevice thief = device("198.51.100.9");

        JsonNode answer = thief.register(RemoteDevice.newKeys(), owner.hostId);

        assertThat(answer.get("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(audit("REMOTE_HOST_TAKEOVER_REFUSED"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("target").asText()).isEqualTo(owner.hostId));
    }

    @Test
    void signatureByAnotherKeyIsRefused() throws Exception {
        RemoteDevice d = device(null);
        KeyPair claimed = RemoteDevice.newKeys();
        d.send(Map.of(
                "type",
                "remote.host.register",
                "publicKey",
                RemoteDevice.publicKey(claimed),
                "signature",
                d.sign(RemoteDevice.newKeys())));
        assertThat(d.next("error").get("code").asText()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void unknownIdAndDisconnectedHostAreOffline() throws Exception {
        RemoteDevice viewer = device(null);
        assertThat(viewer.connect("123456789").get("code").asText()).isEqualTo("HOST_OFFLINE");

        RemoteDevice host = host();
        String id = host.hostId;
        host.close();
        Thread.sleep(300);
        assertThat(viewer.connect(id).get("code").asText()).isEqualTo("HOST_OFFLINE");
    }

    @Test
    void hostWithoutHeartbeatsGoesOfflineAndComesBackWithOne() throws Exception {
        RemoteDevice host = host();
        RemoteDevice viewer = device(null);
        server.clock().advance(Duration.ofSeconds(46));
        assertThat(viewer.connect(host.hostId).get("code").asText()).isEqualTo("HOST_OFFLINE");

        host.send(Map.of("type", "remote.host.heartbeat", "hostId", host.hostId));
        Thread.sleep(200);
        assertThat(viewer.connect(host.hostId).get("type").asText()).isEqualTo("remote.session");
    }

    @Test
    void rightPasswordAuthenticatesBothSidesThroughTheServerAndTheSessionIsAudited() throws Exception {
        RemoteDevice host = host();
        RemoteDevice viewer = device("203.0.113.7");

        SessionKey key = attempt(host, viewer, PASSWORD);
        assertThat(key).isNotNull();
        String sessionId = audit("REMOTE_SESSION_STARTED")
                .getFirst()
                .get("details")
                .asText()
                .replace("session ", "");

        // Descriptions now pass, unread, to the other side only.
        viewer.relay(sessionId, new RelayPayload.Description("answer", "v=0\r\n", "bWFj", null, null));
        assertThat(host.nextPayload(sessionId)).isInstanceOf(RelayPayload.Description.class);

        server.clock().advance(Duration.ofSeconds(42));
        viewer.send(Map.of("type", "remote.end", "sessionId", sessionId, "reason", "NORMAL"));
        assertThat(host.next("remote.ended").get("reason").asText()).isEqualTo("NORMAL");
        assertThat(audit("REMOTE_SESSION_ENDED"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.get("details").asText()).contains("NORMAL").contains("duration 42s"));
        assertThat(audit("REMOTE_CONNECT_ATTEMPT")).singleElement().satisfies(e -> {
            assertThat(e.get("ip").asText()).isEqualTo("ip4:203.0.113.7");
            assertThat(e.get("details").asText()).startsWith("routed");
        });
    }

    @Test
    void sessionDescriptionsWaitForTheHostsVerdict() throws Exception {
        RemoteDevice host = host();
        RemoteDevice viewer = device(null);
        String sessionId = viewer.connect(host.hostId).get("sessionId").asText();
        host.send(Map.of("type", "remote.consent", "sessionId", sessionId, "accepted", true));
        viewer.next("remote.accepted");

        viewer.relay(sessionId, new RelayPayload.Description("offer", "v=0\r\n", "bWFj", null, null));

        assertThat(viewer.next("error").get("code").asText()).isEqualTo("CONFLICT");
    }

    @Test
    void strangerCannotSendIntoASession() throws Exception {
        RemoteDevice host = host();
        RemoteDevice viewer = device(null);
        String sessionId = viewer.connect(host.hostId).get("sessionId").asText();
        RemoteDevice stranger = device("198.51.100.9");

        stranger.relay(sessionId, new RelayPayload.SrpConfirm("AAAA"));
        stranger.send(Map.of("type", "remote.result", "sessionId", sessionId, "outcome", "AUTHENTICATED"));

        assertThat(stranger.next("error").get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(stranger.next("error").get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void secondViewerFindsTheHostBusyAndDeclineEndsTheRequest() throws Exception {
        RemoteDevice host = host();
        RemoteDevice first = device(null);
        String sessionId = first.connect(host.hostId).get("sessionId").asText();
        RemoteDevice second = device("198.51.100.9");
        assertThat(second.connect(host.hostId).get("code").asText()).isEqualTo("HOST_BUSY");

        host.send(Map.of("type", "remote.consent", "sessionId", sessionId, "accepted", false));
        assertThat(first.next("remote.ended").get("reason").asText()).isEqualTo("DECLINED");
        assertThat(second.connect(host.hostId).get("type").asText()).isEqualTo("remote.session");
    }

    @Test
    void viewerLeavingEndsTheSessionForTheHost() throws Exception {
        RemoteDevice host = host();
        RemoteDevice viewer = device(null);
        String sessionId = viewer.connect(host.hostId).get("sessionId").asText();
        viewer.close();
        JsonNode ended = host.next("remote.ended");
        assertThat(ended.get("sessionId").asText()).isEqualTo(sessionId);
        assertThat(ended.get("reason").asText()).isEqualTo("PEER_GONE");
    }

    @Test
    void wrongPasswordIsRefusedCountedAndBacksOffTheHostIdForEveryAddress() throws Exception {
        RemoteDevice host = host();
        RemoteDevice guesser = device("203.0.113.7");

        assertThat(attempt(host, guesser, "WRONGPASS1")).isNull();
        assertThat(guesser.lastEnded).isEqualTo("WRONG_PASSWORD");
        assertThat(attempt(host, guesser, "WRONGPASS2")).isNull();
        assertThat(attempt(host, guesser, "WRONGPASS3")).isNull();

        // Three failures with two free: 10 s for the host ID, whoever asks, and for the guesser's address.
        RemoteDevice elsewhere = device("198.51.100.9");
        JsonNode refused = elsewhere.connect(host.hostId);
        assertThat(refused.get("code").asText()).isEqualTo("LOCKED_OUT");
        assertThat(refused.get("retryAfterSeconds").asLong()).isBetween(1L, 10L);
        RemoteDevice otherHost = host();
        assertThat(guesser.connect(otherHost.hostId).get("code").asText()).isEqualTo("LOCKED_OUT");

        assertThat(audit("REMOTE_AUTH_FAILED")).hasSize(3).allSatisfy(e -> {
            assertThat(e.get("target").asText()).isEqualTo(host.hostId);
            assertThat(e.get("ip").asText()).isEqualTo("ip4:203.0.113.7");
        });
        assertThat(audit("REMOTE_CONNECT_ATTEMPT"))
                .anySatisfy(e -> assertThat(e.get("details").asText()).startsWith("refused: LOCKED_OUT"));

        // The back-off doubles: after it passes, one more failure costs 20 s.
        server.clock().advance(Duration.ofSeconds(11));
        assertThat(attempt(host, elsewhere, "WRONGPASS4")).isNull();
        server.clock().advance(Duration.ofSeconds(11));
        assertThat(elsewhere.connect(host.hostId).get("code").asText()).isEqualTo("LOCKED_OUT");
        server.clock().advance(Duration.ofSeconds(10));
        assertThat(attempt(host, elsewhere, PASSWORD)).isNotNull();
    }

    @Test
    void adminsSeeLockedOutHostIdsAndAddressesAndClearingOneLetsTheNextAttemptThrough() throws Exception {
        RemoteDevice host = host();
        RemoteDevice guesser = device("203.0.113.7");
        ApiClient c = admin.client();
        assertThat(c.get("/api/admin/remote/lockouts").json()).isEmpty();
        for (int i = 1; i <= 3; i++) {
            assertThat(attempt(host, guesser, "WRONGPASS" + i)).isNull();
        }
        // Redis keeps milliseconds.
        Instant lastFailure = server.clock().instant().truncatedTo(ChronoUnit.MILLIS);

        String hostKey = "remote-host:" + host.hostId;
        String addressKey = "remote-address:ip4:203.0.113.7";
        List<JsonNode> lockouts = iterable(c.get("/api/admin/remote/lockouts").json());
        assertThat(lockouts).extracting(e -> e.get("key").asText()).containsExactlyInAnyOrder(hostKey, addressKey);
        assertThat(lockouts).allSatisfy(e -> {
            assertThat(e.get("failures").asInt()).isEqualTo(3);
            assertThat(Instant.parse(e.get("lockedUntil").asText()).truncatedTo(ChronoUnit.MILLIS))
                    .isEqualTo(lastFailure.plusSeconds(10));
        });
        assertThat(lockouts)
                .anySatisfy(e -> {
                    assertThat(e.get("kind").asText()).isEqualTo("host");
                    assertThat(e.get("subject").asText()).isEqualTo(host.hostId);
                })
                .anySatisfy(e -> {
                    assertThat(e.get("kind").asText()).isEqualTo("address");
                    assertThat(e.get("subject").asText()).isEqualTo("ip4:203.0.113.7");
                });

        // Agents see and clear nothing.
        ApiClient agent =
                server.createAgent(admin, "agent@example.com", "Alan Agent").client();
        assertThat(agent.get("/api/admin/remote/lockouts").status()).isEqualTo(403);
        assertThat(agent.delete("/api/admin/remote/lockouts/" + enc(hostKey)).status())
                .isEqualTo(403);
        assertThat(guesser.connect(host.hostId).get("code").asText()).isEqualTo("LOCKED_OUT");

        // Only remote counters can be cleared, and only while they count something.
        assertThat(c.delete("/api/admin/remote/lockouts/" + enc("login-account:agent@example.com"))
                        .status())
                .isEqualTo(404);

        assertThat(c.delete("/api/admin/remote/lockouts/" + enc(hostKey)).status())
                .isEqualTo(204);
        assertThat(iterable(c.get("/api/admin/remote/lockouts").json()))
                .singleElement()
                .satisfies(e -> assertThat(e.get("key").asText()).isEqualTo(addressKey));
        assertThat(c.delete("/api/admin/remote/lockouts/" + enc(addressKey)).status())
                .isEqualTo(204);
        assertThat(c.get("/api/admin/remote/lockouts").json()).isEmpty();
        assertThat(c.delete("/api/admin/remote/lockouts/" + enc(addressKey)).status())
                .isEqualTo(404);
        assertThat(audit("REMOTE_LOCKOUT_CLEARED"))
                .hasSize(2)
                .extracting(e -> e.get("target").asText())
                .containsExactlyInAnyOrder(hostKey, addressKey);

        // No time has passed, yet the next attempt goes through.
        assertThat(attempt(host, guesser, PASSWORD)).isNotNull();
    }

    @Test
    void anIpv6AddressKeyWithItsSlashCanBeCleared() throws Exception {
        RemoteDevice host = host();
        RemoteDevice guesser = device("2001:db8:1:2::7");
        for (int i = 1; i <= 3; i++) {
            assertThat(attempt(host, guesser, "WRONGPASS" + i)).isNull();
        }
        ApiClient c = admin.client();
        String addressKey = iterable(c.get("/api/admin/remote/lockouts").json()).stream()
                .filter(e -> e.get("kind").asText().equals("address"))
                .findFirst()
                .orElseThrow()
                .get("key")
                .asText();
        assertThat(addressKey).startsWith("remote-address:ip6:").endsWith("/64");
        String path = "/api/admin/remote/lockouts/" + enc(addressKey).replace("%2F", "/");
        assertThat(c.delete(path).status()).isEqualTo(204);
        assertThat(iterable(c.get("/api/admin/remote/lockouts").json()))
                .extracting(e -> e.get("kind").asText())
                .containsExactly("host");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void hostIsToldToRotateItsPasswordAfterRepeatedFailures() throws Exception {
        RemoteDevice host = host();
        for (int i = 0; i < 3; i++) {
            RemoteDevice guesser = device("203.0.113." + (10 + i));
            server.clock().advance(Duration.ofMinutes(6));
            host.send(Map.of("type", "remote.host.heartbeat", "hostId", host.hostId));
            Thread.sleep(200);
            assertThat(attempt(host, guesser, "WRONGPASS" + i)).isNull();
        }
        JsonNode rotate = host.next("remote.rotate");
        assertThat(rotate.get("failures").asInt()).isEqualTo(3);
        assertThat(audit("REMOTE_PASSWORD_ROTATION")).hasSize(1);
    }

    @Test
    void agentConsoleConnectionCanActAsViewer() throws Exception {
        RemoteDevice host = host();
        ClientSocket console = ClientSocket.agent(admin.client());
        console.send("{\"type\":\"remote.connect\",\"hostId\":\"" + host.hostId + "\"}");
        JsonNode session = console.next("remote.session", f -> true);
        assertThat(host.next("remote.session").get("peerAddress").asText()).isEqualTo("Ada Admin");
        assertThat(session.get("role").asText()).isEqualTo("viewer");
        console.send("{\"type\":\"remote.host.register\",\"publicKey\":\"a2V5\",\"signature\":\"c2ln\"}");
        assertThat(console.error().get("code").asText()).isEqualTo("FORBIDDEN");
    }
}
