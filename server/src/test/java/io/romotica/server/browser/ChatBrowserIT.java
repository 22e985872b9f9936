package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WebElement;

/** Live chat in two real Chromium sessions: the visitor page or widget on one side, the console on the other. */
class ChatBrowserIT {
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

    private Browser agentOnChats() {
        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/chats");
        agent.visible("#chat-list");
        return agent;
    }

    static void startAsVisitor(Browser visitor, String name) {
        visitor.type("#visitor-name", name);
        visitor.click("#visitor-start");
        visitor.visible("#composer");
    }

    static void send(Browser b, String composer, String button, String text) {
        b.type(composer, text);
        b.click(button);
    }

    /** Opens the newest conversation of {@code visitorName} in the console. */
    static void openConversation(Browser agent, String visitorName) {
        WebElement item = agent.await(
                "conversation of " + visitorName,
                () -> agent
                        .driver()
                        .findElements(org.openqa.selenium.By.cssSelector("#chat-list li[data-conversation-id]"))
                        .stream()
                        .filter(li -> li.getText().contains(visitorName))
                        .findFirst()
                        .orElse(null));
        item.click();
    }

    @Test
    void visitorAndAgentChatInRealTimeWithTypingAndSeen() {
        Browser agent = agentOnChats();
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        startAsVisitor(visitor, "Ayşe Yılmaz");
        send(visitor, "#composer", "#send", "Merhaba, şifremi unuttum");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");

        openConversation(agent, "Ayşe Yılmaz");
        agent.awaitText("#chat-messages li[data-seq='1']", "Merhaba, şifremi unuttum");

        agent.type("#chat-composer", "Hemen bakıyorum");
        visitor.await(
                "the agent's typing shown to the visitor",
                () -> visitor.present("#typing")
                                && visitor.driver()
                                        .findElement(org.openqa.selenium.By.cssSelector("#typing"))
                                        .isDisplayed()
                                && !visitor.driver()
                                        .findElement(org.openqa.selenium.By.cssSelector("#typing"))
                                        .getText()
                                        .isBlank()
                        ? true
                        : null);
        agent.click("#chat-send");
        visitor.awaitText("#messages li[data-seq='2']", "Hemen bakıyorum");
        assertThat(visitor.visible("#messages li[data-seq='2']").getAttribute("data-sender-kind"))
                .isEqualTo("AGENT");
        // The visitor has the conversation open and visible, so the agent sees "seen" under the reply.
        agent.visible("#chat-seen");

        send(visitor, "#composer", "#send", "Teşekkürler");
        agent.awaitText("#chat-messages li[data-seq='3']", "Teşekkürler");
    }

    @Test
    void hostileTextIsShownAsTextOnBothSidesAndRunsNothing() {
        List<String> payloads = List.of(
                "<img src=x onerror=\"window.__xss=1\">",
                "<script>window.__xss=2</script>",
                "<svg onload=\"window.__xss=3\"></svg>",
                "\"><b id=injected>bold</b>",
                "javascript:window.__xss=4",
                "see https://example.com/help?a=1&b=<x>");
        Browser agent = agentOnChats();
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        String hostileName = "<img src=y onerror=\"window.__xss=9\">Mallory";
        startAsVisitor(visitor, hostileName);
        for (int i = 0; i < payloads.size(); i++) {
            send(visitor, "#composer", "#send", payloads.get(i));
            visitor.awaitAttribute("#messages li[data-seq='" + (i + 1) + "']", "data-state", "sent");
        }
        openConversation(agent, "Mallory");
        for (int i = 0; i < payloads.size(); i++) {
            String shown = agent.awaitText(
                    "#chat-messages li[data-seq='" + (i + 1) + "']",
                    payloads.get(i).substring(0, 8));
            assertThat(shown)
                    .contains(payloads.get(i).length() > 40 ? payloads.get(i).substring(0, 40) : payloads.get(i));
        }
        for (Browser b : List.of(agent, visitor)) {
            assertThat(b.js("return window.__xss === undefined;"))
                    .as("no payload ran")
                    .isEqualTo(true);
            assertThat(b.js("return document.getElementById('injected') === null;"))
                    .isEqualTo(true);
            assertThat(
                            b.js(
                                    "return document.querySelectorAll('#messages img, #chat-messages img, #chat-list img').length;"))
                    .isEqualTo(0L);
        }
        // Links are made clickable only for http(s), with safe attributes.
        WebElement link = agent.visible("#chat-messages li[data-seq='6'] a");
        assertThat(link.getAttribute("href")).startsWith("https://example.com/help");
        assertThat(link.getAttribute("rel")).contains("noopener").contains("noreferrer");
        assertThat(agent.js("return document.querySelectorAll(\"#chat-messages a[href^='javascript']\").length;"))
                .isEqualTo(0L);
    }

    @Test
    void widgetOnAnotherSiteOpensTheChatInAnIsolatedFrame() throws Exception {
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = "<!doctype html><html lang=\"tr\"><head><title>Acme</title></head><body><h1>Acme shop</h1>"
                + "<script src=\"" + server.baseUrl() + "/widget.js\" defer></script></body></html>";
        host.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        host.start();
        try {
            Browser agent = agentOnChats();
            Browser visitor = browsers.open(server);
            visitor.driver().get("http://127.0.0.1:" + host.getAddress().getPort() + "/shop.html");
            visitor.await(
                    "widget script",
                    () -> Boolean.TRUE.equals(visitor.js("return !!window.RomoticaWidget;")) ? true : null);
            assertThat(visitor.js("return document.querySelector('romotica-widget') !== null;"))
                    .isEqualTo(true);
            visitor.js("window.RomoticaWidget.open();");
            visitor.await(
                    "chat frame loaded",
                    () -> Boolean.TRUE.equals(visitor.js("return window.frames.length > 0;")) ? true : null);
            // The frame lives in the widget's closed shadow root; it is still the page's first window frame.
            visitor.driver().switchTo().frame(0);
            visitor.visible("#visitor-name");
            startAsVisitor(visitor, "Widget Visitor");
            assertThat(visitor.js("return document.documentElement.lang;"))
                    .as("follows the host page's language")
                    .isEqualTo("tr");
            send(visitor, "#composer", "#send", "from the widget");
            visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
            openConversation(agent, "Widget Visitor");
            agent.awaitText("#chat-messages li[data-seq='1']", "from the widget");
            visitor.driver().switchTo().defaultContent();
            assertThat(visitor.js("return document.querySelector('h1').textContent;"))
                    .isEqualTo("Acme shop");
        } finally {
            host.stop(0);
        }
    }
}
