package io.romotica.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.EventStreamProbe;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two nodes on one PostgreSQL + Redis form one cluster. Runs on the real services in every mode. */
class ClusterIT {
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeEach
    void start() throws Exception {
        nodeA = TestServer.builder().cluster().set("login.backoff.base", "30s").start();
        nodeB = TestServer.builder().joining(nodeA).start();
    }

    @AfterEach
    void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void eventPublishedOnOneNodeReachesSocketsOnTheOther() throws Exception {
        Account admin = nodeA.setupAdmin();
        ApiClient adminOnB = nodeB.login(admin);
        SocketProbe onB = new SocketProbe();
        adminOnB.openSocket(onB, null);
        onB.next("hello");

        Account bob = nodeA.createAgent(admin, "bob@example.com", "Bob");
        bob.client().openSocket(new SocketProbe(), null);
        JsonNode presence = onB.next(
                f -> f.path("type").asText().equals("presence")
                        && f.path("userId").asText().equals(bob.id()),
                Duration.ofSeconds(10));
        assertThat(presence.get("status").asText()).isEqualTo("online");
    }

    @Test
    void sessionRevokedOnOneNodeIsClosedOnTheOther() throws Exception {
        Account admin = nodeA.setupAdmin();
        Account bob = nodeA.createAgent(admin, "bob@example.com", "Bob");
        ApiClient bobOnB = nodeB.login(bob);
        SocketProbe probe = new SocketProbe();
        bobOnB.openSocket(probe, null);
        probe.next("hello");
        for (JsonNode s :
                admin.client().get("/api/admin/users/" + bob.id() + "/sessions").json()) {
            admin.client().delete("/api/admin/sessions/" + s.get("id").asText());
        }
        assertThat(probe.next("bye").get("reason").asText()).isEqualTo("SESSION_REVOKED");
        assertThat(probe.closed.get(10, TimeUnit.SECONDS)).isEqualTo(4401);
        assertThat(bobOnB.get("/api/auth/sessions").status()).isEqualTo(401);
    }

    @Test
    void loginBackOffIsSharedAcrossNodes() {
        Account admin = nodeA.setupAdmin();
        for (int i = 0; i < 4; i++) {
            TestServer node = i % 2 == 0 ? nodeA : nodeB;
            node.client().post("/api/auth/login", Map.of("email", admin.email(), "password", "wrong " + i));
        }
        var blocked =
                nodeB.client().post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()));
        assertThat(blocked.code()).isEqualTo("RATE_LIMITED");
        var alsoBlocked =
                nodeA.client().post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()));
        assertThat(alsoBlocked.code()).isEqualTo("RATE_LIMITED");
    }

    @Test
    void chatFlowsBetweenAVisitorOnOneNodeAndAnAgentOnTheOther() throws Exception {
        Account admin = nodeA.setupAdmin();
        ApiClient agentOnB = nodeB.login(admin);
        SocketProbe agentProbe = new SocketProbe();
        var agentWs = agentOnB.openSocket(agentProbe, null);
        agentProbe.next("hello");

        String token = nodeA.client()
                .post("/api/chat/visitors", Map.of("name", "Lale"))
                .json()
                .get("token")
                .asText();
        SocketProbe visitorProbe = new SocketProbe();
        var visitorWs = nodeA.client().openVisitorSocket(visitorProbe, token);
        visitorProbe.next("hello");
        visitorWs
                .sendText("{\"type\":\"chat.start\",\"clientId\":\"v1\",\"text\":\"from node A\"}", true)
                .join();

        JsonNode seen = agentProbe
                .next(f -> f.path("type").asText().equals("chat.message"), Duration.ofSeconds(10))
                .get("message");
        assertThat(seen.get("body").asText()).isEqualTo("from node A");
        String c = seen.get("conversationId").asText();
        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"b1\",\"text\":\"from node B\"}",
                        true)
                .join();
        JsonNode reply = visitorProbe
                .next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/seq").asLong() == 2,
                        Duration.ofSeconds(10))
                .get("message");
        assertThat(reply.get("body").asText()).isEqualTo("from node B");
    }

    @Test
    void aFallbackStreamOnOneNodeTakesFramesPostedToTheOther() throws Exception {
        Account admin = nodeA.setupAdmin();
        ApiClient agentOnB = nodeB.login(admin);
        SocketProbe agentProbe = new SocketProbe();
        var agentWs = agentOnB.openSocket(agentProbe, null);
        agentProbe.next("hello");

        String token = nodeA.client()
                .post("/api/chat/visitors", Map.of("name", "Mina"))
                .json()
                .get("token")
                .asText();
        String ticket = EventStreamProbe.ticket(nodeB, token);
        try (EventStreamProbe stream = EventStreamProbe.open(nodeA, null, "?ticket=" + ticket, Map.of())) {
            String connection = stream.next("hello").get("connectionId").asText();
            assertThat(EventStreamProbe.refusal(nodeB, null, "?ticket=" + ticket, Map.of())
                            .status())
                    .as("a ticket opens one stream in the whole cluster")
                    .isEqualTo(401);

            var posted = nodeB.client()
                    .send(
                            "POST",
                            "/api/rt/connections/" + connection + "/frames",
                            "{\"type\":\"chat.start\",\"clientId\":\"m1\",\"text\":\"posted to node B\"}",
                            Map.of("X-Visitor-Token", token));
            assertThat(posted.status()).as(posted.body()).isEqualTo(200);
            JsonNode ack = posted.json().get(0);
            assertThat(ack.get("type").asText()).isEqualTo("chat.ack");
            String c = ack.at("/message/conversationId").asText();
            assertThat(agentProbe
                            .next(f -> f.path("type").asText().equals("chat.message"), Duration.ofSeconds(10))
                            .at("/message/body")
                            .asText())
                    .isEqualTo("posted to node B");

            agentWs.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                    + "\",\"clientId\":\"b1\",\"text\":\"via the bus to node A\"}",
                            true)
                    .join();
            JsonNode reply = stream.next(
                            f -> f.path("type").asText().equals("chat.message")
                                    && f.at("/message/seq").asLong() == 2,
                            Duration.ofSeconds(10))
                    .get("message");
            assertThat(reply.get("body").asText()).isEqualTo("via the bus to node A");
        }
    }

    @Test
    void bothNodesReportRedisInReadiness() {
        for (TestServer node : new TestServer[] {nodeA, nodeB}) {
            var ready = node.client().get("/health/ready").json();
            assertThat(ready.at("/checks/redis/up").asBoolean()).isTrue();
            assertThat(ready.at("/checks/database/detail").asText()).isEqualTo("postgresql");
        }
    }
}
