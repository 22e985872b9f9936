package io.romotica.server.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.StunClient;
import io.romotica.server.testing.StunClient.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The responder's answers, decoded by the test's own STUN client. */
class StunResponderTest {
    private static final byte[] TX = HexFormat.of().parseHex("b7e7a701bc34d686fa87dfae");

    private static byte[] answer(byte[] request, InetSocketAddress sender) {
        return StunResponder.answer(request, request.length, sender).orElseThrow();
    }

    @Test
    void bindingRequestGetsTheSendersIpv4AddressXoredWithFingerprint() throws Exception {
        var sender = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);

        byte[] raw = answer(StunClient.bindingRequest(TX, Map.of(), false), sender);
        Message m = StunClient.decode(raw);

        assertThat(m.type()).isEqualTo(StunClient.BINDING_SUCCESS);
        assertThat(m.transactionId()).isEqualTo(TX);
        assertThat(m.xorAddress(StunClient.XOR_MAPPED_ADDRESS)).isEqualTo(sender);
        assertThat(m.fingerprintValid(raw)).isTrue();
        assertThat(raw).hasSize(40);
    }

    @Test
    void rfc5769SampleIpv4AddressEncodesAsPublished() throws Exception {
        // RFC 5769 2.2: 192.0.2.1:32853 under this transaction id is XOR-MAPPED-ADDRESS 0001a147e112a643.
        byte[] raw = answer(
                StunClient.bindingRequest(TX, Map.of(), false),
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));

        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(raw, 20, 32))).isEqualTo("002000080001a147e112a643");
    }

    @Test
    void bindingRequestGetsTheSendersIpv6Address() throws Exception {
        var sender = new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);

        byte[] raw = answer(StunClient.bindingRequest(TX, Map.of(), true), sender);
        Message m = StunClient.decode(raw);

        assertThat(m.xorAddress(StunClient.XOR_MAPPED_ADDRESS)).isEqualTo(sender);
        assertThat(m.fingerprintValid(raw)).isTrue();
        assertThat(raw).hasSize(52);
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420NamingIt() throws Exception {
        byte[] request = StunClient.bindingRequest(TX, Map.of(0x0003, new byte[] {0, 0, 0, 6}), false);

        byte[] raw = answer(request, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000));
        Message m = StunClient.decode(raw);

        assertThat(m.type()).isEqualTo(StunClient.BINDING_ERROR);
        assertThat(m.errorCode()).isEqualTo(420);
        assertThat(m.attribute(StunClient.UNKNOWN_ATTRIBUTES)).hasValue(new byte[] {0, 3});
        assertThat(m.fingerprintValid(raw)).isTrue();
    }

    @Test
    void unknownComprehensionOptionalAttributesAreIgnored() throws Exception {
        byte[] request = StunClient.bindingRequest(TX, Map.of(0x8022, "some client".getBytes()), true);

        Message m = StunClient.decode(answer(request, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)));

        assertThat(m.type()).isEqualTo(StunClient.BINDING_SUCCESS);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "", // empty
                "000100002112a442b7e7a701bc34d686fa87df", // header cut short
                "000100002112a443b7e7a701bc34d686fa87dfae", // wrong magic cookie (RFC 3489 request)
                "010100002112a442b7e7a701bc34d686fa87dfae", // a success response, not a request
                "000300002112a442b7e7a701bc34d686fa87dfae", // Allocate: this is no TURN server
                "000100042112a442b7e7a701bc34d686fa87dfae", // length says 4, nothing follows
                "000100082112a442b7e7a701bc34d686fa87dfae80220008616263646566", // attribute runs past the end
                "000100082112a442b7e7a701bc34d686fa87dfae8028000400000000", // wrong FINGERPRINT
                "000100062112a442b7e7a701bc34d686fa87dfae802200026162", // length not a multiple of 4
                "c00100002112a442b7e7a701bc34d686fa87dfae", // first two bits set
            })
    void anythingButAWellFormedBindingRequestIsIgnored(String hex) throws Exception {
        byte[] bytes = HexFormat.of().parseHex(hex);

        assertThat(StunResponder.answer(
                        bytes, bytes.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)))
                .isEmpty();
    }

    @Test
    void attributesAfterTheFingerprintAreRejected() throws Exception {
        byte[] signed = StunClient.bindingRequest(TX, Map.of(), true);
        byte[] extended = Arrays.copyOf(signed, signed.length + 8);
        extended[3] = (byte) (extended.length - 20);
        extended[signed.length] = (byte) 0x80;
        extended[signed.length + 1] = 0x22;
        extended[signed.length + 3] = 4;

        assertThat(StunResponder.answer(
                        extended, extended.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)))
                .isEmpty();
    }

    @Test
    void oversizedDatagramsAreIgnored() throws Exception {
        byte[] big = StunClient.bindingRequest(TX, Map.of(0x8022, new byte[1300]), false);

        assertThat(StunResponder.answer(big, big.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000)))
                .isEmpty();
    }
}
