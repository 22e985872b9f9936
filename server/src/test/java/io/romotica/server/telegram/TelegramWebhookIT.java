package io.romotica.server.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.common.Json;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.FakeTelegram;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Webhook mode: the server registers its URL and secret, checks the secret header and handles each update once. */
class TelegramWebhookIT {
    private static final String SECRET = "webhook-secret_0123456789";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private FakeTelegram telegram;
    private TestServer server;
    private Account admin;

    @BeforeEach
    void start() throws Exception {
        telegram = FakeTelegram.start();
        server = TestServer.builder()
                .set("telegram.bot.token", FakeTelegram.TOKEN)
                .set("telegram.api.url", telegram.url())
                .set("telegram.mode", "webhook")
                .set("telegram.webhook.secret", SECRET)
                .set("public.url", "https://support.example.com")
                .start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
        telegram.close();
    }

    private ApiClient.Response deliver(ObjectNode update, String secret) {
        return server.client()
                .send("POST", "/api/telegram/webhook", update.toString(), Map.of(TelegramRoutes.SECRET_HEADER, secret));
    }

    private static ObjectNode start(long updateId, long chatId, String code) {
        ObjectNode update = Json.MAPPER.createObjectNode().put("update_id", updateId);
        ObjectNode message =
                update.putObject("message").put("message_id", 1).put("date", 0).put("text", "/start " + code);
        message.putObject("chat").put("id", chatId).put("type", "private");
        message.putObject("from").put("id", chatId).put("is_bot", false).put("first_name", "Ada");
        return update;
    }

    @Test
    void registersTheWebhookWithItsSecret() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (telegram.webhookUrl().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(telegram.webhookUrl()).isEqualTo("https://support.example.com/api/telegram/webhook");
        assertThat(telegram.webhookSecret()).isEqualTo(SECRET);
        assertThat(telegram.calls()).doesNotContain("getUpdates");
    }

    @Test
    void anUpdateWithoutTheSecretIsRefused() {
        var r = deliver(start(1, 42, "whatever-code-123"), "wrong-secret-0000000000");
        assertThat(r.status()).isEqualTo(401);
        assertThat(telegram.sent()).isEmpty();
    }

    @Test
    void theSameUpdateDeliveredTwiceIsHandledOnce() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (admin.client()
                .get("/api/telegram/link")
                .json()
                .path("botUsername")
                .isNull()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(100);
        }
        String url = admin.client()
                .post("/api/telegram/link", null)
                .json()
                .get("url")
                .asText();
        ObjectNode update = start(9001, 4242, url.substring(url.indexOf("start=") + 6));
        assertThat(deliver(update, SECRET).status()).isEqualTo(204);
        assertThat(deliver(update, SECRET).status()).isEqualTo(204);
        telegram.awaitSent(s -> s.chatId() == 4242 && s.text().contains("Linked"), WAIT);
        Thread.sleep(1000);
        assertThat(telegram.sent()).hasSize(1); // a second handling would have said the code is used up
        assertThat(admin.client().get("/api/telegram/link").json().get("linked").asBoolean())
                .isTrue();
    }
}
