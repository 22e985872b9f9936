package io.romotica.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.EventStreamProbe;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The realtime fallback for networks that block WebSockets: an SSE stream down, frames posted over HTTP up,
 * with the guarantees of {@code /ws} (acks once stored, idempotent resend, resume by sequence, error frames
 * that leave the connection up, revocation, the same credential checks).
 */
class EventStreamIT {
    private TestServer server;
    private Account admin;
    private final List<AutoCloseable> streams = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder().set("chat.new.visitors.per.minute", "50").start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable s : streams) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A visitor on the fallback: their stream (opened with a ticket) and its connection id. */
    private record Visitor(String id, String token, EventStreamProbe stream, String connectionId, ApiClient http) {
        /** Posts {@code body} (one frame or an array) for this visitor's stream; returns the answer frames. */
        JsonNode post(String body) {
            return post(connectionId, body);
        }

        JsonNode post(String connection, String body) {
            var r = http.send(
                    "POST", "/api/rt/connections/" + connection + "/frames", body, Map.of("X-Visitor-Token", token));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }
    }

    private Visitor visitor(String name) throws InterruptedException {
        var r = server.client().post("/api/chat/visitors", Map.of("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String token = r.json().get("token").asText();
        EventStreamProbe stream = keep(EventStreamProbe.openAsVisitor(server, token));
        JsonNode hello = stream.next();
        assertThat(hello.get("type").asText()).as("the first frame").isEqualTo("hello");
        return new Visitor(
                r.json().get("visitorId").asText(),
                token,
                stream,
                hello.get("connectionId").asText(),
                server.client());
    }

    private EventStreamProbe keep(EventStreamProbe stream) {
        streams.add(stream);
        return stream;
    }

    private static ApiClient.Response postFrames(
            ApiClient c, String connection, String body, Map<String, String> headers) {
        return c.send("POST", "/api/rt/connections/" + connection + "/frames", body, headers);
    }

    /** The one answer frame of a post that carried one frame. */
    private static JsonNode only(JsonNode answers) {
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    private static JsonNode messageWithSeq(EventStreamProbe stream, long seq) throws InterruptedException {
        return stream.next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/seq").asLong() == seq,
                        Duration.ofSeconds(10))
                .get("message");
    }

    @Test
    void agentStreamOpensWithHelloAndPostedPingsAreAnsweredInThePost() throws Exception {
        EventStreamProbe stream = keep(EventStreamProbe.open(server, admin.client(), "", Map.of()));
        assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
        JsonNode hello = stream.next();
        assertThat(hello.get("type").asText()).isEqualTo("hello");
        assertThat(hello.get("userId").asText()).isEqualTo(admin.id());
        String connection = hello.get("connectionId").asText();

        var r = postFrames(admin.client(), connection, "{\"type\":\"ping\",\"ref\":\"p1\"}", Map.of());
        assertThat(r.status()).isEqualTo(200);
        JsonNode pong = only(r.json());
        assertThat(pong.get("type").asText()).isEqualTo("pong");
        assertThat(pong.get("ref").asText()).isEqualTo("p1");

        var batch = postFrames(
                admin.client(),
                connection,
                "[{\"type\":\"ping\",\"ref\":\"b1\"},{\"type\":\"ping\",\"ref\":\"b2\"}]",
                Map.of());
        assertThat(batch.json().findValuesAsText("ref")).containsExactly("b1", "b2");
        assertThat(server.client().get("/metrics").body()).contains("romotica_sse_connections 1.0");
    }

    @Test
    void aVisitorsMessageIsAcknowledgedOnceStoredAndAResendIsNoDuplicate() throws Exception {
        Visitor v = visitor("Ayşe");
        JsonNode ack =
                only(v.post("{\"type\":\"chat.start\",\"clientId\":\"s1\",\"text\":\"Merhaba, yardım lütfen\"}"));
        assertThat(ack.get("type").asText()).isEqualTo("chat.ack");
        assertThat(ack.at("/message/seq").asLong()).isEqualTo(1);
        String c = ack.at("/message/conversationId").asText();
        assertThat(only(v.post("{\"type\":\"chat.start\",\"clientId\":\"s1\",\"text\":\"Merhaba, yardım lütfen\"}"))
                        .at("/message/id")
                        .asText())
                .isEqualTo(ack.at("/message/id").asText());

        String send =
                "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"m2\",\"text\":\"again\"}";
        JsonNode both = v.post("[" + send + "," + send + "]");
        assertThat(both).hasSize(2);
        assertThat(both.get(1).at("/message/id").asText())
                .isEqualTo(both.get(0).at("/message/id").asText());
        assertThat(both.get(1).at("/message/seq").asLong()).isEqualTo(2);

        JsonNode history = only(v.post("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}"));
        assertThat(history.get("messages").findValuesAsText("body")).containsExactly("Merhaba, yardım lütfen", "again");
        // The sender's own stream carries the broadcasts of its messages too, as on a WebSocket.
        assertThat(messageWithSeq(v.stream(), 2).get("body").asText()).isEqualTo("again");
    }

    @Test
    void aVisitorReconnectingOnTheFallbackGetsExactlyWhatItMissed() throws Exception {
        SocketProbe agent = new SocketProbe();
        WebSocket agentWs = admin.client().openSocket(agent, null);
        agent.next("hello");
        Visitor v = visitor("Cem");
        String c = only(v.post("{\"type\":\"chat.start\",\"clientId\":\"x1\",\"text\":\"hello\"}"))
                .at("/message/conversationId")
                .asText();
        v.stream().close();
        for (int i = 1; i <= 3; i++) {
            agentWs.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"r" + i
                                    + "\",\"text\":\"reply " + i + "\"}",
                            true)
                    .join();
            agent.ack("r" + i);
        }
        EventStreamProbe again = keep(EventStreamProbe.openAsVisitor(server, v.token()));
        String connection = again.next("hello").get("connectionId").asText();
        assertThat(connection).isNotEqualTo(v.connectionId());
        JsonNode history =
                only(v.post(connection, "{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":1}"));
        assertThat(history.get("messages").findValuesAsText("body")).containsExactly("reply 1", "reply 2", "reply 3");
        assertThat(history.get("messages").findValues("seq").stream().map(JsonNode::asLong))
                .containsExactly(2L, 3L, 4L);
        assertThat(history.get("more").asBoolean()).isFalse();
    }

    @Test
    void badFramesGetErrorAnswersAndTheStreamStaysUp() throws Exception {
        SocketProbe agent = new SocketProbe();
        WebSocket agentWs = admin.client().openSocket(agent, null);
        agent.next("hello");
        Visitor v = visitor("Filiz");
        String[][] cases = {
            {"not json", "MALFORMED_FRAME"},
            {"", "MALFORMED_FRAME"},
            {"{\"ref\":\"x\"}", "MALFORMED_FRAME"},
            {"{\"type\":\"launch-missiles\",\"ref\":\"r2\"}", "UNKNOWN_TYPE"},
            {"{\"type\":\"ping\",\"ref\":\"r3\",\"extra\":1}", "INVALID_INPUT"},
            {"{\"type\":\"ping\",\"ref\":\"" + "x".repeat(70_000) + "\"}", "FRAME_TOO_LARGE"},
            {"{\"type\":\"chat.start\",\"clientId\":\"e1\",\"text\":\"\"}", "INVALID_INPUT"},
            {"{\"type\":\"chat.send\",\"conversationId\":\"nope\",\"clientId\":\"e3\",\"text\":\"hi\"}", "NOT_FOUND"},
        };
        for (String[] c : cases) {
            JsonNode error = only(v.post(c[0]));
            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.get("code").asText())
                    .as(c[0].substring(0, Math.min(40, c[0].length())))
                    .isEqualTo(c[1]);
        }
        JsonNode mixed = v.post("[1, {\"type\":\"ping\",\"ref\":\"after\"}]");
        assertThat(mixed.findValuesAsText("type")).containsExactly("error", "pong");

        String c = only(v.post("{\"type\":\"chat.start\",\"clientId\":\"ok1\",\"text\":\"still here\"}"))
                .at("/message/conversationId")
                .asText();
        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"a1\",\"text\":\"Tabii, şimdi bakıyorum 👍\"}",
                        true)
                .join();
        assertThat(messageWithSeq(v.stream(), 2).get("body").asText()).isEqualTo("Tabii, şimdi bakıyorum 👍");
        assertThat(v.stream().ended).isNotDone();
    }

    @Test
    void tooManyFramesInOnePostAreRefusedWhole() throws Exception {
        Visitor v = visitor("Gizem");
        String ping = "{\"type\":\"ping\",\"ref\":\"n\"}";
        var r = postFrames(
                v.http(),
                v.connectionId(),
                "[" + String.join(",", java.util.Collections.nCopies(21, ping)) + "]",
                Map.of("X-Visitor-Token", v.token()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_INPUT");
    }

    @Test
    void aVisitorCannotActOnSomeoneElsesConversationOrConnection() throws Exception {
        Visitor a = visitor("Deniz");
        String c = only(a.post("{\"type\":\"chat.start\",\"clientId\":\"p1\",\"text\":\"private\"}"))
                .at("/message/conversationId")
                .asText();
        Visitor b = visitor("Eren");
        JsonNode refused = only(b.post(
                "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"q1\",\"text\":\"intrude\"}"));
        assertThat(refused.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(refused.get("ref").asText()).isEqualTo("q1");
        assertThat(only(b.post("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}"))
                        .get("code")
                        .asText())
                .isEqualTo("NOT_FOUND");

        // B's credentials with A's connection id, and a made-up id: no such connection (for B).
        String ping = "{\"type\":\"ping\",\"ref\":\"x\"}";
        for (String connection :
                List.of(a.connectionId(), "c1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", "nope")) {
            var r = postFrames(b.http(), connection, ping, Map.of("X-Visitor-Token", b.token()));
            assertThat(r.status()).as(connection).isEqualTo(404);
            assertThat(r.code()).isEqualTo("NOT_FOUND");
        }
        // An agent's session cannot use a visitor's connection id either.
        assertThat(postFrames(admin.client(), a.connectionId(), ping, Map.of()).status())
                .isEqualTo(404);
        assertThat(only(a.post("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}"))
                        .get("messages"))
                .hasSize(1);
    }

    @Test
    void agentPostsNeedTheCsrfTokenAndASameSiteOriginLikeEveryOtherApiCall() throws Exception {
        EventStreamProbe stream = keep(EventStreamProbe.open(server, admin.client(), "", Map.of()));
        String connection = stream.next("hello").get("connectionId").asText();
        String ping = "{\"type\":\"ping\",\"ref\":\"x\"}";
        String csrf = admin.client().csrf();
        try {
            admin.client().csrf(null);
            var noToken = postFrames(admin.client(), connection, ping, Map.of());
            assertThat(noToken.status()).isEqualTo(403);
            assertThat(noToken.code()).isEqualTo("CSRF_REJECTED");
            var wrongToken = postFrames(admin.client(), connection, ping, Map.of("X-CSRF-Token", "not-the-token"));
            assertThat(wrongToken.code()).isEqualTo("CSRF_REJECTED");
        } finally {
            admin.client().csrf(csrf);
        }
        var crossSite = postFrames(admin.client(), connection, ping, Map.of("Origin", "https://evil.example"));
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(crossSite.code()).isEqualTo("CSRF_REJECTED");
        var anonymous = postFrames(server.client(), connection, ping, Map.of());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(postFrames(admin.client(), connection, ping, Map.of()).status())
                .as("with the token, from this site")
                .isEqualTo(200);
    }

    @Test
    void theStreamNeedsCredentialsASameSiteOriginAndAnEventStreamAccept() {
        assertThat(EventStreamProbe.refusal(server, null, "", Map.of()))
                .isEqualTo(new EventStreamProbe.Refusal(401, "UNAUTHENTICATED"));
        assertThat(EventStreamProbe.refusal(server, admin.client(), "", Map.of("Origin", "https://evil.example")))
                .isEqualTo(new EventStreamProbe.Refusal(403, "CSRF_REJECTED"));
        assertThat(EventStreamProbe.refusal(server, admin.client(), "", Map.of(), false))
                .isEqualTo(new EventStreamProbe.Refusal(400, "INVALID_INPUT"));
        assertThat(EventStreamProbe.refusal(server, null, "", Map.of("X-Visitor-Token", "v1.forged.token")))
                .isEqualTo(new EventStreamProbe.Refusal(401, "UNAUTHENTICATED"));
    }

    @Test
    void aStreamTicketOpensOneStreamOnlyAndExpires() throws Exception {
        Visitor v = visitor("Hakan");
        String ticket = EventStreamProbe.ticket(server, v.token());
        keep(EventStreamProbe.open(server, null, "?ticket=" + ticket, Map.of())).next("hello");
        assertThat(EventStreamProbe.refusal(server, null, "?ticket=" + ticket, Map.of()))
                .as("used twice")
                .isEqualTo(new EventStreamProbe.Refusal(401, "UNAUTHENTICATED"));

        String forged = ticket.substring(0, ticket.length() - 2) + (ticket.endsWith("AA") ? "BB" : "AA");
        assertThat(EventStreamProbe.refusal(server, null, "?ticket=" + forged, Map.of())
                        .status())
                .isEqualTo(401);

        String late = EventStreamProbe.ticket(server, v.token());
        server.clock().advance(Duration.ofSeconds(31));
        assertThat(EventStreamProbe.refusal(server, null, "?ticket=" + late, Map.of())
                        .status())
                .as("expired")
                .isEqualTo(401);

        var noToken = server.client().post("/api/rt/tickets", null);
        assertThat(noToken.status()).isEqualTo(401);
    }

    @Test
    void revokingTheSessionEndsTheAgentsStreamAndTheyGoOffline() throws Exception {
        SocketProbe adminSocket = new SocketProbe();
        admin.client().openSocket(adminSocket, null);
        adminSocket.next("hello");
        Account bob = server.createAgent(admin, "bob@example.com", "Bob");
        EventStreamProbe stream = keep(EventStreamProbe.open(server, bob.client(), "", Map.of()));
        String connection = stream.next("hello").get("connectionId").asText();
        JsonNode online = adminSocket.next(
                f -> f.path("type").asText().equals("presence")
                        && f.path("userId").asText().equals(bob.id()),
                Duration.ofSeconds(10));
        assertThat(online.get("status").asText())
                .as("an SSE connection counts like a socket")
                .isEqualTo("online");

        String sessionId = admin.client()
                .get("/api/admin/users/" + bob.id() + "/sessions")
                .json()
                .get(0)
                .get("id")
                .asText();
        admin.client().delete("/api/admin/sessions/" + sessionId);
        assertThat(stream.next("bye").get("reason").asText()).isEqualTo("SESSION_REVOKED");
        stream.ended.get(10, TimeUnit.SECONDS);
        JsonNode offline = adminSocket.next(
                f -> f.path("type").asText().equals("presence")
                        && f.path("userId").asText().equals(bob.id()),
                Duration.ofSeconds(10));
        assertThat(offline.get("status").asText()).isEqualTo("offline");
        assertThat(postFrames(bob.client(), connection, "{\"type\":\"ping\"}", Map.of())
                        .status())
                .isEqualTo(401);
    }

    @Test
    void postedFramesDoNotKeepAnIdleSessionAlive() throws Exception {
        EventStreamProbe stream = keep(EventStreamProbe.open(server, admin.client(), "", Map.of()));
        String connection = stream.next("hello").get("connectionId").asText();
        server.clock().advance(Duration.ofMinutes(20));
        assertThat(postFrames(admin.client(), connection, "{\"type\":\"ping\"}", Map.of())
                        .status())
                .isEqualTo(200);
        assertThat(admin.client()
                        .get("/api/auth/me")
                        .json()
                        .get("authenticated")
                        .asBoolean())
                .as("still signed in after 20 minutes")
                .isTrue();
        server.clock().advance(Duration.ofMinutes(11));
        assertThat(admin.client()
                        .get("/api/auth/me")
                        .json()
                        .get("authenticated")
                        .asBoolean())
                .as("30 minutes idle although pings were posted")
                .isFalse();
    }

    @Test
    void shutdownSaysByeOnTheStreamAndEndsIt() throws Exception {
        Visitor v = visitor("Ilgın");
        server.close();
        server = null;
        assertThat(v.stream().next("bye").get("reason").asText()).isEqualTo("SHUTDOWN");
        v.stream().ended.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aVisitorOnTheFallbackAndAnAgentOnTheWebSocketTalkBothWays() throws Exception {
        SocketProbe agent = new SocketProbe();
        WebSocket agentWs = admin.client().openSocket(agent, null);
        agent.next("hello");
        Visitor v = visitor("Jale");
        JsonNode first = only(v.post("{\"type\":\"chat.start\",\"clientId\":\"j1\",\"text\":\"Kargom nerede?\"}"))
                .get("message");
        String c = first.get("conversationId").asText();
        JsonNode seenByAgent = agent.next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/seq").asLong() == 1,
                        Duration.ofSeconds(10))
                .get("message");
        assertThat(seenByAgent.get("body").asText()).isEqualTo("Kargom nerede?");
        assertThat(seenByAgent.get("senderName").asText()).isEqualTo("Jale");

        v.post("{\"type\":\"chat.typing\",\"conversationId\":\"" + c + "\",\"typing\":true}");
        assertThat(agent.next("chat.typing").get("name").asText()).isEqualTo("Jale");

        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"a1\",\"text\":\"Yolda, yarın sizde\"}",
                        true)
                .join();
        assertThat(agent.ack("a1").get("seq").asLong()).isEqualTo(2);
        JsonNode reply = messageWithSeq(v.stream(), 2);
        assertThat(reply.get("senderKind").asText()).isEqualTo("AGENT");
        assertThat(reply.get("body").asText()).isEqualTo("Yolda, yarın sizde");

        v.post("{\"type\":\"chat.read\",\"conversationId\":\"" + c + "\",\"seq\":2}");
        JsonNode read = agent.next("chat.read");
        assertThat(read.get("partyKind").asText()).isEqualTo("VISITOR");
        assertThat(read.get("seq").asLong()).isEqualTo(2);
    }
}
