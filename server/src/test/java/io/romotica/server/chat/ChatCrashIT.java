package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.ServerProcess;
import io.romotica.server.testing.SocketProbe;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server process is killed (SIGKILL) mid-conversation: every acknowledged message is still there. */
class ChatCrashIT {
    @TempDir
    Path data;

    @Test
    void everyAcknowledgedMessageSurvivesAKillOfTheServer() throws Exception {
        ServerProcess first = ServerProcess.start(data, Map.of());
        ApiClient http = first.client();
        String token = http.post("/api/chat/visitors", Map.of("name", "Rüya"))
                .json()
                .get("token")
                .asText();
        SocketProbe probe = new SocketProbe();
        WebSocket ws = http.openVisitorSocket(probe, token);
        probe.next("hello");
        ws.sendText("{\"type\":\"chat.start\",\"clientId\":\"c0\",\"text\":\"m0\"}", true)
                .join();
        String conversation = probe.ack("c0").get("conversationId").asText();

        // Send a burst without waiting, then kill the process the moment the 10th acknowledgement arrives.
        for (int i = 1; i <= 20; i++) {
            ws.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + conversation + "\",\"clientId\":\"c" + i
                                    + "\",\"text\":\"m" + i + "\"}",
                            true)
                    .join();
        }
        List<String> acknowledged = new ArrayList<>(List.of("m0"));
        for (int i = 1; i <= 10; i++) {
            acknowledged.add(probe.ack("c" + i).get("body").asText());
        }
        first.kill();

        ServerProcess second = ServerProcess.start(data, Map.of());
        try {
            ApiClient again = second.client();
            SocketProbe after = new SocketProbe();
            WebSocket ws2 = again.openVisitorSocket(after, token);
            after.next("hello");
            ws2.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + conversation + "\",\"afterSeq\":0}", true)
                    .join();
            JsonNode history = after.next("chat.history");
            List<String> stored = history.get("messages").findValuesAsText("body");
            assertThat(stored).as("acknowledged before the kill").containsAll(acknowledged);
            List<Long> seqs = history.get("messages").findValues("seq").stream()
                    .map(JsonNode::asLong)
                    .toList();
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("gap-free sequence").isEqualTo(i + 1L);
            }
        } finally {
            second.terminate();
            second.process.waitFor();
        }
    }
}
