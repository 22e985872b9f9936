package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.FreePorts;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /api/ice-servers on a real server: who gets TURN credentials, what they look like, how long they last. */
class IceServersIT {
    private static final String SECRET = "integration-turn-secret";
    private static final String TURN_URL = "turn:turn.example.com:3478?transport=udp";
    private static final int PER_MINUTE = 5;

    private static TestServer server;
    private static Account agent;
    private static int stunPort;

    @BeforeAll
    static void start() throws Exception {
        stunPort = FreePorts.udpAndTcp();
        server = TestServer.builder()
                .set("stun.port", Integer.toString(stunPort))
                .set("turn.urls", TURN_URL)
                .set("turn.secret", SECRET)
                .set("turn.credential.ttl", "10m")
                .set("ice.servers.per.minute", Integer.toString(PER_MINUTE))
                .set("chat.new.visitors.per.minute", "50")
                .start();
        agent = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String visitorToken() {
        var r = server.client().post("/api/chat/visitors", Map.of("name", "Deniz"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    private ApiClient.Response asVisitor(String token) {
        return server.client().send("GET", "/api/ice-servers", null, Map.of("X-Visitor-Token", token));
    }

    private static String hmacSha1Base64(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode turnEntry(ApiClient.Response r) {
        for (JsonNode entry : r.json().get("iceServers")) {
            if (entry.get("urls").get(0).asText().startsWith("turn")) {
                return entry;
            }
        }
        throw new AssertionError("no TURN entry in " + r.body());
    }

    @Test
    void callerWithoutSessionOrVisitorTokenGets401() {
        var r = server.client().get("/api/ice-servers");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(r.body()).doesNotContain("credential");
    }

    @Test
    void forgedVisitorTokenGets401() {
        String token = visitorToken();
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");

        var r = asVisitor(forged);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void sessionHalfwayThroughSignInGets401() {
        ApiClient c = server.client();
        var login = c.post("/api/auth/login", Map.of("email", agent.email(), "password", agent.password()));
        assertThat(login.status()).as(login.body()).isEqualTo(200);

        var r = c.get("/api/ice-servers");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void signedInAgentGetsStunAndTurnWithACredentialValidForTheTtl() throws Exception {
        long now = server.clock().instant().getEpochSecond();

        var r = agent.client().get("/api/ice-servers");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.json().get("ttlSeconds").asLong()).isEqualTo(600);
        JsonNode stun = r.json().get("iceServers").get(0);
        assertThat(stun.get("urls").get(0).asText()).isEqualTo("stun:localhost:" + stunPort);
        assertThat(stun.has("username")).isFalse();
        assertThat(stun.has("credential")).isFalse();
        JsonNode turn = turnEntry(r);
        assertThat(turn.get("urls").get(0).asText()).isEqualTo(TURN_URL);
        String username = turn.get("username").asText();
        assertThat(username).isEqualTo((now + 600) + ":" + agent.id());
        assertThat(turn.get("credential").asText()).isEqualTo(hmacSha1Base64(SECRET, username));
    }

    @Test
    void visitorWithValidTokenGetsACredentialNamingTheVisitor() throws Exception {
        var created = server.client().post("/api/chat/visitors", Map.of("name", "Elif"));
        String token = created.json().get("token").asText();
        String visitorId = created.json().get("visitorId").asText();

        var r = asVisitor(token);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode turn = turnEntry(r);
        assertThat(turn.get("username").asText()).endsWith(":" + visitorId);
        assertThat(turn.get("credential").asText())
                .isEqualTo(hmacSha1Base64(SECRET, turn.get("username").asText()));
    }

    @Test
    void credentialsExpireOneTtlAfterIssueAndLaterRequestsGetNewOnes() {
        String token = visitorToken();
        String first = turnEntry(asVisitor(token)).get("username").asText();
        long firstExpiry = Long.parseLong(first.substring(0, first.indexOf(':')));

        server.clock().advance(Duration.ofMinutes(10));
        String second = turnEntry(asVisitor(token)).get("username").asText();

        assertThat(firstExpiry).isLessThanOrEqualTo(server.clock().instant().getEpochSecond());
        assertThat(Long.parseLong(second.substring(0, second.indexOf(':'))))
                .isEqualTo(server.clock().instant().getEpochSecond() + 600);
    }

    @Test
    void requestsBeyondThePerPartyLimitGet429WhileOtherPartiesGoOn() {
        String busy = visitorToken();
        for (int i = 0; i < PER_MINUTE; i++) {
            assertThat(asVisitor(busy).status()).isEqualTo(200);
        }

        var limited = asVisitor(busy);
        var other = asVisitor(visitorToken());

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.code()).isEqualTo("RATE_LIMITED");
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void openApiDocumentListsTheRoute() {
        JsonNode doc = server.client().get("/api/openapi.json").json();

        JsonNode op = doc.path("paths").path("/api/ice-servers").path("get");
        assertThat(op.path("tags").get(0).asText()).isEqualTo("calls");
        assertThat(op.path("responses").has("200")).isTrue();
    }
}
