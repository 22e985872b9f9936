package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.Coturn;
import io.romotica.server.testing.StunClient;
import io.romotica.server.testing.StunClient.Message;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TURN credentials GET /api/ice-servers hands out, tried against a real coturn ({@code turnserver}, Debian
 * package coturn) started with the same shared secret: a TURN Allocate with them opens a relay; a tampered or
 * expired one is refused.
 */
class CoturnIT {
    private static final String SECRET = "coturn-integration-secret";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern TURN_URL = Pattern.compile("turn:([0-9.]+):([0-9]+)\\?transport=udp");

    private static Coturn coturn;
    private static TestServer server;
    private static Account agent;

    @BeforeAll
    static void start() throws Exception {
        coturn = Coturn.start(SECRET, InetAddress.getLoopbackAddress());
        server = TestServer.builder()
                .set("turn.urls", coturn.url())
                .set("turn.secret", SECRET)
                .set("turn.credential.ttl", "10m")
                .set("chat.new.visitors.per.minute", "50")
                .start();
        agent = server.setupAdmin();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    private static String coturnLog() {
        return coturn.log();
    }

    /** The TURN entry of an answer: its coturn address, username and credential. */
    private record Turn(InetSocketAddress address, String username, String credential) {}

    private static Turn turn(JsonNode body) {
        for (JsonNode entry : body.get("iceServers")) {
            Matcher m = TURN_URL.matcher(entry.get("urls").get(0).asText());
            if (m.matches()) {
                return new Turn(
                        new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))),
                        entry.get("username").asText(),
                        entry.get("credential").asText());
            }
        }
        throw new AssertionError("no turn: entry in " + body);
    }

    private Turn visitorTurn() {
        var created = server.client().post("/api/chat/visitors", Map.of("name", "Mert"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        var r = server.client()
                .send(
                        "GET",
                        "/api/ice-servers",
                        null,
                        Map.of("X-Visitor-Token", created.json().get("token").asText()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return turn(r.json());
    }

    private static Message allocate(Turn turn, String username, String credential) throws IOException {
        try (StunClient client = new StunClient(InetAddress.getLoopbackAddress())) {
            return client.allocate(turn.address(), username, credential, WAIT);
        }
    }

    @Test
    void agentCredentialOpensARelayOnCoturn() throws Exception {
        var r = agent.client().get("/api/ice-servers");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Turn turn = turn(r.json());

        Message answer = allocate(turn, turn.username(), turn.credential());

        assertThat(answer.type())
                .as("error %d; coturn log:%n%s", answer.errorCode(), coturnLog())
                .isEqualTo(StunClient.ALLOCATE_SUCCESS);
        assertThat(answer.xorAddress(StunClient.XOR_RELAYED_ADDRESS).getAddress())
                .isEqualTo(InetAddress.getLoopbackAddress());
    }

    @Test
    void visitorCredentialOpensARelayOnCoturn() throws Exception {
        Turn turn = visitorTurn();

        Message answer = allocate(turn, turn.username(), turn.credential());

        assertThat(answer.type())
                .as("error %d; coturn log:%n%s", answer.errorCode(), coturnLog())
                .isEqualTo(StunClient.ALLOCATE_SUCCESS);
    }

    @Test
    void tamperedCredentialIsRefusedByCoturn() throws Exception {
        Turn turn = visitorTurn();
        String tampered = (turn.credential().charAt(0) == 'A' ? "B" : "A")
                + turn.credential().substring(1);

        Message answer = allocate(turn, turn.username(), tampered);

        assertThat(answer.type()).isEqualTo(StunClient.ALLOCATE_ERROR);
        assertThat(answer.errorCode()).isEqualTo(401);
    }

    @Test
    void usernameWithAPushedBackExpiryIsRefusedByCoturn() throws Exception {
        Turn turn = visitorTurn();
        int colon = turn.username().indexOf(':');
        long expiry = Long.parseLong(turn.username().substring(0, colon));
        String extended = (expiry + 86_400) + turn.username().substring(colon);

        Message answer = allocate(turn, extended, turn.credential());

        assertThat(answer.type()).isEqualTo(StunClient.ALLOCATE_ERROR);
        assertThat(answer.errorCode()).isEqualTo(401);
    }

    @Test
    void expiredCredentialIsRefusedByCoturn() throws Exception {
        // coturn reads the real time: issue the credential from a server clock 20 minutes behind, so its
        // 10-minute lifetime ended 10 minutes ago.
        server.clock().advance(Duration.ofMinutes(-20));
        Turn turn;
        try {
            turn = visitorTurn();
        } finally {
            server.clock().advance(Duration.ofMinutes(20));
        }

        Message answer = allocate(turn, turn.username(), turn.credential());

        assertThat(answer.type()).isEqualTo(StunClient.ALLOCATE_ERROR);
        assertThat(answer.errorCode()).isEqualTo(401);
        assertThat(Long.parseLong(turn.username().substring(0, turn.username().indexOf(':'))))
                .isLessThan(Instant.now().getEpochSecond());
    }
}
