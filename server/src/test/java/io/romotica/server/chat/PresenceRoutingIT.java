package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence of agents and visitors, availability for visitors, and routing of new conversations to agents. */
class PresenceRoutingIT {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Socket(SocketProbe probe, WebSocket ws) {
        void send(String json) {
            ws.sendText(json, true).join();
        }
    }

    private static Socket agentSocket(ApiClient c) throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = c.openSocket(probe, null);
        probe.next("hello");
        return new Socket(probe, ws);
    }

    private record Visitor(String id, String token, Socket socket) {}

    private Visitor visitor(String name) throws InterruptedException {
        var r = server.client().post("/api/chat/visitors", Map.of("name", name));
        String token = r.json().get("token").asText();
        SocketProbe probe = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(probe, token);
        probe.next("hello");
        return new Visitor(r.json().get("visitorId").asText(), token, new Socket(probe, ws));
    }

    private static JsonNode next(SocketProbe p, String type, String key, String value) throws InterruptedException {
        return p.next(
                f -> f.path("type").asText().equals(type) && f.at(key).asText().equals(value), Duration.ofSeconds(10));
    }

    private String start(Visitor v, String clientId) throws InterruptedException {
        v.socket().send("{\"type\":\"chat.start\",\"clientId\":\"" + clientId + "\",\"text\":\"yardım\"}");
        return v.socket().probe().ack(clientId).get("conversationId").asText();
    }

    /** The assignee the conversation gets, as the agents' broadcast announces it. */
    private static String assigneeOf(SocketProbe agentProbe, String conversationId) throws InterruptedException {
        return agentProbe
                .next(
                        f -> f.path("type").asText().equals("chat.conversation")
                                && f.at("/conversation/id").asText().equals(conversationId)
                                && !f.at("/conversation/assigneeId").isNull(),
                        Duration.ofSeconds(10))
                .at("/conversation/assigneeId")
                .asText();
    }

    @Test
    void visitorsSeeWhetherAnAgentIsThereAndAgentsSeeEachOtherAndVisitors() throws Exception {
        server = TestServer.builder().set("chat.new.visitors.per.minute", "50").start();
        Account admin = server.setupAdmin();
        Visitor v = visitor("Umut");
        assertThat(v.socket().probe().next("chat.availability").get("available").asBoolean())
                .isFalse();
        assertThat(server.client()
                        .get("/api/chat/availability")
                        .json()
                        .get("available")
                        .asBoolean())
                .isFalse();

        Socket ada = agentSocket(admin.client());
        assertThat(next(v.socket().probe(), "chat.availability", "/available", "true"))
                .isNotNull();
        assertThat(server.client()
                        .get("/api/chat/availability")
                        .json()
                        .get("available")
                        .asBoolean())
                .isTrue();
        // The agent hears about the visitor already here.
        assertThat(next(ada.probe(), "visitor.presence", "/visitorId", v.id())
                        .get("online")
                        .asBoolean())
                .isTrue();

        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        Socket bobSocket = agentSocket(bob.client());
        assertThat(next(ada.probe(), "presence", "/userId", bob.id())
                        .get("status")
                        .asText())
                .isEqualTo("online");

        // Both step away: nobody can answer now.
        ada.send("{\"type\":\"presence.set\",\"status\":\"away\"}");
        bobSocket.send("{\"type\":\"presence.set\",\"status\":\"away\"}");
        assertThat(next(ada.probe(), "presence", "/status", "away")
                        .get("userId")
                        .asText())
                .isIn(admin.id(), bob.id());
        assertThat(next(v.socket().probe(), "chat.availability", "/available", "false"))
                .isNotNull();
        JsonNode agents = admin.client().get("/api/chat/agents").json();
        assertThat(agents.findValuesAsText("status")).containsOnly("away");

        bobSocket.send("{\"type\":\"presence.set\",\"status\":\"sleeping\"}");
        assertThat(bobSocket.probe().next("error").get("code").asText()).isEqualTo("INVALID_INPUT");
        v.socket().send("{\"type\":\"presence.set\",\"status\":\"online\"}");
        assertThat(v.socket().probe().next("error").get("code").asText()).isEqualTo("FORBIDDEN");

        // Bob leaves: offline for the others. The visitor leaves: agents see that too.
        bobSocket.ws().sendClose(1000, "bye").join();
        assertThat(next(ada.probe(), "presence", "/status", "offline")
                        .get("userId")
                        .asText())
                .isEqualTo(bob.id());
        v.socket().ws().sendClose(1000, "bye").join();
        JsonNode gone = ada.probe()
                .next(
                        f -> f.path("type").asText().equals("visitor.presence")
                                && f.path("visitorId").asText().equals(v.id())
                                && !f.path("online").asBoolean(),
                        Duration.ofSeconds(10));
        assertThat(gone).isNotNull();
    }

    /** Waits until every one of {@code userIds} has been announced away, in whatever order. */
    private static void awayOf(SocketProbe p, String... userIds) throws InterruptedException {
        java.util.Set<String> waiting = new java.util.HashSet<>(java.util.List.of(userIds));
        while (!waiting.isEmpty()) {
            JsonNode f = p.next(
                    x -> x.path("type").asText().equals("presence")
                            && x.path("status").asText().equals("away"),
                    Duration.ofSeconds(10));
            waiting.remove(f.path("userId").asText());
        }
    }

    @Test
    void newConversationsGoToAvailableAgentsWithinTheirCapacity() throws Exception {
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "50")
                .set("chat.agent.capacity", "1")
                .start();
        Account admin = server.setupAdmin();
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        Account cem = server.createAgent(admin, "cem@example.com", "Cem");
        Socket watch = agentSocket(admin.client());
        watch.send("{\"type\":\"presence.set\",\"status\":\"away\"}"); // the admin only watches
        Socket bobSocket = agentSocket(bob.client());
        Socket cemSocket = agentSocket(cem.client());
        cemSocket.send("{\"type\":\"presence.set\",\"status\":\"away\"}");
        awayOf(bobSocket.probe(), admin.id(), cem.id());
        assertThat(admin.client()
                        .put("/api/chat/agents/" + cem.id() + "/capacity", Map.of("capacity", 2))
                        .status())
                .isEqualTo(200);

        // Bob is the only one online: he gets the first; with capacity 1 the second waits.
        String first = start(visitor("V1"), "a");
        assertThat(assigneeOf(watch.probe(), first)).isEqualTo(bob.id());
        String second = start(visitor("V2"), "b");

        // Cem comes back: the waiting conversation goes to him.
        cemSocket.send("{\"type\":\"presence.set\",\"status\":\"online\"}");
        assertThat(assigneeOf(watch.probe(), second)).isEqualTo(cem.id());
        String third = start(visitor("V3"), "c");
        assertThat(assigneeOf(watch.probe(), third)).isEqualTo(cem.id());

        // Everyone is full now: the fourth waits until Bob resolves his.
        String fourth = start(visitor("V4"), "d");
        JsonNode loads = admin.client().get("/api/chat/agents").json();
        for (JsonNode a : loads) {
            assertThat(a.get("open").asInt())
                    .as(a.toString())
                    .isLessThanOrEqualTo(a.get("capacity").asInt());
        }
        assertThat(bob.client()
                        .post("/api/chat/conversations/" + first + "/status", Map.of("status", "RESOLVED"))
                        .status())
                .isEqualTo(200);
        assertThat(assigneeOf(watch.probe(), fourth)).isEqualTo(bob.id());
    }

    @Test
    void manualRoutingLeavesNewConversationsInTheQueue() throws Exception {
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "50")
                .set("chat.routing", "manual")
                .start();
        Account admin = server.setupAdmin();
        Socket ada = agentSocket(admin.client());
        Visitor v = visitor("Elif");
        next(v.socket().probe(), "chat.availability", "/available", "true");
        String c = start(v, "m");
        next(ada.probe(), "chat.message", "/message/conversationId", c);
        assertThat(admin.client()
                        .get("/api/chat/conversations")
                        .json()
                        .get(0)
                        .get("assigneeId")
                        .isNull())
                .isTrue();
    }
}
