package io.romotica.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Bot API fake takes files the way the public Bot API does: multipart/form-data uploads. */
class FakeTelegramTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOUNDARY = "----romotica-test-boundary";

    private FakeTelegram telegram;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        telegram = FakeTelegram.start();
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    @ParameterizedTest
    @CsvSource({
        "sendPhoto, photo, photo.jpg, image/jpeg",
        "sendDocument, document, report.pdf, application/pdf",
        "sendVoice, voice, note.ogg, audio/ogg"
    })
    void multipartUploadIsSentWithItsFileAndParameters(String method, String field, String name, String type)
            throws Exception {
        byte[] bytes = ("bytes of " + name + "\r\n--not-a-boundary\r\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, "form-data; name=\"chat_id\"", null, "4242".getBytes(StandardCharsets.UTF_8));
        part(body, "form-data; name=\"caption\"", null, "Çay <b>hazır</b>".getBytes(StandardCharsets.UTF_8));
        part(body, "form-data; name=\"parse_mode\"", null, "HTML".getBytes(StandardCharsets.UTF_8));
        part(body, "form-data; name=\"reply_parameters\"", null, "{\"message_id\":7}".getBytes(StandardCharsets.UTF_8));
        part(body, "form-data; name=\"" + field + "\"; filename=\"" + name + "\"", type, bytes);
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));

        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(telegram.url() + "/bot" + FakeTelegram.TOKEN + "/" + method))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("ok").asBoolean()).isTrue();
        assertThat(answer.at("/result/caption").asText()).isEqualTo("Çay <b>hazır</b>");
        FakeTelegram.Sent sent = telegram.awaitSent(s -> true, java.time.Duration.ofSeconds(5));
        assertThat(sent.method()).isEqualTo(method);
        assertThat(sent.chatId()).isEqualTo(4242L);
        assertThat(sent.text()).isEqualTo("Çay <b>hazır</b>");
        assertThat(sent.replyTo()).isEqualTo(7L);
        assertThat(telegram.file(sent.params().get(field).asText())).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"sendPhoto, photo", "sendDocument, document", "sendVoice, voice"})
    void aSendWithoutItsFileIsABadRequest(String method, String field) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, "form-data; name=\"chat_id\"", null, "4242".getBytes(StandardCharsets.UTF_8));
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(telegram.url() + "/bot" + FakeTelegram.TOKEN + "/" + method))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body());
        assertThat(error.get("ok").asBoolean()).isFalse();
        assertThat(error.get("error_code").asInt()).isEqualTo(400);
        assertThat(error.get("description").asText()).contains(field);
        assertThat(telegram.sent()).isEmpty();
    }

    private static void part(ByteArrayOutputStream out, String disposition, String type, byte[] content)
            throws Exception {
        StringBuilder head = new StringBuilder("--").append(BOUNDARY).append("\r\n");
        head.append("Content-Disposition: ").append(disposition).append("\r\n");
        if (type != null) {
            head.append("Content-Type: ").append(type).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(content);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}
