package io.romotica.desktop.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelMessageTest {
    private final ChannelCodec codec = new ChannelCodec();

    @Test
    void messagesRoundTrip() {
        ChannelMessage m = new ChannelMessage.PointerButton(10, 20, 3, true);
        assertThat(codec.decode(codec.encode(m))).contains(m);
        ChannelMessage done = new ChannelMessage.FileDone("abcdefgh", "0".repeat(64));
        assertThat(codec.decode(codec.encode(done))).contains(done);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"pointer.move\",\"x\":-1,\"y\":0}",
                "{\"type\":\"pointer.button\",\"x\":1,\"y\":1,\"button\":9,\"pressed\":true}",
                "{\"type\":\"unknown\"}",
                "{\"type\":\"key\",\"code\":65}",
                "{\"type\":\"file.offer\",\"transferId\":\"../../x\",\"name\":\"a\",\"size\":1}",
                "{\"type\":\"rights\",\"granted\":[\"root\"]}",
                "not json"
            })
    void malformedMessagesAreDropped(String text) {
        assertThat(codec.decode(text.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void oversizedMessagesAreDropped() {
        String big = "{\"type\":\"clipboard\",\"text\":\"" + "a".repeat(ChannelMessage.MAX_TEXT_BYTES) + "\"}";
        assertThat(codec.decode(big.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "../../etc/passwd|passwd",
                "..\\\\windows\\\\system.ini|system.ini",
                ".bashrc|bashrc",
                "..|file",
                "CON.txt|_CON.txt",
                "a<b>:c.txt|a_b__c.txt",
                "report.pdf|report.pdf"
            })
    void offeredNamesAreSanitised(String offered, String safe) {
        assertThat(FileNames.sanitize(offered)).isEqualTo(safe);
    }

    @Test
    void anExistingFileIsNeverOverwritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "x");
        assertThat(FileNames.unused(dir, "a.txt")).isEqualTo(dir.resolve("a (2).txt"));
    }

    @Test
    void rightsAlwaysIncludeView() {
        assertThat(Right.parseList("control,files")).containsExactlyInAnyOrder(Right.VIEW, Right.CONTROL, Right.FILES);
    }
}
