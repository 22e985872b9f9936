package io.romotica.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteFrameTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void decodesAConnectRequest() {
        assertThat(codec.decode("{\"type\":\"remote.connect\",\"hostId\":\"123456789\"}"))
                .isEqualTo(new RemoteFrame.Connect("123456789"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"remote.connect\",\"hostId\":\"12345678\"}",
                "{\"type\":\"remote.connect\",\"hostId\":\"012345678\"}",
                "{\"type\":\"remote.connect\"}",
                "{\"type\":\"remote.relay\",\"sessionId\":\"s1\",\"kind\":\"video\",\"payload\":\"x\"}",
                "{\"type\":\"remote.relay\",\"sessionId\":\"s 1\",\"kind\":\"sdp\",\"payload\":\"x\"}",
                "{\"type\":\"remote.relay\",\"sessionId\":\"s1\",\"kind\":\"sdp\",\"payload\":\"\"}",
                "{\"type\":\"remote.result\",\"sessionId\":\"s1\",\"outcome\":\"MAYBE\"}",
                "{\"type\":\"remote.consent\",\"sessionId\":\"s1\"}",
                "{\"type\":\"remote.end\",\"sessionId\":\"s1\",\"reason\":\"BORED\"}",
                "{\"type\":\"remote.host.register\",\"publicKey\":\"\",\"signature\":\"c2ln\"}",
            })
    void refusesInvalidRemoteFrames(String text) {
        assertThatThrownBy(() -> codec.decode(text))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.code()).isEqualTo(FrameException.INVALID_INPUT));
    }

    @Test
    void refusesARelayPayloadOverTheLimit() {
        String payload = "x".repeat(RemoteFrame.MAX_PAYLOAD + 1);
        assertThatThrownBy(() -> new RemoteFrame.Relay("s1", "sdp", payload)).isInstanceOf(FrameException.class);
    }

    @Test
    void encodesServerRemoteFramesWithTheirType() {
        String json = codec.encode(new RemoteEvent.Session(
                "s1",
                "123456789",
                "viewer",
                null,
                List.of(new RemoteEvent.IceServer(List.of("stun:h:3478"), null, null))));
        assertThat(json)
                .startsWith("{\"type\":\"remote.session\"")
                .contains("\"urls\":[\"stun:h:3478\"]")
                .doesNotContain("username");
        assertThat(codec.encode(new RemoteEvent.Refused("123456789", "HOST_OFFLINE", null)))
                .isEqualTo("{\"type\":\"remote.refused\",\"hostId\":\"123456789\",\"code\":\"HOST_OFFLINE\"}");
    }
}
