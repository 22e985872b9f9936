package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.realtime.Parties;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live chat over real WebSockets: durable acknowledged messages, idempotent resend, resume by sequence. */
class ChatIT {
    private TestServer server;
    private Account agent;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder().set("chat.new.visitors.per.minute", "50").start();
        agent = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A visitor identity and its open socket. */
    private record Visitor(String id, String token, SocketProbe probe, WebSocket ws) {
        void send(String json) {
            ws.sendText(json, true).join();
        }
    }

    private Visitor visitor(String name) throws InterruptedException {
        var r = server.client().post("/api/chat/visitors", Map.of("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String token = r.json().get("token").asText();
        SocketProbe probe = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(probe, token);
        probe.next("hello");
        return new Visitor(r.json().get("visitorId").asText(), token, probe, ws);
    }

    private SocketProbe agentSocket() throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        agentWs = agent.client().openSocket(probe, null);
        probe.next("hello");
        return probe;
    }

    private WebSocket agentWs;

    private static JsonNode messageWithSeq(SocketProbe probe, long seq) throws InterruptedException {
        return probe.next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/seq").asLong() == seq,
                        Duration.ofSeconds(10))
                .get("message");
    }

    @Test
    void visitorAndAgentExchangeMessagesInRealTime() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitor("Ayşe");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"c1\",\"text\":\"Merhaba, yardım eder misiniz?\"}");
        JsonNode first = v.probe().ack("c1");
        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(first.get("senderKind").asText()).isEqualTo("VISITOR");
        String conversation = first.get("conversationId").asText();

        JsonNode seenByAgent = messageWithSeq(agentProbe, 1);
        assertThat(seenByAgent.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(seenByAgent.get("body").asText()).isEqualTo("Merhaba, yardım eder misiniz?");
        assertThat(seenByAgent.get("senderName").asText()).isEqualTo("Ayşe");

        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + conversation
                                + "\",\"clientId\":\"a1\",\"text\":\"Tabii!\"}",
                        true)
                .join();
        assertThat(agentProbe.ack("a1").get("seq").asLong()).isEqualTo(2);
        JsonNode reply = messageWithSeq(v.probe(), 2);
        assertThat(reply.get("senderKind").asText()).isEqualTo("AGENT");
        assertThat(reply.get("senderName").asText()).isEqualTo("Ada Admin");
    }

    @Test
    void resendWithTheSameClientIdIsAcknowledgedWithoutADuplicate() throws Exception {
        Visitor v = visitor("Bora");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"s1\",\"text\":\"first\"}");
        JsonNode started = v.probe().ack("s1");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"s1\",\"text\":\"first\"}");
        assertThat(v.probe().ack("s1").get("conversationId").asText())
                .isEqualTo(started.get("conversationId").asText());
        String c = started.get("conversationId").asText();
        String send =
                "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"m2\",\"text\":\"again\"}";
        v.send(send);
        JsonNode once = v.probe().ack("m2");
        v.send(send);
        JsonNode twice = v.probe().ack("m2");
        assertThat(twice.get("id").asText()).isEqualTo(once.get("id").asText());
        assertThat(twice.get("seq").asLong()).isEqualTo(2);

        v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}");
        JsonNode history = v.probe().next("chat.history");
        assertThat(history.get("messages")).hasSize(2);
        assertThat(history.get("lastSeq").asLong()).isEqualTo(2);
        assertThat(server.client()
                        .send("GET", "/api/chat/visitor/conversations", null, Map.of("X-Visitor-Token", v.token()))
                        .json())
                .hasSize(1);
    }

    @Test
    void aReconnectingVisitorGetsExactlyWhatItMissed() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitor("Cem");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"x1\",\"text\":\"hello\"}");
        String c = v.probe().ack("x1").get("conversationId").asText();
        v.ws().sendClose(WebSocket.NORMAL_CLOSURE, "going offline").join();
        for (int i = 1; i <= 3; i++) {
            agentWs.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"r" + i
                                    + "\",\"text\":\"reply " + i + "\"}",
                            true)
                    .join();
            agentProbe.ack("r" + i);
        }
        SocketProbe again = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(again, v.token());
        again.next("hello");
        ws.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":1}", true)
                .join();
        JsonNode history = again.next("chat.history");
        assertThat(history.get("messages").findValuesAsText("body")).containsExactly("reply 1", "reply 2", "reply 3");
        assertThat(history.get("messages").findValues("seq").stream().map(JsonNode::asLong))
                .containsExactly(2L, 3L, 4L);
        assertThat(history.get("more").asBoolean()).isFalse();
    }

    @Test
    void acknowledgedMessagesSurviveARestartOfTheServer() throws Exception {
        Visitor v = visitor("Kaan");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"k1\",\"text\":\"before the restart\"}");
        String c = v.probe().ack("k1").get("conversationId").asText();
        v.send("{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"k2\",\"text\":\"second\"}");
        v.probe().ack("k2");
        server.stopKeepingData();
        server = TestServer.builder().restarting(server).start();

        SocketProbe again = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(again, v.token());
        again.next("hello");
        ws.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}", true)
                .join();
        assertThat(again.next("chat.history").get("messages").findValuesAsText("body"))
                .containsExactly("before the restart", "second");
        ws.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"k2\",\"text\":\"second\"}",
                        true)
                .join();
        assertThat(again.ack("k2").get("seq").asLong())
                .as("a resend after the restart is not a duplicate")
                .isEqualTo(2);
    }

    @Test
    void aVisitorCannotReadOrWriteSomeoneElsesConversation() throws Exception {
        Visitor a = visitor("Deniz");
        a.send("{\"type\":\"chat.start\",\"clientId\":\"p1\",\"text\":\"private\"}");
        String c = a.probe().ack("p1").get("conversationId").asText();
        Visitor b = visitor("Eren");
        b.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}");
        assertThat(b.probe().next("error").get("code").asText()).isEqualTo("NOT_FOUND");
        b.send("{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"q1\",\"text\":\"intrude\"}");
        JsonNode refused = b.probe().next("error");
        assertThat(refused.get("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(refused.get("ref").asText()).isEqualTo("q1");
        a.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}");
        assertThat(a.probe().next("chat.history").get("messages")).hasSize(1);
    }

    /** A conversation of {@code total} messages: the visitor's first, then the agent's replies (with one note). */
    private String longConversation(Visitor v, SocketProbe agentProbe, int total, long noteAt) throws Exception {
        v.send("{\"type\":\"chat.start\",\"clientId\":\"first\",\"text\":\"message 1\"}");
        String c = v.probe().ack("first").get("conversationId").asText();
        for (int i = 2; i <= total; i++) {
            agentWs.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"p" + i
                                    + "\",\"text\":\"message " + i + "\"" + (i == noteAt ? ",\"internal\":true" : "")
                                    + "}",
                            true)
                    .join();
        }
        for (int i = 2; i <= total; i++) {
            assertThat(agentProbe.ack("p" + i).get("seq").asLong()).isEqualTo(i);
        }
        return c;
    }

    private static List<Long> seqs(JsonNode history) {
        return history.get("messages").findValues("seq").stream()
                .map(JsonNode::asLong)
                .toList();
    }

    @Test
    void pagingBackFromTheNewestMessageGivesEverySeqExactlyOnce() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitor("Sena");
        int total = 2 * ChatService.HISTORY_PAGE + 50;
        String c = longConversation(v, agentProbe, total, 77);

        List<Long> seen = new java.util.ArrayList<>();
        long before = Long.MAX_VALUE / 2; // above the last seq: the newest page
        int pages = 0;
        while (true) {
            v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0,\"beforeSeq\":" + before
                    + "}");
            JsonNode page = v.probe().next("chat.history");
            pages++;
            List<Long> got = seqs(page);
            assertThat(page.get("beforeSeq").asLong()).isEqualTo(before);
            assertThat(page.get("lastSeq").asLong()).isEqualTo(total);
            assertThat(got).as("oldest first, no gaps").isSorted();
            assertThat(got.getLast() - got.getFirst() + 1).isEqualTo(got.size());
            assertThat(got.getLast()).as("the newest below beforeSeq").isEqualTo(Math.min(before - 1, total));
            seen.addAll(0, got);
            if (!page.get("more").asBoolean()) {
                break;
            }
            before = got.getFirst();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().hasSize(total).isSorted();
        assertThat(seen.getFirst()).isEqualTo(1);
        assertThat(seen.getLast()).isEqualTo(total);

        // The visitor's backward pages carry the internal note only as a HIDDEN stand-in.
        v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":70,\"beforeSeq\":80}");
        JsonNode range = v.probe().next("chat.history");
        assertThat(seqs(range)).containsExactly(71L, 72L, 73L, 74L, 75L, 76L, 77L, 78L, 79L);
        assertThat(range.get("more").asBoolean())
                .as("nothing older inside the range")
                .isFalse();
        assertThat(range.get("messages").get(6).get("kind").asText()).isEqualTo("HIDDEN");
        assertThat(range.get("messages").get(6).get("body").asText()).isEmpty();

        // The resume contract is untouched: after a seq, forward, in pages, no beforeSeq in the answer.
        v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":" + (total - 3) + "}");
        JsonNode resume = v.probe().next("chat.history");
        assertThat(seqs(resume)).containsExactly((long) total - 2, (long) total - 1, (long) total);
        assertThat(resume.get("more").asBoolean()).isFalse();
        assertThat(resume.get("beforeSeq").isNull()).isTrue();
    }

    @Test
    void invalidBeforeSeqGetsAnErrorFrameAndTheSocketStaysUp() throws Exception {
        Visitor v = visitor("Tuna");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"b1\",\"text\":\"hi\"}");
        String c = v.probe().ack("b1").get("conversationId").asText();
        String[] bad = {
            "{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"beforeSeq\":0}",
            "{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"beforeSeq\":-5}",
            "{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":4,\"beforeSeq\":4}",
            "{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"beforeSeq\":\"soon\"}",
        };
        for (String frame : bad) {
            v.send(frame);
            JsonNode error = v.probe().next("error");
            assertThat(error.get("code").asText()).as(frame).isEqualTo("INVALID_INPUT");
        }
        v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"beforeSeq\":2}");
        JsonNode page = v.probe().next("chat.history");
        assertThat(seqs(page)).containsExactly(1L);
        assertThat(page.get("more").asBoolean()).isFalse();
        // Someone else's conversation is as unknown backward as forward.
        Visitor other = visitor("Umut");
        other.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"beforeSeq\":2}");
        assertThat(other.probe().next("error").get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void invalidChatFramesGetErrorFramesAndTheSocketStaysUp() throws Exception {
        Visitor v = visitor("Filiz");
        String[][] cases = {
            {"{\"type\":\"chat.start\",\"clientId\":\"e1\",\"text\":\"\"}", "INVALID_INPUT"},
            {"{\"type\":\"chat.start\",\"clientId\":\"e2\",\"text\":\"" + "x".repeat(4001) + "\"}", "INVALID_INPUT"},
            {"{\"type\":\"chat.start\",\"clientId\":\"bad id!\",\"text\":\"hi\"}", "INVALID_INPUT"},
            {"{\"type\":\"chat.sync\",\"conversationId\":\"abc\",\"afterSeq\":-1}", "INVALID_INPUT"},
            {"{\"type\":\"chat.send\",\"conversationId\":\"nope\",\"clientId\":\"e3\",\"text\":\"hi\"}", "NOT_FOUND"},
        };
        for (String[] c : cases) {
            v.send(c[0]);
            assertThat(v.probe().next("error").get("code").asText())
                    .as(c[0].substring(0, 40))
                    .isEqualTo(c[1]);
        }
        v.send("{\"type\":\"chat.start\",\"clientId\":\"ok1\",\"text\":\"still here\"}");
        assertThat(v.probe().ack("ok1").get("seq").asLong()).isEqualTo(1);
    }

    @Test
    void agentsCannotStartConversationsAndBadVisitorTokensAreRefused() throws Exception {
        SocketProbe agentProbe = agentSocket();
        agentWs.sendText("{\"type\":\"chat.start\",\"clientId\":\"z1\",\"text\":\"hi\"}", true)
                .join();
        assertThat(agentProbe.next("error").get("code").asText()).isEqualTo("FORBIDDEN");
        Visitor v = visitor("Gül");
        String forged = v.token().substring(0, v.token().length() - 2) + "AA";
        try {
            server.client().openVisitorSocket(new SocketProbe(), forged);
            throw new AssertionError("a forged visitor token was accepted");
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(((java.net.http.WebSocketHandshakeException) e.getCause())
                            .getResponse()
                            .statusCode())
                    .isEqualTo(401);
        }
        var list =
                server.client().send("GET", "/api/chat/visitor/conversations", null, Map.of("X-Visitor-Token", forged));
        assertThat(list.code()).isEqualTo("UNAUTHENTICATED");
    }

    private static int handshakeStatus(Runnable open) {
        try {
            open.run();
            throw new AssertionError("the WebSocket upgrade was accepted");
        } catch (java.util.concurrent.CompletionException e) {
            return ((java.net.http.WebSocketHandshakeException) e.getCause())
                    .getResponse()
                    .statusCode();
        }
    }

    private ApiClient.Response conversationsOf(String token) {
        return server.client().send("GET", "/api/chat/visitor/conversations", null, Map.of("X-Visitor-Token", token));
    }

    @Test
    void aReturningVisitorGetsAFreshTokenAndKeepsTheirConversationsWhileAnUnusedTokenExpires() throws Exception {
        Visitor v = visitor("Zeynep");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"k1\",\"text\":\"still there?\"}");
        String conversation = v.probe().ack("k1").get("conversationId").asText();
        ApiClient.Response early = conversationsOf(v.token());
        assertThat(early.status()).isEqualTo(200);
        assertThat(early.headers().firstValue("X-Visitor-Token-Renewed"))
                .as("a fresh token is kept")
                .isEmpty();

        // Past a tenth of the 30-day lifetime, the visitor comes back and is handed a fresh token.
        server.clock().advance(Duration.ofDays(4));
        ApiClient.Response back = conversationsOf(v.token());
        assertThat(back.status()).isEqualTo(200);
        String renewed = back.headers().firstValue("X-Visitor-Token-Renewed").orElseThrow();
        assertThat(renewed).isNotEqualTo(v.token()).startsWith("v2." + v.id() + ".");

        // 31 days after the first token: that one has expired, the renewed one still opens everything.
        server.clock().advance(Duration.ofDays(27));
        ApiClient.Response expired = conversationsOf(v.token());
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.code()).isEqualTo("VISITOR_TOKEN_EXPIRED");
        assertThat(server.client()
                        .send("POST", "/api/rt/tickets", null, Map.of("X-Visitor-Token", v.token()))
                        .code())
                .isEqualTo("VISITOR_TOKEN_EXPIRED");
        assertThat(handshakeStatus(() -> server.client().openVisitorSocket(new SocketProbe(), v.token())))
                .isEqualTo(401);

        ApiClient.Response kept = conversationsOf(renewed);
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().findValuesAsText("id")).containsExactly(conversation);
        SocketProbe probe = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(probe, renewed);
        assertThat(probe.next("hello").get("userId").asText()).isEqualTo(v.id());
        ws.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + conversation + "\",\"afterSeq\":0}", true)
                .join();
        assertThat(probe.next("chat.history").get("messages").findValuesAsText("body"))
                .containsExactly("still there?");
    }

    @Test
    void theWebSocketTakesAOneTimeTicketButNeverTheTokenInItsAddress() throws Exception {
        Visitor v = visitor("Yusuf");
        String ticket = server.client()
                .send("POST", "/api/rt/tickets", null, Map.of("X-Visitor-Token", v.token()))
                .json()
                .get("ticket")
                .asText();
        SocketProbe probe = new SocketProbe();
        server.client().openTicketSocket(probe, ticket);
        assertThat(probe.next("hello").get("userId").asText()).isEqualTo(v.id());
        assertThat(handshakeStatus(() -> server.client().openTicketSocket(new SocketProbe(), ticket)))
                .as("a ticket opens one connection")
                .isEqualTo(401);
        String tokenInAddress = server.baseUrl().replace("https://", "wss://") + "/ws?visitor=" + v.token();
        assertThat(handshakeStatus(() -> java.net.http.HttpClient.newBuilder()
                        .sslContext(server.ssl())
                        .build()
                        .newWebSocketBuilder()
                        .buildAsync(java.net.URI.create(tokenInAddress), new SocketProbe())
                        .join()))
                .isEqualTo(401);
    }

    @Test
    void visitorTokensNeverReachTheLogEvenAtDebugLevel() throws Exception {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var romotica = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.romotica");
        var captured = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        captured.start();
        ch.qos.logback.classic.Level before = romotica.getLevel();
        root.addAppender(captured);
        romotica.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            Visitor v = visitor("Defne");
            v.send("{\"type\":\"chat.start\",\"clientId\":\"l1\",\"text\":\"hello\"}");
            v.probe().ack("l1");
            conversationsOf(v.token());
            server.client().send("POST", "/api/rt/tickets", null, Map.of("X-Visitor-Token", v.token()));
            String forged = v.token().substring(0, v.token().length() - 2) + "AA";
            conversationsOf(forged);
            handshakeStatus(() -> server.client().openVisitorSocket(new SocketProbe(), forged));
            server.clock().advance(Duration.ofDays(31));
            conversationsOf(v.token());
            handshakeStatus(() -> server.client().openVisitorSocket(new SocketProbe(), v.token()));
            assertThat(captured.list).as("something was logged").isNotEmpty();
            String mac = v.token().substring(v.token().lastIndexOf('.') + 1);
            String forgedMac = forged.substring(forged.lastIndexOf('.') + 1);
            for (var event : captured.list) {
                String line = event.getFormattedMessage()
                        + (event.getThrowableProxy() == null
                                ? ""
                                : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
                assertThat(line).doesNotContain(mac).doesNotContain(forgedMac);
            }
        } finally {
            romotica.setLevel(before);
            root.detachAppender(captured);
        }
    }

    @Test
    void typingAndReadReceiptsReachTheOtherSide() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitor("Mert");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"t1\",\"text\":\"hi\"}");
        String c = v.probe().ack("t1").get("conversationId").asText();

        v.send("{\"type\":\"chat.typing\",\"conversationId\":\"" + c + "\",\"typing\":true}");
        JsonNode typing = agentProbe.next("chat.typing");
        assertThat(typing.get("partyKind").asText()).isEqualTo("VISITOR");
        assertThat(typing.get("name").asText()).isEqualTo("Mert");
        assertThat(typing.get("typing").asBoolean()).isTrue();

        agentWs.sendText("{\"type\":\"chat.read\",\"conversationId\":\"" + c + "\",\"seq\":99}", true)
                .join();
        JsonNode read = v.probe().next("chat.read");
        assertThat(read.get("partyKind").asText()).isEqualTo("AGENT");
        assertThat(read.get("seq").asLong())
                .as("read pointer is capped at the last message")
                .isEqualTo(1);

        // Read pointers come back with the lists, so a reload keeps what was seen.
        v.send("{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"t2\",\"text\":\"?\"}");
        v.probe().ack("t2");
        v.send("{\"type\":\"chat.read\",\"conversationId\":\"" + c + "\",\"seq\":2}");
        assertThat(agentProbe
                        .next(
                                f -> f.path("type").asText().equals("chat.read")
                                        && f.path("partyKind").asText().equals("VISITOR"),
                                Duration.ofSeconds(10))
                        .get("seq")
                        .asLong())
                .isEqualTo(2);
        JsonNode inAgentList =
                agent.client().get("/api/chat/conversations").json().get(0);
        assertThat(inAgentList.get("readSeq").asLong()).isEqualTo(1);
        assertThat(inAgentList.get("peerReadSeq").asLong()).isEqualTo(2);
        JsonNode inVisitorList = server.client()
                .send("GET", "/api/chat/visitor/conversations", null, Map.of(Parties.VISITOR_TOKEN, v.token()))
                .json()
                .get(0);
        assertThat(inVisitorList.get("readSeq").asLong()).isEqualTo(2);
        assertThat(inVisitorList.get("peerReadSeq").asLong()).isEqualTo(1);

        Visitor other = visitor("Nil");
        other.send("{\"type\":\"chat.typing\",\"conversationId\":\"" + c + "\",\"typing\":true}");
        assertThat(other.probe().next("error").get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void assigningAndResolvingIsBroadcastAndValidated() throws Exception {
        Visitor v = visitor("Oya");
        v.send("{\"type\":\"chat.start\",\"clientId\":\"o1\",\"text\":\"hi\"}");
        String c = v.probe().ack("o1").get("conversationId").asText();
        var assigned = agent.client().post("/api/chat/conversations/" + c + "/assign", Map.of("agentId", agent.id()));
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().get("assigneeId").asText()).isEqualTo(agent.id());
        assertThat(v.probe()
                        .next("chat.conversation")
                        .at("/conversation/assigneeId")
                        .asText())
                .isEqualTo(agent.id());

        var resolved = agent.client().post("/api/chat/conversations/" + c + "/status", Map.of("status", "RESOLVED"));
        assertThat(resolved.json().get("status").asText()).isEqualTo("RESOLVED");
        assertThat(v.probe()
                        .next(
                                f -> f.path("type").asText().equals("chat.conversation")
                                        && f.at("/conversation/status").asText().equals("RESOLVED"),
                                Duration.ofSeconds(10)))
                .isNotNull();
        assertThat(agent.client()
                        .get("/api/chat/conversations?status=RESOLVED")
                        .json()
                        .findValuesAsText("id"))
                .contains(c);

        assertThat(agent.client()
                        .post("/api/chat/conversations/" + c + "/assign", Map.of("agentId", "nobody-like-this"))
                        .code())
                .isEqualTo("INVALID_INPUT");
        assertThat(agent.client()
                        .post("/api/chat/conversations/" + c + "/status", Map.of("status", "DONE"))
                        .code())
                .isEqualTo("INVALID_INPUT");
        assertThat(agent.client()
                        .post("/api/chat/conversations/missing/status", Map.of("status", "OPEN"))
                        .code())
                .isEqualTo("NOT_FOUND");
        var unassigned =
                agent.client().send("POST", "/api/chat/conversations/" + c + "/assign", "{\"agentId\":null}", Map.of());
        assertThat(unassigned.json().get("assigneeId").isNull()).isTrue();
    }

    @Test
    void aVisitorSendingTooFastIsSlowedDown() throws Exception {
        try (TestServer tight =
                TestServer.builder().set("chat.messages.per.minute", "3").start()) {
            String token = tight.client()
                    .post("/api/chat/visitors", Map.of("name", "Pelin"))
                    .json()
                    .get("token")
                    .asText();
            SocketProbe probe = new SocketProbe();
            WebSocket ws = tight.client().openVisitorSocket(probe, token);
            probe.next("hello");
            ws.sendText("{\"type\":\"chat.start\",\"clientId\":\"f0\",\"text\":\"hi\"}", true)
                    .join();
            String c = probe.ack("f0").get("conversationId").asText();
            int limited = 0;
            for (int i = 1; i <= 5; i++) {
                ws.sendText(
                                "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"f" + i
                                        + "\",\"text\":\"m\"}",
                                true)
                        .join();
                JsonNode answer = probe.next(
                        f -> f.path("type").asText().equals("error")
                                || f.path("type").asText().equals("chat.ack"),
                        Duration.ofSeconds(10));
                if (answer.path("type").asText().equals("error")) {
                    assertThat(answer.get("code").asText()).isEqualTo("RATE_LIMITED");
                    limited++;
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(3);
        }
    }

    /** Sends {@code json} and returns the error code of the answer, or null when it was acknowledged. */
    private static String answerCode(WebSocket ws, SocketProbe probe, String json) throws InterruptedException {
        ws.sendText(json, true).join();
        JsonNode answer = probe.next(
                f -> f.path("type").asText().equals("error")
                        || f.path("type").asText().equals("chat.ack"),
                Duration.ofSeconds(10));
        return answer.path("type").asText().equals("error") ? answer.get("code").asText() : null;
    }

    @Test
    void visitorsBehindOneAddressShareItsLimitsAndNewConversationsAreLimited() throws Exception {
        try (TestServer tight = TestServer.builder()
                .set("chat.new.visitors.per.minute", "50")
                .set("chat.messages.per.minute.per.address", "4")
                .start()) {
            List<WebSocket> sockets = new java.util.ArrayList<>();
            List<SocketProbe> probes = new java.util.ArrayList<>();
            for (String name : List.of("Irmak", "Jale")) {
                String token = tight.client()
                        .post("/api/chat/visitors", Map.of("name", name))
                        .json()
                        .get("token")
                        .asText();
                SocketProbe probe = new SocketProbe();
                sockets.add(tight.client().openVisitorSocket(probe, token));
                probe.next("hello");
                probes.add(probe);
            }
            // Four messages from this address in all (two visitors, two each), then the address is slowed down.
            for (int v = 0; v < 2; v++) {
                for (int i = 0; i < 2; i++) {
                    assertThat(answerCode(
                                    sockets.get(v),
                                    probes.get(v),
                                    "{\"type\":\"chat.start\",\"clientId\":\"s" + v + i + "\",\"text\":\"hi\"}"))
                            .isNull();
                }
            }
            assertThat(answerCode(
                            sockets.get(1),
                            probes.get(1),
                            "{\"type\":\"chat.start\",\"clientId\":\"x\",\"text\":\"hi\"}"))
                    .isEqualTo("RATE_LIMITED");
        }
        try (TestServer tight = TestServer.builder()
                .set("chat.new.conversations.per.minute", "2")
                .start()) {
            String token = tight.client()
                    .post("/api/chat/visitors", Map.of("name", "Kaan"))
                    .json()
                    .get("token")
                    .asText();
            SocketProbe probe = new SocketProbe();
            WebSocket ws = tight.client().openVisitorSocket(probe, token);
            probe.next("hello");
            assertThat(answerCode(ws, probe, "{\"type\":\"chat.start\",\"clientId\":\"a\",\"text\":\"1\"}"))
                    .isNull();
            assertThat(answerCode(ws, probe, "{\"type\":\"chat.start\",\"clientId\":\"b\",\"text\":\"2\"}"))
                    .isNull();
            assertThat(answerCode(ws, probe, "{\"type\":\"chat.start\",\"clientId\":\"c\",\"text\":\"3\"}"))
                    .isEqualTo("RATE_LIMITED");
        }
    }

    @Test
    void agentsSeeOpenConversationsNewestFirst() throws Exception {
        Visitor a = visitor("Hakan");
        a.send("{\"type\":\"chat.start\",\"clientId\":\"h1\",\"text\":\"one\"}");
        a.probe().ack("h1");
        server.clock().advance(Duration.ofSeconds(5));
        Visitor b = visitor("Irmak");
        b.send("{\"type\":\"chat.start\",\"clientId\":\"i1\",\"text\":\"two\"}");
        b.probe().ack("i1");
        var inbox = agent.client().get("/api/chat/conversations").json();
        assertThat(inbox.findValuesAsText("visitorName")).containsExactly("Irmak", "Hakan");
        assertThat(agent.client().get("/api/chat/conversations?status=CLOSED").code())
                .isEqualTo("INVALID_INPUT");
        assertThat(server.client().get("/api/chat/conversations").code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void visitorCreationValidatesAndIsRateLimitedPerAddress() throws Exception {
        assertThat(server.client()
                        .post("/api/chat/visitors", Map.of("name", ""))
                        .code())
                .isEqualTo("INVALID_INPUT");
        assertThat(server.client()
                        .post("/api/chat/visitors", Map.of("name", "J", "phone", "call me"))
                        .code())
                .isEqualTo("INVALID_INPUT");
        try (TestServer tight =
                TestServer.builder().set("chat.new.visitors.per.minute", "3").start()) {
            int limited = 0;
            for (int i = 0; i < 6; i++) {
                if (tight.client()
                                .post("/api/chat/visitors", Map.of("name", "V" + i))
                                .status()
                        == 429) {
                    limited++;
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(2);
        }
    }
}
