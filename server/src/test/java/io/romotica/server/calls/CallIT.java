package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ClientSocket;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import io.romotica.server.testing.TestServer.Visitor;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Support calls over real WebSockets: queue, accept/reject, limits, signaling relay, reconnect, timeouts. */
class CallIT {
    private static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(String... settings) throws Exception {
        var b = TestServer.builder().set("chat.new.visitors.per.minute", "100");
        for (int i = 0; i < settings.length; i += 2) {
            b.set(settings[i], settings[i + 1]);
        }
        server = b.start();
        return server;
    }

    private ClientSocket visitorSocket(Visitor v) throws InterruptedException {
        return ClientSocket.visitor(server.client(), v.token());
    }

    private static void request(ClientSocket s, String clientId) {
        s.send("{\"type\":\"call.request\",\"clientId\":\"" + clientId + "\"}");
    }

    /** The next call.state of the call (any call when {@code callId} is null) with {@code status}. */
    private static JsonNode awaitState(ClientSocket s, String callId, String status) throws InterruptedException {
        return s.next(
                "call.state",
                f -> f.at("/call/status").asText().equals(status)
                        && (callId == null || f.at("/call/id").asText().equals(callId)));
    }

    /** The visitor asks for a call, the agent accepts it; the call's id once the visitor sees it running. */
    private static String acceptedCall(ClientSocket agent, ClientSocket visitor, String clientId)
            throws InterruptedException {
        request(visitor, clientId);
        String id = awaitState(visitor, null, "PENDING").at("/call/id").asText();
        frame(agent, "call.accept", id);
        awaitState(visitor, id, "ACCEPTED");
        return id;
    }

    private static void frame(ClientSocket s, String type, String callId) {
        s.send("{\"type\":\"" + type + "\",\"callId\":\"" + callId + "\"}");
    }

    private static JsonNode errorFor(ClientSocket s, String ref) throws InterruptedException {
        return s.next("error", f -> f.path("ref").asText().equals(ref));
    }

    @Test
    void aVisitorsCallQueuesIsTakenByOneAgentAndSignalingFlowsOnlyBetweenTheTwo() throws Exception {
        start();
        Account ada = server.setupAdmin();
        Account bora = server.createAgent(ada, "bora@example.com", "Bora");
        ClientSocket adaSocket = ClientSocket.agent(ada.client());
        ClientSocket boraSocket = ClientSocket.agent(bora.client());
        Visitor v = server.visitor("Zeynep");
        ClientSocket visitor = visitorSocket(v);

        request(visitor, "c1");
        JsonNode waiting = awaitState(visitor, null, "PENDING");
        String callId = waiting.at("/call/id").asText();
        assertThat(callId).hasSizeGreaterThanOrEqualTo(20);
        assertThat(waiting.get("position").asInt()).isEqualTo(1);
        assertThat(waiting.get("estimatedWaitSeconds").asInt()).isPositive();
        assertThat(awaitState(boraSocket, callId, "PENDING")
                        .at("/call/visitorName")
                        .asText())
                .isEqualTo("Zeynep");

        frame(adaSocket, "call.accept", callId);
        JsonNode accepted = awaitState(visitor, callId, "ACCEPTED");
        assertThat(accepted.at("/call/agentName").asText()).isEqualTo("Ada Admin");
        awaitState(boraSocket, callId, "ACCEPTED");
        frame(boraSocket, "call.accept", callId);
        assertThat(errorFor(boraSocket, callId).get("code").asText()).isEqualTo("CONFLICT");

        adaSocket.send("{\"type\":\"call.signal\",\"callId\":\"" + callId + "\",\"kind\":\"offer\",\"sdp\":\""
                + OFFER.replace("\r\n", "\\r\\n") + "\"}");
        JsonNode offer =
                visitor.next("call.signal", f -> f.path("kind").asText().equals("offer"));
        assertThat(offer.get("sdp").asText()).isEqualTo(OFFER);
        visitor.send("{\"type\":\"call.signal\",\"callId\":\"" + callId + "\",\"kind\":\"candidate\","
                + "\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host\",\"sdpMid\":\"0\","
                + "\"sdpMLineIndex\":0}");
        JsonNode candidate =
                adaSocket.next("call.signal", f -> f.path("kind").asText().equals("candidate"));
        assertThat(candidate.get("candidate").asText()).contains("10.0.0.2 50000");
        assertThat(candidate.get("sdpMLineIndex").asInt()).isZero();

        // A third party can neither send into the call nor hear its signaling.
        boraSocket.send("{\"type\":\"call.signal\",\"callId\":\"" + callId + "\",\"kind\":\"offer\",\"sdp\":\"v=0\"}");
        assertThat(errorFor(boraSocket, callId).get("code").asText()).isEqualTo("NOT_FOUND");
        assertThatThrownBy(() -> boraSocket
                        .probe()
                        .next(f -> f.path("type").asText().equals("call.signal"), Duration.ofSeconds(1)))
                .isInstanceOf(AssertionError.class);
        Visitor stranger = server.visitor("Meraklı");
        ClientSocket strangerSocket = visitorSocket(stranger);
        frame(strangerSocket, "call.hangup", callId);
        assertThat(errorFor(strangerSocket, callId).get("code").asText()).isEqualTo("NOT_FOUND");

        server.clock().advance(Duration.ofSeconds(95));
        frame(visitor, "call.hangup", callId);
        JsonNode ended = awaitState(adaSocket, callId, "ENDED");
        assertThat(ended.at("/call/endReason").asText()).isEqualTo("hangup-visitor");

        JsonNode history = ada.client().get("/api/calls").json();
        assertThat(history).hasSize(1);
        assertThat(history.get(0).at("/call/status").asText()).isEqualTo("ENDED");
        assertThat(history.get(0).get("durationSeconds").asLong()).isEqualTo(95);
        assertThat(ada.client().get("/api/calls?status=MISSED").json()).isEmpty();
        assertThat(ada.client().get("/api/calls?q=zeyn").json()).hasSize(1);
        var csv = ada.client().get("/api/calls/export.csv");
        assertThat(csv.body())
                .startsWith("id,status,")
                .contains(io.romotica.server.common.Csv.cell(callId) + ",ENDED,")
                .contains(",95,Zeynep,Ada Admin,");
    }

    @Test
    void theQueueIsFirstInFirstOutAndPositionsMoveUp() throws Exception {
        start();
        Account ada = server.setupAdmin();
        ClientSocket agent = ClientSocket.agent(ada.client());
        ClientSocket first = visitorSocket(server.visitor("Bir"));
        ClientSocket second = visitorSocket(server.visitor("İki"));
        request(first, "a");
        String firstId = awaitState(first, null, "PENDING").at("/call/id").asText();
        server.clock().advance(Duration.ofSeconds(1));
        request(second, "b");
        JsonNode secondState = second.next("call.state", f -> f.path("position").asInt() == 2);
        String secondId = secondState.at("/call/id").asText();

        JsonNode open = ada.client().get("/api/calls/open").json();
        assertThat(open).hasSize(2);
        assertThat(open.get(0).at("/call/id").asText()).isEqualTo(firstId);
        assertThat(open.get(1).get("position").asInt()).isEqualTo(2);

        frame(agent, "call.accept", firstId);
        assertThat(second.next("call.state", f -> f.path("position").asInt() == 1)
                        .at("/call/id")
                        .asText())
                .isEqualTo(secondId);

        // The same agent is in a call now: the next one is not theirs to take.
        frame(agent, "call.accept", secondId);
        assertThat(errorFor(agent, secondId).get("code").asText()).isEqualTo("AGENT_BUSY");
        frame(agent, "call.reject", secondId);
        assertThat(awaitState(second, secondId, "REJECTED")
                        .at("/call/endReason")
                        .asText())
                .isEqualTo("rejected");
    }

    @Test
    void theDailyLimitStopsNewCallsAndIsShownToAgents() throws Exception {
        start("calls.daily.limit", "1", "calls.time.zone", "Europe/Istanbul");
        Account ada = server.setupAdmin();
        ClientSocket agent = ClientSocket.agent(ada.client());
        ClientSocket one = visitorSocket(server.visitor("Bir"));
        String id = acceptedCall(agent, one, "x");
        frame(agent, "call.hangup", id);
        awaitState(one, id, "ENDED");

        ClientSocket two = visitorSocket(server.visitor("İki"));
        request(two, "y");
        assertThat(errorFor(two, "y").get("code").asText()).isEqualTo("DAILY_LIMIT_REACHED");
        JsonNode limits = ada.client().get("/api/calls/limits").json();
        assertThat(limits.get("teamLimit").asInt()).isEqualTo(1);
        assertThat(limits.get("teamToday").asInt()).isEqualTo(1);
        assertThat(limits.get("agentToday").asInt()).isEqualTo(1);
        assertThat(limits.get("timeZone").asText()).isEqualTo("Europe/Istanbul");

        // A new day in the configured zone frees the limit again.
        server.clock().advance(Duration.ofDays(1));
        request(two, "z");
        assertThat(awaitState(two, null, "PENDING")).isNotNull();
    }

    @Test
    void anUnansweredCallIsMissedAndAWaitingCallerCanCancel() throws Exception {
        start("calls.ring.timeout", "60s");
        server.setupAdmin();
        ClientSocket caller = visitorSocket(server.visitor("Sabırsız"));
        request(caller, "m");
        String id = awaitState(caller, null, "PENDING").at("/call/id").asText();
        server.clock().advance(Duration.ofSeconds(61));
        assertThat(awaitState(caller, id, "MISSED").at("/call/endReason").asText())
                .isEqualTo("no-answer");

        request(caller, "n");
        String next = awaitState(caller, null, "PENDING").at("/call/id").asText();
        frame(caller, "call.hangup", next);
        assertThat(awaitState(caller, next, "CANCELLED")).isNotNull();
    }

    @Test
    void aCallSurvivesASignalingReconnectAndEndsWhenASideDoesNotComeBack() throws Exception {
        start("calls.reconnect.grace", "30s");
        Account ada = server.setupAdmin();
        ClientSocket agent = ClientSocket.agent(ada.client());
        Visitor v = server.visitor("Gezgin");
        ClientSocket first = visitorSocket(v);
        String id = acceptedCall(agent, first, "r");

        first.close();
        ClientSocket again = visitorSocket(v);
        frame(again, "call.resume", id);
        assertThat(awaitState(again, id, "ACCEPTED")).isNotNull();
        server.clock().advance(Duration.ofSeconds(31));
        agent.send("{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"offer\",\"sdp\":\"v=0\"}");
        assertThat(again.next("call.signal", f -> f.path("kind").asText().equals("offer"))
                        .get("sdp")
                        .asText())
                .isEqualTo("v=0");

        again.close();
        JsonNode ended = null;
        for (int i = 0; i < 5 && ended == null; i++) { // the server may see the close a moment after the client
            server.clock().advance(Duration.ofSeconds(31));
            try {
                ended = agent.probe()
                        .next(
                                f -> f.path("type").asText().equals("call.state")
                                        && f.at("/call/status").asText().equals("ENDED"),
                                Duration.ofSeconds(3));
            } catch (AssertionError notYet) {
                // advance again
            }
        }
        assertThat(ended).isNotNull();
        assertThat(ended.at("/call/endReason").asText()).isEqualTo("connection-lost");
    }

    @Test
    void badCallFramesGetErrorsAndTheSocketStaysUp() throws Exception {
        start();
        server.setupAdmin();
        ClientSocket caller = visitorSocket(server.visitor("Deneme"));
        caller.send("{\"type\":\"call.signal\",\"callId\":\"abc\",\"kind\":\"shout\"}");
        assertThat(caller.error().get("code").asText()).isEqualTo("INVALID_INPUT");
        caller.send("{\"type\":\"call.signal\",\"callId\":\"abc\",\"kind\":\"offer\",\"sdp\":\"" + "x".repeat(40_000)
                + "\"}");
        assertThat(caller.error().get("code").asText()).isEqualTo("INVALID_INPUT");
        caller.send("{\"type\":\"call.signal\",\"callId\":\"abc\",\"kind\":\"answer\",\"sdp\":\"<html>\"}");
        assertThat(caller.error().get("code").asText()).isEqualTo("INVALID_INPUT");
        caller.send("{\"type\":\"call.request\",\"clientId\":\"../etc\"}");
        assertThat(caller.error().get("code").asText()).isEqualTo("INVALID_INPUT");
        caller.send("{\"type\":\"call.accept\",\"callId\":\"nosuchcall\"}");
        assertThat(errorFor(caller, "nosuchcall").get("code").asText()).isEqualTo("NOT_FOUND");
        caller.send("{\"type\":\"call.invite\",\"conversationId\":\"abc\"}");
        assertThat(errorFor(caller, "abc").get("code").asText()).isEqualTo("FORBIDDEN");
        caller.send("{\"type\":\"ping\",\"ref\":\"still-here\"}");
        assertThat(caller.next("pong", f -> f.path("ref").asText().equals("still-here")))
                .isNotNull();
    }

    @Test
    void anAgentCanCallTheVisitorOfAConversationAndTransferTheCall() throws Exception {
        start();
        Account ada = server.setupAdmin();
        Account bora = server.createAgent(ada, "bora@example.com", "Bora");
        ClientSocket adaSocket = ClientSocket.agent(ada.client());
        ClientSocket boraSocket = ClientSocket.agent(bora.client());
        ClientSocket visitor = visitorSocket(server.visitor("Müşteri"));
        visitor.send("{\"type\":\"chat.start\",\"clientId\":\"s1\",\"text\":\"arar mısınız?\"}");
        String conversationId = visitor.probe().ack("s1").get("conversationId").asText();

        adaSocket.send("{\"type\":\"call.invite\",\"conversationId\":\"" + conversationId + "\",\"video\":true}");
        JsonNode ringing = awaitState(visitor, null, "RINGING");
        String id = ringing.at("/call/id").asText();
        assertThat(ringing.at("/call/initiator").asText()).isEqualTo("AGENT");
        assertThat(ringing.at("/call/video").asBoolean()).isTrue();
        assertThat(ringing.at("/call/conversationId").asText()).isEqualTo(conversationId);
        frame(visitor, "call.accept", id);
        awaitState(adaSocket, id, "ACCEPTED");

        adaSocket.send("{\"type\":\"call.transfer\",\"callId\":\"" + id + "\",\"agentId\":\"" + bora.id() + "\"}");
        assertThat(boraSocket.next(
                        "call.state", f -> f.at("/call/transferTo").asText().equals(bora.id())))
                .isNotNull();
        frame(boraSocket, "call.accept", id);
        JsonNode taken =
                visitor.next("call.state", f -> f.at("/call/agentId").asText().equals(bora.id()));
        assertThat(taken.at("/call/status").asText()).isEqualTo("ACCEPTED");
        assertThat(taken.at("/call/agentName").asText()).isEqualTo("Bora");
        // Signaling now goes between the visitor and the new agent only.
        boraSocket.send("{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"offer\",\"sdp\":\"v=0\"}");
        assertThat(visitor.next("call.signal", f -> true).get("sdp").asText()).isEqualTo("v=0");
        adaSocket.send("{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"offer\",\"sdp\":\"v=0\"}");
        assertThat(errorFor(adaSocket, id).get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void recordingsAreWrittenChunkByChunkAndOnlyPermittedPeopleGetThem() throws Exception {
        start();
        Account ada = server.setupAdmin();
        Account bora = server.createAgent(ada, "bora@example.com", "Bora");
        Account cem = server.createAgent(ada, "cem@example.com", "Cem");
        assertThat(ada.client()
                        .put("/api/calls/policy", Map.of("recording", "ALWAYS"))
                        .status())
                .isEqualTo(200);
        assertThat(bora.client()
                        .put("/api/calls/policy", Map.of("recording", "OFF"))
                        .status())
                .isEqualTo(403);
        ClientSocket boraSocket = ClientSocket.agent(bora.client());
        Visitor v = server.visitor("Kayıt");
        ClientSocket visitor = visitorSocket(v);
        request(visitor, "k");
        JsonNode waiting = awaitState(visitor, null, "PENDING");
        assertThat(waiting.at("/call/recording").asText()).isEqualTo("ALWAYS");
        String id = waiting.at("/call/id").asText();
        frame(boraSocket, "call.accept", id);
        assertThat(awaitState(visitor, id, "ACCEPTED")
                        .at("/call/recordingActive")
                        .asBoolean())
                .isTrue();

        Map<String, String> asVisitor = Map.of("X-Visitor-Token", v.token());
        var opened = server.client()
                .send(
                        "POST",
                        "/api/calls/" + id + "/recordings",
                        Map.of("contentType", "audio/webm;codecs=opus"),
                        asVisitor);
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        String rec = opened.json().get("id").asText();
        String chunkPath = "/api/calls/" + id + "/recordings/" + rec + "?offset=";
        byte[] a = "first-chunk".getBytes();
        byte[] b = "second".getBytes();
        assertThat(server.client()
                        .upload("PUT", chunkPath + 0, a, asVisitor)
                        .json()
                        .get("size")
                        .asLong())
                .isEqualTo(a.length);
        assertThat(server.client()
                        .upload("PUT", chunkPath + 0, a, asVisitor)
                        .json()
                        .get("size")
                        .asLong())
                .as("a retried chunk is not stored twice")
                .isEqualTo(a.length);
        assertThat(server.client().upload("PUT", chunkPath + 99, b, asVisitor).code())
                .isEqualTo("CONFLICT");
        assertThat(server.client()
                        .upload("PUT", chunkPath + a.length, b, asVisitor)
                        .json()
                        .get("size")
                        .asLong())
                .isEqualTo(a.length + b.length);
        assertThat(server.client()
                        .send("POST", "/api/calls/" + id + "/recordings", Map.of("contentType", "text/html"), asVisitor)
                        .code())
                .isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        JsonNode listed = ada.client().get("/api/calls").json().get(0).get("recordings");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("role").asText()).isEqualTo("VISITOR");
        assertThat(listed.get(0).get("size").asLong()).isEqualTo(a.length + b.length);
        var played = bora.client().download("/api/calls/recordings/" + rec, Map.of());
        assertThat(played.statusCode()).isEqualTo(200);
        assertThat(new String(played.body())).isEqualTo("first-chunksecond");
        assertThat(played.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("audio/webm"));
        assertThat(cem.client()
                        .download("/api/calls/recordings/" + rec, Map.of())
                        .statusCode())
                .as("an agent who did not handle the call")
                .isEqualTo(404);

        frame(boraSocket, "call.hangup", id);
        awaitState(visitor, id, "ENDED");
        byte[] last = "last".getBytes();
        assertThat(server.client()
                        .upload("PUT", chunkPath + (a.length + b.length), last, asVisitor)
                        .json()
                        .get("size")
                        .asLong())
                .as("the chunk in flight when the call ended is still taken")
                .isEqualTo(a.length + b.length + last.length);
        server.clock().advance(Duration.ofSeconds(20));
        assertThat(server.client()
                        .upload("PUT", chunkPath + (a.length + b.length + last.length), b, asVisitor)
                        .code())
                .as("nothing is added once the call is over")
                .isEqualTo("CONFLICT");

        assertThat(ada.client().delete("/api/calls/recordings/" + rec).status()).isEqualTo(204);
        assertThat(ada.client()
                        .download("/api/calls/recordings/" + rec, Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(ada.client()
                        .get("/api/admin/audit?type=CALL_RECORDING_DELETED")
                        .json()
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void erasingAVisitorRemovesTheirCallsAndRecordingFiles() throws Exception {
        start("calls.recording", "always");
        Account ada = server.setupAdmin();
        ClientSocket agent = ClientSocket.agent(ada.client());
        Visitor v = server.visitor("Unutulacak");
        ClientSocket visitor = visitorSocket(v);
        String id = acceptedCall(agent, visitor, "e");
        Map<String, String> asVisitor = Map.of("X-Visitor-Token", v.token());
        String rec = server.client()
                .send("POST", "/api/calls/" + id + "/recordings", Map.of("contentType", "video/webm"), asVisitor)
                .json()
                .get("id")
                .asText();
        server.client()
                .upload("PUT", "/api/calls/" + id + "/recordings/" + rec + "?offset=0", new byte[4096], asVisitor);
        java.nio.file.Path recordings = server.dataDir().resolve("recordings");
        assertThat(countFiles(recordings)).isEqualTo(1);

        var erased = ada.client().post("/api/chat/visitors/" + v.id() + "/erase", null);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);

        assertThat(countFiles(recordings)).isZero();
        assertThat(ada.client().get("/api/calls").json()).isEmpty();
        JsonNode audit = ada.client()
                .get("/api/admin/audit?type=CHAT_CONTACT_ERASED")
                .json()
                .get("items");
        assertThat(audit.get(0).get("details").asText()).contains("1 call recordings erased");
    }

    @Test
    void aFloodOfSignalingIsRefusedAndTheCallGoesOn() throws Exception {
        start("calls.signals.per.minute", "60");
        Account ada = server.setupAdmin();
        ClientSocket agent = ClientSocket.agent(ada.client());
        ClientSocket visitor = visitorSocket(server.visitor("Taşkın"));
        String id = acceptedCall(agent, visitor, "f");

        for (int i = 0; i < 80; i++) {
            visitor.send("{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"candidate\","
                    + "\"candidate\":\"candidate:" + i + " 1 udp 1 10.0.0.2 5000 typ host\"}");
        }
        JsonNode refused = errorFor(visitor, id);
        assertThat(refused.get("code").asText()).isEqualTo("RATE_LIMITED");
        int relayed = 0;
        try {
            while (true) {
                agent.probe().next(f -> f.path("type").asText().equals("call.signal"), Duration.ofSeconds(2));
                relayed++;
            }
        } catch (AssertionError noMore) {
            // all that got through has arrived
        }
        assertThat(relayed).isBetween(55, 65);
        visitor.send("{\"type\":\"ping\",\"ref\":\"after-flood\"}");
        assertThat(visitor.next("pong", f -> f.path("ref").asText().equals("after-flood")))
                .isNotNull();
        frame(agent, "call.hangup", id);
        assertThat(awaitState(visitor, id, "ENDED")).isNotNull();
    }

    @Test
    void anAgentsOwnDailyLimitLeavesTheCallToColleagues() throws Exception {
        start("calls.daily.limit", "0", "calls.daily.limit.per.agent", "1");
        Account ada = server.setupAdmin();
        Account bora = server.createAgent(ada, "bora@example.com", "Bora");
        ClientSocket adaSocket = ClientSocket.agent(ada.client());
        ClientSocket boraSocket = ClientSocket.agent(bora.client());
        ClientSocket first = visitorSocket(server.visitor("Bir"));
        String one = acceptedCall(adaSocket, first, "p1");
        frame(adaSocket, "call.hangup", one);
        awaitState(first, one, "ENDED");

        ClientSocket second = visitorSocket(server.visitor("İki"));
        request(second, "p2");
        String two = awaitState(second, null, "PENDING").at("/call/id").asText();
        frame(adaSocket, "call.accept", two);
        assertThat(errorFor(adaSocket, two).get("code").asText()).isEqualTo("DAILY_LIMIT_REACHED");
        frame(boraSocket, "call.accept", two);
        assertThat(awaitState(second, two, "ACCEPTED").at("/call/agentName").asText())
                .isEqualTo("Bora");
        JsonNode limits = ada.client().get("/api/calls/limits").json();
        assertThat(limits.get("agentLimit").asInt()).isEqualTo(1);
        assertThat(limits.get("agentToday").asInt()).isEqualTo(1);
        assertThat(limits.get("teamToday").asInt()).isEqualTo(2);
    }

    private static long countFiles(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            return files.filter(java.nio.file.Files::isRegularFile)
                    .filter(f -> !f.getParent().getFileName().toString().equals("incoming"))
                    .count();
        }
    }
}
