package io.romotica.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.ServerProcess;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live chat across two nodes on one PostgreSQL + Redis: the visitor on node A (a separate server process),
 * the agent on node B. Messages, typing and read receipts flow both ways; then node A is killed (SIGKILL)
 * and the visitor resumes on node B with exactly what they missed.
 */
class ChatClusterIT {
    @TempDir
    Path dataA;

    private TestServer nodeB;
    private ServerProcess nodeA;

    @AfterEach
    void stop() throws Exception {
        if (nodeA != null && nodeA.process.isAlive()) {
            nodeA.kill();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static JsonNode frame(SocketProbe probe, String type, String key, String value)
            throws InterruptedException {
        return probe.next(
                f -> f.path("type").asText().equals(type) && f.at(key).asText().equals(value), Duration.ofSeconds(15));
    }

    @Test
    void visitorOnOneNodeAndAgentOnTheOtherTalkAndTheVisitorResumesWhenItsNodeDies() throws Exception {
        nodeB = TestServer.builder().cluster().start();
        Account agent = nodeB.setupAdmin();
        nodeA = ServerProcess.start(dataA, nodeB.clusterEnvironment());
        ApiClient onA = nodeA.client();

        SocketProbe agentProbe = new SocketProbe();
        WebSocket agentWs = agent.client().openSocket(agentProbe, null);
        agentProbe.next("hello");

        String token = onA.post("/api/chat/visitors", Map.of("name", "Göksel"))
                .json()
                .get("token")
                .asText();
        SocketProbe visitorProbe = new SocketProbe();
        WebSocket visitorWs = onA.openVisitorSocket(visitorProbe, token);
        visitorProbe.next("hello");

        visitorWs
                .sendText("{\"type\":\"chat.start\",\"clientId\":\"v1\",\"text\":\"A düğümünden merhaba\"}", true)
                .join();
        String c = visitorProbe.ack("v1").get("conversationId").asText();
        assertThat(frame(agentProbe, "chat.message", "/message/clientId", "v1")
                        .at("/message/body")
                        .asText())
                .isEqualTo("A düğümünden merhaba");

        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"a1\",\"text\":\"B düğümünden cevap\"}",
                        true)
                .join();
        JsonNode reply =
                frame(visitorProbe, "chat.message", "/message/clientId", "a1").get("message");
        assertThat(reply.get("seq").asLong()).isEqualTo(2);

        visitorWs
                .sendText("{\"type\":\"chat.typing\",\"conversationId\":\"" + c + "\",\"typing\":true}", true)
                .join();
        assertThat(frame(agentProbe, "chat.typing", "/partyKind", "VISITOR")
                        .get("name")
                        .asText())
                .isEqualTo("Göksel");
        visitorWs
                .sendText("{\"type\":\"chat.read\",\"conversationId\":\"" + c + "\",\"seq\":2}", true)
                .join();
        assertThat(frame(agentProbe, "chat.read", "/partyKind", "VISITOR")
                        .get("seq")
                        .asLong())
                .isEqualTo(2);
        agentWs.sendText("{\"type\":\"chat.read\",\"conversationId\":\"" + c + "\",\"seq\":1}", true)
                .join();
        assertThat(frame(visitorProbe, "chat.read", "/partyKind", "AGENT")
                        .get("seq")
                        .asLong())
                .isEqualTo(1);

        // Node A dies with the visitor on it; the agent goes on writing.
        nodeA.kill();
        for (int i = 2; i <= 3; i++) {
            agentWs.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + c + "\",\"clientId\":\"a" + i
                                    + "\",\"text\":\"kaçırılan " + i + "\"}",
                            true)
                    .join();
            agentProbe.ack("a" + i);
        }

        // The visitor's client reconnects to the surviving node and asks for what came after seq 2.
        SocketProbe resumed = new SocketProbe();
        WebSocket again = nodeB.client().openVisitorSocket(resumed, token);
        resumed.next("hello");
        again.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":2}", true)
                .join();
        JsonNode history = resumed.next("chat.history");
        assertThat(history.get("messages").findValuesAsText("body")).isEqualTo(List.of("kaçırılan 2", "kaçırılan 3"));
        assertThat(history.get("lastSeq").asLong()).isEqualTo(4);

        // And the conversation goes on from there, live.
        again.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"v2\",\"text\":\"geri geldim\"}",
                        true)
                .join();
        assertThat(resumed.ack("v2").get("seq").asLong()).isEqualTo(5);
        assertThat(frame(agentProbe, "chat.message", "/message/clientId", "v2")
                        .at("/message/seq")
                        .asLong())
                .isEqualTo(5);
    }
}
