package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.romotica.server.config.ConfigException;
import io.romotica.server.testing.FreePorts;
import io.romotica.server.testing.StunClient;
import io.romotica.server.testing.StunClient.Message;
import io.romotica.server.testing.TestServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's own STUN responder over real UDP. */
class StunResponderIT {
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final Duration SILENCE = Duration.ofMillis(300);

    private static TestServer server;
    private static InetSocketAddress stun;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .set("stun.port", Integer.toString(FreePorts.udpAndTcp()))
                .start();
        stun = new InetSocketAddress(
                InetAddress.getLoopbackAddress(), server.node().stunPort().orElseThrow());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void bindingRequestIsAnsweredWithTheSendersAddressAndPort() throws Exception {
        try (StunClient client = new StunClient(InetAddress.getLoopbackAddress())) {
            byte[] tx = StunClient.newTransactionId();

            Message m = client.exchange(stun, StunClient.bindingRequest(tx, Map.of(), true), WAIT)
                    .orElseThrow();

            assertThat(m.type()).isEqualTo(StunClient.BINDING_SUCCESS);
            assertThat(m.transactionId()).isEqualTo(tx);
            assertThat(m.xorAddress(StunClient.XOR_MAPPED_ADDRESS)).isEqualTo(client.localAddress());
            assertThat(m.fingerprintValid(client.lastRaw())).isTrue();
        }
    }

    @Test
    void garbageGetsNoAnswerAndTheResponderKeepsAnswering() throws Exception {
        try (StunClient client = new StunClient(InetAddress.getLoopbackAddress())) {
            byte[] oldStyle = StunClient.bindingRequest(StunClient.newTransactionId(), Map.of(), false);
            oldStyle[4] ^= 0x01; // no magic cookie: an RFC 3489 request, which could be spoofed for reflection

            assertThat(client.exchange(stun, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), SILENCE))
                    .isEmpty();
            assertThat(client.exchange(stun, new byte[1400], SILENCE)).isEmpty();
            assertThat(client.exchange(stun, new byte[0], SILENCE)).isEmpty();
            assertThat(client.exchange(stun, oldStyle, SILENCE)).isEmpty();

            Message m = client.exchange(
                            stun, StunClient.bindingRequest(StunClient.newTransactionId(), Map.of(), false), WAIT)
                    .orElseThrow();
            assertThat(m.xorAddress(StunClient.XOR_MAPPED_ADDRESS)).isEqualTo(client.localAddress());
        }
    }

    @Test
    void ipv6SenderGetsItsIpv6Address() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "this machine has no IPv6 loopback address");
        try (StunResponder responder = StunResponder.start("::1", 0);
                StunClient client = new StunClient(InetAddress.getByName("::1"))) {
            var to = new InetSocketAddress(InetAddress.getByName("::1"), responder.port());

            Message m = client.exchange(
                            to, StunClient.bindingRequest(StunClient.newTransactionId(), Map.of(), true), WAIT)
                    .orElseThrow();

            assertThat(m.xorAddress(StunClient.XOR_MAPPED_ADDRESS)).isEqualTo(client.localAddress());
        }
    }

    @Test
    void portInUseIsAConfigurationErrorNamingStunPort() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThatThrownBy(() -> StunResponder.start("127.0.0.1", taken.getLocalPort()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("stun.port: cannot listen on UDP 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void stoppingTheServerFreesThePort() throws Exception {
        int port = FreePorts.udpAndTcp();
        TestServer node =
                TestServer.builder().set("stun.port", Integer.toString(port)).start();
        assertThat(node.node().stunPort()).hasValue(port);

        node.close();

        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    private static boolean ipv6Loopback() {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            return probe.getLocalPort() > 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
