package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Presence in two real Chromium sessions: the visitor page says when no agent is there, the console marks
 * online visitors and lets the agent go away, by choice or after an idle time.
 */
class PresenceBrowserIT {
    private static final String NOTICE = "#chat-offline-notice";

    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder().set("chat.new.visitors.per.minute", "100").start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void awaitNotice(Browser b, boolean shown) {
        b.await("the offline notice " + (shown ? "shown" : "hidden"), () -> {
            WebElement e = b.driver().findElement(By.cssSelector(NOTICE));
            return e.isDisplayed() == shown;
        });
    }

    @Test
    void visitorSeesWhetherAnAgentIsOnlineAndTheAgentSeesTheVisitor() {
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        // Nobody is signed in: the welcome screen says so (from GET /api/chat/availability).
        awaitNotice(visitor, true);
        assertThat(visitor.text(NOTICE)).contains("No one is online right now");
        visitor.type("#visitor-name", "Zeynep Kaya");
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        awaitNotice(visitor, true);
        // Messages are kept while nobody is there.
        visitor.type("#composer", "Is anyone there?");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");

        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/chats");
        agent.awaitAttribute("#presence-toggle", "data-status", "online");
        awaitNotice(visitor, false);

        // The console marks the visitor online, in the list and in the conversation's header.
        WebElement item = agent.await(
                "Zeynep's conversation",
                () -> agent.driver().findElements(By.cssSelector("#chat-list li[data-conversation-id]")).stream()
                        .filter(li -> li.getText().contains("Zeynep Kaya"))
                        .findFirst()
                        .orElse(null));
        agent.await(
                "the online mark in the list",
                () -> item.findElement(By.cssSelector(".chats-online")).isDisplayed());
        item.click();
        agent.visible("#chat-visitor-online");
        assertThat(agent.js("return document.querySelector('#chat-visitor-online').textContent;"))
                .isEqualTo("online now");

        // The agent chooses Away: visitors hear nobody is there; back Online: the notice goes.
        agent.click("#presence-toggle");
        agent.awaitAttribute("#presence-toggle", "data-status", "away");
        assertThat(agent.text("#presence-toggle")).contains("Away");
        awaitNotice(visitor, true);
        agent.reload();
        // The choice survives a reload and is sent again on the new connection.
        agent.awaitAttribute("#presence-toggle", "data-status", "away");
        visitor.reload();
        visitor.visible("#composer");
        awaitNotice(visitor, true);
        agent.click("#presence-toggle");
        agent.awaitAttribute("#presence-toggle", "data-status", "online");
        awaitNotice(visitor, false);
    }

    @Test
    void anIdleConsoleGoesAwayAndComesBackOnActivity() {
        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.js("localStorage.setItem('romotica.idleMs', '1500');");
        agent.get("/console/chats");
        agent.visible("#presence-toggle");

        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        visitor.type("#visitor-name", "Mehmet Demir");
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        // With nobody touching the console it goes away by itself, and visitors hear that.
        agent.awaitAttribute("#presence-toggle", "data-auto", "true");
        assertThat(agent.text("#presence-toggle")).contains("Away (idle)");
        awaitNotice(visitor, true);

        // Any activity brings the agent back (the agent had not chosen Away); a long idle time from here
        // on, so that it stays back while the visitor's side is checked.
        agent.js("localStorage.setItem('romotica.idleMs', '600000');");
        agent.click("#pane");
        agent.awaitAttribute("#presence-toggle", "data-status", "online");
        awaitNotice(visitor, false);
    }
}
