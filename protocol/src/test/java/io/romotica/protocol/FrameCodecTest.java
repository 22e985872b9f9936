package io.romotica.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec();

    @Test
    void decodesAPing() {
        assertThat(codec.decode("{\"type\":\"ping\",\"ref\":\"a1\"}")).isEqualTo(new SystemFrame.Ping("a1"));
    }

    @Test
    void encodesWithTypeFirst() {
        String json = codec.encode(new ServerFrame.Pong("a1", Instant.parse("2026-01-02T03:04:05Z")));
        assertThat(json).isEqualTo("{\"type\":\"pong\",\"ref\":\"a1\",\"serverTime\":\"2026-01-02T03:04:05Z\"}");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json                                   | MALFORMED_FRAME",
                "42                                         | MALFORMED_FRAME",
                "{\"ref\":\"x\"}                            | MALFORMED_FRAME",
                "{\"type\":7}                               | MALFORMED_FRAME",
                "{\"type\":\"nope\"}                        | UNKNOWN_TYPE",
                "{\"type\":\"ping\",\"ref\":5}              | INVALID_INPUT",
                "{\"type\":\"ping\",\"ref\":\"a\",\"x\":1}  | INVALID_INPUT",
            })
    void rejectsBadFramesWithStableCodes(String text, String code) {
        assertThatThrownBy(() -> codec.decode(text))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void trailingDataAfterAFrameIsMalformed() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"ping\"} {\"type\":\"ping\"}"))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.code()).isEqualTo("MALFORMED_FRAME"));
    }

    @Test
    void keepsTheRefOfARejectedFrame() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"nope\",\"ref\":\"r9\"}"))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.ref()).isEqualTo("r9"));
    }

    @Test
    void validationInRecordsBecomesInvalidInput() {
        assertThatThrownBy(() -> codec.decode("{\"type\":\"ping\",\"ref\":\"" + "x".repeat(65) + "\"}"))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.code()).isEqualTo("INVALID_INPUT"));
    }

    @Test
    void refusesOversizeFramesBeforeParsing() {
        String big = "{\"type\":\"ping\",\"ref\":\"" + "x".repeat(FrameCodec.MAX_FRAME_CHARS) + "\"}";
        assertThatThrownBy(() -> codec.decode(big))
                .isInstanceOfSatisfying(
                        FrameException.class, e -> assertThat(e.code()).isEqualTo("FRAME_TOO_LARGE"));
    }

    @Test
    void everyServerFrameHasATypeName() {
        assertTypeNames(ServerFrame.class);
    }

    /** Walks nested sealed families (such as {@code ServerFrame.Remote}) down to the frame records. */
    private void assertTypeNames(Class<?> type) {
        for (Class<?> c : type.getPermittedSubclasses()) {
            if (c.isSealed()) {
                assertTypeNames(c);
            } else {
                assertThat(codec.typeName(c)).as(c.getSimpleName()).isNotBlank();
            }
        }
    }

    @Test
    void aBatchIsSplitIntoFramesThatAreJudgedOneByOne() {
        assertThat(codec.splitBatch("[{\"type\":\"ping\",\"ref\":\"a\"}, 1, {\"type\":\"nope\"}]"))
                .containsExactly("{\"type\":\"ping\",\"ref\":\"a\"}", "1", "{\"type\":\"nope\"}");
        assertThat(codec.splitBatch("[]")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"{\"type\":\"ping\"}", "not json", "[not json", "''"})
    void anythingButAJsonArrayIsOneFrame(String text) {
        assertThat(codec.splitBatch(text)).containsExactly(text);
    }
}
