package io.romotica.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ClientSocket;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A call across two nodes on one PostgreSQL + Redis: visitor on node A, agents on node B. */
class CallClusterIT {
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeEach
    void start() throws Exception {
        nodeA = TestServer.builder().cluster().start();
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

    private static JsonNode state(ClientSocket s, String status) throws InterruptedException {
        return s.next("call.state", f -> f.at("/call/status").asText().equals(status));
    }

    @Test
    void queueAcceptSignalingAndHangupFlowBetweenNodes() throws Exception {
        Account admin = nodeA.setupAdmin();
        Account bora = nodeA.createAgent(admin, "bora@example.com", "Bora");
        ClientSocket agentOnB = ClientSocket.agent(nodeB.login(admin));
        ClientSocket boraOnB = ClientSocket.agent(nodeB.login(bora));
        ClientSocket visitorOnA =
                ClientSocket.visitor(nodeA.client(), nodeA.visitor("Uzak").token());

        visitorOnA.send("{\"type\":\"call.request\",\"clientId\":\"k1\"}");
        String id = state(agentOnB, "PENDING").at("/call/id").asText();
        state(boraOnB, "PENDING");

        agentOnB.send("{\"type\":\"call.accept\",\"callId\":\"" + id + "\"}");
        assertThat(state(visitorOnA, "ACCEPTED").at("/call/agentName").asText()).isEqualTo("Ada Admin");

        agentOnB.send("{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"offer\",\"sdp\":\"v=0 from B\"}");
        assertThat(visitorOnA.next("call.signal", f -> true).get("sdp").asText())
                .isEqualTo("v=0 from B");
        visitorOnA.send(
                "{\"type\":\"call.signal\",\"callId\":\"" + id + "\",\"kind\":\"answer\",\"sdp\":\"v=0 from A\"}");
        assertThat(agentOnB.next("call.signal", f -> true).get("sdp").asText()).isEqualTo("v=0 from A");
        visitorOnA.send("{\"type\":\"call.control\",\"callId\":\"" + id + "\",\"action\":\"video-on\"}");
        assertThat(agentOnB.next("call.control", f -> true).get("action").asText())
                .isEqualTo("video-on");

        visitorOnA.send("{\"type\":\"call.hangup\",\"callId\":\"" + id + "\"}");
        assertThat(state(agentOnB, "ENDED").at("/call/endReason").asText()).isEqualTo("hangup-visitor");
        state(boraOnB, "ENDED");
        // Bora, on the same node as the agent, never saw the call's signaling.
        assertThatThrownBy(() -> boraOnB.probe()
                        .next(
                                f -> f.path("type").asText().equals("call.signal")
                                        || f.path("type").asText().equals("call.control"),
                                java.time.Duration.ofMillis(500)))
                .isInstanceOf(AssertionError.class);
    }
}
