package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.FakeTelegram;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Telegram bot seen from real browsers: an agent's Telegram reply appears in the visitor's chat; a visitor
 * verifies their phone through the bot and agents see the number marked verified.
 */
class TelegramBrowserIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long AGENT_CHAT = 6660001L;

    private static FakeTelegram telegram;
    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        telegram = FakeTelegram.start();
        server = TestServer.builder()
                .set("telegram.bot.token", FakeTelegram.TOKEN)
                .set("telegram.api.url", telegram.url())
                .set("telegram.poll.timeout", "1s")
                .set("telegram.visitor.phone.verification", "true")
                .start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
        telegram.close();
    }

    @Test
    void agentLinksTelegramInTheAccountPaneAndTheirTelegramReplyReachesTheVisitor() throws Exception {
        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/account");
        agent.click("#telegram-link");
        String url = agent.visible("#telegram-deep-link-url").getAttribute("href");
        assertThat(url).startsWith("https://t.me/" + FakeTelegram.BOT_USERNAME + "?start=");
        telegram.message(AGENT_CHAT, "/start " + url.substring(url.indexOf("start=") + 6), 0);
        agent.visible("#telegram-linked");
        agent.get("/console/calls"); // not in the Chats pane: the reply comes from Telegram

        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        ChatBrowserIT.startAsVisitor(visitor, "Selin");
        ChatBrowserIT.send(visitor, "#composer", "#send", "My screen stays black");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("My screen stays black"), WAIT);

        telegram.message(AGENT_CHAT, "Hold the power button for ten seconds.", note.messageId());
        visitor.awaitText("#messages li[data-seq='2']", "Hold the power button for ten seconds.");
    }

    @Test
    void visitorVerifiesTheirPhoneThroughTheBotAndTheConsoleMarksItVerified() throws Exception {
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        ChatBrowserIT.startAsVisitor(visitor, "Nehir");
        ChatBrowserIT.send(visitor, "#composer", "#send", "Please call me back");
        visitor.awaitText("#verify-phone", "Verify my phone with Telegram");
        visitor.click("#verify-phone");
        String url = visitor.visible("#verify-phone-link").getAttribute("href");
        assertThat(url).startsWith("https://t.me/" + FakeTelegram.BOT_USERNAME + "?start=");
        assertThat(visitor.visible("#verify-phone-link").getAttribute("target")).isEqualTo("_blank");

        long chat = 6660002L; // the visitor's own Telegram
        telegram.message(chat, "/start " + url.substring(url.indexOf("start=") + 6), 0);
        telegram.awaitSent(
                s -> s.chatId() == chat
                        && s.params()
                                .at("/reply_markup/keyboard/0/0/request_contact")
                                .asBoolean(),
                WAIT);
        telegram.contact(chat, "+90 532 000 11 22", true);
        telegram.awaitSent(s -> s.chatId() == chat && s.text().contains("verified"), WAIT);
        visitor.awaitText("#phone-verify-status", "Phone verified: +905320001122");
        assertThat(visitor.driver()
                        .findElement(org.openqa.selenium.By.id("verify-phone-link"))
                        .isDisplayed())
                .isFalse();

        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/chats");
        ChatBrowserIT.openConversation(agent, "Nehir");
        agent.click("#chat-details-toggle");
        agent.awaitText("#chat-details", "+905320001122");
        assertThat(agent.visible("#chat-visitor-phone-verified").getText()).isEqualTo("verified");
    }

    @Test
    void theIncomingCallLinkFocusesThatCallOrSaysItIsNoLongerWaiting() throws Exception {
        TestServer.Visitor first = server.visitor("Oya");
        io.romotica.server.testing.ClientSocket.visitor(server.client(), first.token())
                .send("{\"type\":\"call.request\",\"clientId\":\"o1\",\"video\":false}");
        TestServer.Visitor second = server.visitor("Pelin");
        io.romotica.server.testing.ClientSocket.visitor(server.client(), second.token())
                .send("{\"type\":\"call.request\",\"clientId\":\"p1\",\"video\":false}");
        String secondId = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (secondId == null && System.nanoTime() < deadline) {
            for (var s : admin.client().get("/api/calls/open").json()) {
                if (s.at("/call/visitorName").asText().equals("Pelin")) {
                    secondId = s.at("/call/id").asText();
                }
            }
            Thread.sleep(100);
        }
        assertThat(secondId).isNotNull();

        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/calls?call=" + secondId);
        agent.awaitAttribute("#calls-queue li[data-call='" + secondId + "']", "aria-current", "true");
        assertThat(agent.visible("#calls-queue li[data-call='" + secondId + "']")
                        .getAttribute("class"))
                .contains("is-focused");
        assertThat(agent.all("#calls-queue li.is-focused", 1)).hasSize(1);
        assertThat(agent.driver()
                        .findElement(org.openqa.selenium.By.id("calls-focus-note"))
                        .isDisplayed())
                .isFalse();

        agent.get("/console/calls?call=no-such-call-0000000000");
        agent.awaitText("#calls-focus-note", "no longer waiting");
    }
}
