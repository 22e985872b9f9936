package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Live chat in real Chromium over the realtime fallback (server-sent events down, posts up): pinned with
 * {@code ?transport=sse}, and chosen by the pages themselves when the browser cannot open WebSockets.
 */
class ChatFallbackBrowserIT {
    /**
     * A fresh server per test (so connection counts start at zero), stopped only after the browsers are
     * gone: extensions registered earlier run their after-callbacks later.
     */
    static final class FreshServer implements BeforeEachCallback, AfterEachCallback {
        TestServer server;
        Account admin;

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            server = TestServer.start();
            admin = server.setupAdmin();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            server.close();
        }
    }

    @RegisterExtension
    @Order(1)
    final FreshServer fresh = new FreshServer();

    @RegisterExtension
    @Order(2)
    final Browser.PerTest browsers = new Browser.PerTest();

    /**
     * Makes every WebSocket in this browser fail before it opens, as behind a proxy that refuses upgrades:
     * pages get a stand-in that reports an error and a close (code 1006) instead of connecting.
     */
    private static void blockWebSockets(Browser b) {
        b.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                                (() => {
                                  class BlockedWebSocket extends EventTarget {
                                    constructor(url) {
                                      super();
                                      this.url = String(url);
                                      this.readyState = 0;
                                      window.__blockedWebSockets = (window.__blockedWebSockets || 0) + 1;
                                      setTimeout(() => {
                                        this.readyState = 3;
                                        this.dispatchEvent(new Event('error'));
                                        this.dispatchEvent(new CloseEvent('close', { code: 1006 }));
                                      }, 20);
                                    }
                                    send() { throw new DOMException('not open', 'InvalidStateError'); }
                                    close() {}
                                  }
                                  Object.assign(BlockedWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
                                  window.WebSocket = BlockedWebSocket;
                                })();
                                """));
    }

    private Browser agentOnChats(boolean blockWebSockets) {
        Browser agent = browsers.open(fresh.server);
        if (blockWebSockets) {
            blockWebSockets(agent);
        }
        agent.signIn(fresh.admin);
        agent.get("/console/chats");
        agent.visible("#chat-list");
        return agent;
    }

    private static void openConversation(Browser agent, String visitorName) {
        WebElement item = agent.await(
                "conversation of " + visitorName,
                () -> agent.driver().findElements(By.cssSelector("#chat-list li[data-conversation-id]")).stream()
                        .filter(li -> li.getText().contains(visitorName))
                        .findFirst()
                        .orElse(null));
        item.click();
    }

    /** Visitor writes, agent reads and answers, visitor reads: a round trip through both pages. */
    private static void roundTrip(Browser visitor, Browser agent, String name) {
        visitor.type("#visitor-name", name);
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        visitor.type("#composer", "Bağlantım WebSocket'e izin vermiyor");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");

        openConversation(agent, name);
        agent.awaitText("#chat-messages li[data-seq='1']", "Bağlantım WebSocket'e izin vermiyor");
        agent.type("#chat-composer", "Sorun değil, buradan da konuşuruz");
        agent.click("#chat-send");
        visitor.awaitText("#messages li[data-seq='2']", "Sorun değil, buradan da konuşuruz");
        assertThat(visitor.visible("#messages li[data-seq='2']").getAttribute("data-sender-kind"))
                .isEqualTo("AGENT");
    }

    private String metrics() {
        return fresh.server.client().get("/metrics").body();
    }

    @Test
    void aVisitorPinnedToTheFallbackChatsWithAnAgentOnTheWebSocket() {
        Browser agent = agentOnChats(false);
        Browser visitor = browsers.open(fresh.server);
        visitor.get("/chat?transport=sse");
        roundTrip(visitor, agent, "Kemal Fallback");
        assertThat(metrics()).as("the visitor's stream").contains("romotica_sse_connections 1.0");
    }

    @Test
    void whenWebSocketsAreBlockedBothPagesFallBackByThemselves() {
        Browser agent = agentOnChats(true);
        Browser visitor = browsers.open(fresh.server);
        blockWebSockets(visitor);
        visitor.get("/chat");
        roundTrip(visitor, agent, "Leyla Blocked");
        for (Browser b : List.of(agent, visitor)) {
            assertThat((Long) b.js("return window.__blockedWebSockets || 0;"))
                    .as("tried the WebSocket first")
                    .isGreaterThanOrEqualTo(2L);
        }
        assertThat(metrics()).as("both pages on the fallback").contains("romotica_sse_connections 2.0");
    }
}
