package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The server restarts in the middle of a conversation between a visitor page and a console: both sides send
 * while it is down, reconnect by themselves, and end up with every message exactly once, in the same order.
 */
class ChatRestartBrowserIT {
    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    /** Closed after all (not each) tests: browsers are checked and quit after each test, before this. */
    private static TestServer server;

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> texts(Browser b, String list) {
        return b.driver().findElements(By.cssSelector(list + " li[data-seq]")).stream()
                .map(WebElement::getText)
                .toList();
    }

    /** Waits until the page shows exactly {@code expected} (each once, in order) as stored messages. */
    private static void awaitExactly(Browser b, String list, List<String> expected) {
        b.await("exactly " + expected + " in " + list, () -> {
            List<String> shown = texts(b, list);
            if (shown.size() != expected.size()) {
                return null;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!shown.get(i).contains(expected.get(i))) {
                    return null;
                }
            }
            return true;
        });
    }

    @Test
    void nothingIsLostOrDoubledWhenTheServerRestartsMidConversation() throws Exception {
        server = TestServer.builder().start();
        Account admin = server.setupAdmin();
        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/chats");
        agent.visible("#chat-list");
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        ChatBrowserIT.startAsVisitor(visitor, "Kesinti Testi");
        ChatBrowserIT.send(visitor, "#composer", "#send", "önce");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        ChatBrowserIT.openConversation(agent, "Kesinti Testi");
        agent.awaitText("#chat-messages li[data-seq='1']", "önce");
        ChatBrowserIT.send(agent, "#chat-composer", "#chat-send", "cevap bir");
        visitor.awaitText("#messages li[data-seq='2']", "cevap bir");

        // The server goes down; both sides write meanwhile (kept in their outboxes).
        int port = server.port();
        server.stopKeepingData();
        ChatBrowserIT.send(visitor, "#composer", "#send", "kesinti sırasında ziyaretçi");
        ChatBrowserIT.send(agent, "#chat-composer", "#chat-send", "kesinti sırasında ajan");

        server = TestServer.builder()
                .restarting(server)
                .set("port", Integer.toString(port))
                .start();

        List<String> after = List.of("önce", "cevap bir", "kesinti sırasında", "kesinti sırasında");
        awaitExactly(visitor, "#messages", after);
        awaitExactly(agent, "#chat-messages", after);
        for (String text : List.of("kesinti sırasında ziyaretçi", "kesinti sırasında ajan")) {
            assertThat(String.join("\n", texts(visitor, "#messages"))).contains(text);
            assertThat(String.join("\n", texts(agent, "#chat-messages"))).contains(text);
        }
        assertThat(visitor.driver().findElements(By.cssSelector("#messages li[data-state='sending']")))
                .isEmpty();
        // And the conversation simply goes on.
        ChatBrowserIT.send(visitor, "#composer", "#send", "sonra");
        agent.awaitText("#chat-messages li[data-seq='5']", "sonra");
        visitor.awaitAttribute("#messages li[data-seq='5']", "data-state", "sent");
        // The only console errors are the refused connections while the server was down.
        for (Browser b : List.of(visitor, agent)) {
            assertThat(b.takeConsoleErrors()).allMatch(m -> m.contains("ERR_CONNECTION_REFUSED"));
        }
    }
}
