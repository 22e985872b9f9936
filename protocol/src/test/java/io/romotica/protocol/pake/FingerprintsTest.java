package io.romotica.protocol.pake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FingerprintsTest {
    private static final String FP =
            "7A:1B:0C:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:02:03:04:05:06:07:08:09:0A:0B:0C";

    @Test
    void findsTheOneSha256Fingerprint() throws PakeException {
        String sdp = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=fingerprint:sha-256 " + FP.toLowerCase() + "\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:sha-256 " + FP + "\r\n";
        assertThat(Fingerprints.of(sdp)).isEqualTo("sha-256 " + FP);
    }

    @Test
    void refusesTwoDifferentFingerprints() {
        String sdp = "a=fingerprint:sha-256 " + FP + "\r\na=fingerprint:sha-256 " + FP.replace("7A", "7B") + "\r\n";
        assertThatThrownBy(() -> Fingerprints.of(sdp)).isInstanceOf(PakeException.class);
    }

    @Test
    void refusesADescriptionWithoutFingerprintOrWithAnotherHash() {
        assertThatThrownBy(() -> Fingerprints.of("v=0\r\n")).isInstanceOf(PakeException.class);
        assertThatThrownBy(() -> Fingerprints.of("a=fingerprint:sha-1 AB:CD\r\n"))
                .isInstanceOf(PakeException.class);
    }

    @Test
    void payloadsRoundTripAndKeepTheirKind() throws PakeException {
        RelayPayloads codec = new RelayPayloads();
        var description = new RelayPayload.Description("offer", "v=0\r\n", "bWFj", 640, 480);
        assertThat(codec.decode("sdp", codec.encode(description))).isEqualTo(description);
        var candidate = new RelayPayload.Candidate("candidate:1 1 udp 1 192.0.2.2 5000 typ host", "0", 0);
        assertThat(codec.decode("ice", codec.encode(candidate))).isEqualTo(candidate);
        assertThatThrownBy(() -> codec.decode("pake", codec.encode(description)))
                .isInstanceOf(PakeException.class);
        assertThatThrownBy(() -> codec.decode("sdp", "{\"t\":\"description\",\"extra\":1}"))
                .isInstanceOf(PakeException.class);
    }

    @Test
    void passwordsUseOnlyTheUnambiguousAlphabet() {
        String password = OneTimePassword.generate(new SecureRandom(), OneTimePassword.LENGTH);
        assertThat(password).hasSize(10).matches("[" + OneTimePassword.ALPHABET + "]+");
        assertThat(OneTimePassword.normalize(" k7qw-3mxn 9a ")).isEqualTo("K7QW3MXN9A");
        assertThatThrownBy(() -> OneTimePassword.generate(new SecureRandom(), 7))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
