package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The visitor token's lifetime as the chat page lives it, on a server whose clock the test moves: a returning
 * visitor's page stores the fresh token it is handed and keeps its conversations; a token left unused past
 * its lifetime makes the page start a new visitor, without console errors.
 */
class VisitorTokenBrowserIT {
    private static TestServer server;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    // Per class, so the browsers (closed after each test) are gone before the server stops.
    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder().set("chat.visitor.token.ttl", "30d").start();
        server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String storedToken(Browser b) {
        return (String) b.js("const v = JSON.parse(localStorage.getItem('romotica.visitor') || 'null');"
                + " return v ? v.token : null;");
    }

    @Test
    void aReturningVisitorKeepsTheirConversationAndAnExpiredOneStartsFresh() {
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        ChatBrowserIT.startAsVisitor(visitor, "Derya");
        ChatBrowserIT.send(visitor, "#composer", "#send", "Kargom nerede?");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        String first = storedToken(visitor);
        assertThat(first).startsWith("v2.");

        // Back after four days: the page is handed a fresh token, stores it, and shows the conversation.
        server.clock().advance(Duration.ofDays(4));
        visitor.reload();
        visitor.awaitText("#messages li[data-seq='1']", "Kargom nerede?");
        String renewed = visitor.await("a renewed token", () -> {
            String t = storedToken(visitor);
            return t != null && !t.equals(first) ? t : null;
        });
        ChatBrowserIT.send(visitor, "#composer", "#send", "Hâlâ bekliyorum");
        visitor.awaitAttribute("#messages li[data-seq='2']", "data-state", "sent");

        // Away longer than the token lives: the page forgets the identity and asks for a name again.
        server.clock().advance(Duration.ofDays(31));
        visitor.reload();
        visitor.visible("#visitor-form");
        assertThat(visitor.awaitText("#message", "expired")).contains("Your earlier chat has expired");
        assertThat(storedToken(visitor)).isNull();
        assertThat(renewed).isNotEqualTo(first);

        // The new visitor starts cleanly.
        ChatBrowserIT.startAsVisitor(visitor, "Derya");
        ChatBrowserIT.send(visitor, "#composer", "#send", "Yeni sohbet");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        assertThat(storedToken(visitor)).isNotEqualTo(renewed).startsWith("v2.");
        assertThat(visitor.present("#messages li[data-seq='2']")).isFalse();
    }
}
