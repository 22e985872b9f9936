package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.romotica.server.common.Json;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The agents' desk around conversations in real Chromium sessions: canned replies (managed in Admin → Live
 * chat, inserted with /shortcut), search, the details panel (contact, transcripts, erasing a contact), agents'
 * capacity, read pointers that survive reloads, the widget's language, and hostile text everywhere it shows.
 */
class ChatDeskBrowserIT {
    private static TestServer server;
    private static Account admin;

    @RegisterExtension
    final Browser.PerTest browsers = new Browser.PerTest();

    @TempDir
    Path files;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "100")
                .set("chat.uploads.per.minute", "100")
                .start();
        admin = server.setupAdmin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- helpers ---

    private Browser signedInAdmin(Browser.Options options) {
        Browser agent = browsers.open(server, options);
        agent.signIn(admin);
        return agent;
    }

    private Browser agentOnChats() {
        Browser agent = signedInAdmin(Browser.options());
        agent.get("/console/chats");
        agent.visible("#chat-list");
        return agent;
    }

    /** A visitor on /chat who has started a conversation with {@code first} (seq 1). */
    private Browser visitorWithConversation(String name, String first) {
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        visitor.type("#visitor-name", name);
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        send(visitor, "#composer", "#send", first);
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        return visitor;
    }

    private static void send(Browser b, String composer, String button, String text) {
        b.type(composer, text);
        b.click(button);
    }

    private static WebElement listItem(Browser agent, String visitorName) {
        return agent.await(
                "conversation of " + visitorName,
                () -> agent.driver().findElements(By.cssSelector("#chat-list li[data-conversation-id]")).stream()
                        .filter(li -> li.getText().contains(visitorName))
                        .findFirst()
                        .orElse(null));
    }

    private static void openConversation(Browser agent, String visitorName) {
        listItem(agent, visitorName).findElement(By.cssSelector("button")).click();
        agent.visible("#chat-composer");
    }

    /** Fetches a URL in the page (with its cookies): [status, Content-Disposition, body]. */
    @SuppressWarnings("unchecked")
    private static List<Object> fetchInPage(Browser b, String url) {
        return (List<Object>) b.asyncJs("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], { credentials: 'same-origin' })
                  .then(async (r) => done([r.status, r.headers.get('content-disposition') || '', await r.text()]))
                  .catch((e) => done([0, '', String(e)]));
                """, url);
    }

    private static JsonNode dictionary(String language) throws IOException {
        try (InputStream in = ChatDeskBrowserIT.class.getResourceAsStream("/web/i18n/" + language + ".json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    /** A page on another origin (the "customer's site") that embeds the widget. */
    private static HttpServer hostSite(Map<String, String> pages) throws IOException {
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/", exchange -> {
            String page = pages.get(exchange.getRequestURI().getPath());
            byte[] body = (page == null ? "not found" : page).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        host.start();
        return host;
    }

    // --- scenarios ---

    @Test
    void adminManagesCannedRepliesAndAgentInsertsOneWithSlashShortcut() {
        Browser agent = signedInAdmin(Browser.options());
        agent.get("/console/admin?tab=chat");
        agent.visible("#canned-form");

        // A shortcut that breaks the rules is refused at its field, before any request.
        agent.type("#canned-shortcut", "iyi günler!");
        agent.type("#canned-body", "İyi günler dileriz.");
        agent.click("#canned-submit");
        agent.awaitAttribute("#canned-shortcut", "aria-invalid", "true");
        assertThat(agent.text("#canned-shortcut-error")).isNotBlank();

        agent.type("#canned-shortcut", "merhaba");
        agent.type("#canned-body", "Merhaba, size nasıl yardımcı olabilirim?");
        agent.click("#canned-submit");
        agent.awaitText("#canned tr[data-shortcut='merhaba']", "Merhaba, size nasıl yardımcı olabilirim?");
        agent.type("#canned-shortcut", "/Mesai");
        agent.type("#canned-body", "Mesai saatlerimiz 09:00-18:00.");
        agent.click("#canned-submit");
        agent.awaitText("#canned tr[data-shortcut='mesai']", "09:00-18:00");

        // The same shortcut again is a conflict, said at the shortcut field.
        agent.type("#canned-shortcut", "merhaba");
        agent.type("#canned-body", "Başka bir metin");
        agent.click("#canned-submit");
        agent.awaitAttribute("#message", "data-code", "CONFLICT");
        assertThat(agent.visible("#canned-shortcut").getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(agent.text("#canned-shortcut-error")).contains("/merhaba");
        agent.type("#canned-shortcut", "");
        agent.type("#canned-body", "");

        Browser visitor = visitorWithConversation("Canned Ziyaretçi", "Selam");
        agent.click("#console-nav a[data-pane='chats']");
        openConversation(agent, "Canned Ziyaretçi");

        agent.type("#chat-composer", "/me");
        agent.all("#chat-composer-canned li[role='option']", 2);
        WebElement composer = agent.visible("#chat-composer");
        composer.sendKeys("r");
        agent.all("#chat-composer-canned li[role='option']", 1);
        assertThat(agent.visible("#chat-composer-canned li[data-shortcut='merhaba']")
                        .getAttribute("aria-selected"))
                .isEqualTo("true");
        assertThat(composer.getAttribute("aria-expanded")).isEqualTo("true");
        composer.sendKeys(Keys.ENTER);
        agent.await(
                "the reply in the composer",
                () -> "Merhaba, size nasıl yardımcı olabilirim?".equals(composer.getAttribute("value")) ? true : null);
        assertThat(agent.present("#chat-composer-canned:not([hidden])")).isFalse();
        composer.sendKeys(Keys.ENTER);

        visitor.awaitText("#messages li[data-seq='2']", "Merhaba, size nasıl yardımcı olabilirim?");

        // Escape closes the list and leaves what was typed.
        agent.type("#chat-composer", "Bakın: /me");
        agent.visible("#chat-composer-canned");
        composer.sendKeys(Keys.ESCAPE);
        agent.await("the list to close", () -> !agent.present("#chat-composer-canned:not([hidden])") ? true : null);
        assertThat(composer.getAttribute("value")).isEqualTo("Bakın: /me");
    }

    @Test
    void searchOpensTheHitAndTheDetailsPanelShowsTheContactAndDownloadsTranscripts() {
        Browser agent = agentOnChats();
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        visitor.type("#visitor-name", "Fatura Sahibi");
        visitor.type("#visitor-email", "fatura@example.com");
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        send(visitor, "#composer", "#send", "Merhaba");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        send(visitor, "#composer", "#send", "Fatura numaram 4711 görünmüyor");
        visitor.awaitAttribute("#messages li[data-seq='2']", "data-state", "sent");

        agent.type("#chat-search", "fatura 4711");
        WebElement hit = agent.visible("#chat-search-results li[data-seq='2'] button");
        assertThat(hit.getText()).contains("Fatura Sahibi").contains("Fatura numaram 4711 görünmüyor");
        assertThat(agent.js("return [...document.querySelectorAll('#chat-search-results mark')]"
                        + ".map((m) => m.textContent).sort().join(',');"))
                .isEqualTo("4711,Fatura");
        assertThat(agent.present("#chat-tabs:not([hidden])")).isFalse();
        hit.click();
        agent.awaitText("#chat-title", "Fatura Sahibi");
        agent.visible("#chat-messages li[data-seq='2'].is-hit");

        // An internal note, then the details panel.
        agent.click("#chat-composer-note");
        send(agent, "#chat-composer", "#chat-send", "Gizli not 9911");
        agent.awaitAttribute("#chat-messages li[data-seq='3']", "data-state", "sent");
        agent.click("#chat-details-toggle");
        assertThat(agent.visible("#chat-details-toggle").getAttribute("aria-expanded"))
                .isEqualTo("true");
        String contact = agent.awaitText("#chat-visitor", "fatura@example.com");
        assertThat(contact).contains("Fatura Sahibi");

        String textHref = agent.visible("#chat-export-text").getAttribute("href");
        List<Object> text = fetchInPage(agent, textHref);
        assertThat(text.get(0)).isEqualTo(200L);
        assertThat(text.get(1).toString()).startsWith("attachment");
        assertThat(text.get(2).toString())
                .contains("Fatura numaram 4711 görünmüyor")
                .contains("Fatura Sahibi")
                .doesNotContain("Gizli not 9911");

        agent.click("#chat-export-notes");
        agent.await(
                "the HTML link to include notes",
                () -> agent.visible("#chat-export-html").getAttribute("href").contains("notes=true"));
        List<Object> html =
                fetchInPage(agent, agent.visible("#chat-export-html").getAttribute("href"));
        assertThat(html.get(0)).isEqualTo(200L);
        assertThat(html.get(2).toString()).contains("<").contains("Gizli not 9911");

        // Back to the list: the search ends with Escape.
        agent.click("#chat-search");
        agent.driver().findElement(By.cssSelector("#chat-search")).sendKeys(Keys.ESCAPE);
        agent.visible("#chat-tabs");
        assertThat(agent.present("#chat-search-panel:not([hidden])")).isFalse();
    }

    @Test
    void aLongConversationOpensAtItsNewestPageAndLoadsEarlierMessagesInPlace() throws Exception {
        Browser visitor = visitorWithConversation("Uzun Sohbet", "Message number 1");
        String conversation = (String) visitor.js("return sessionStorage.getItem('romotica.visitor.open');");
        int total = 250;
        SocketProbe probe = new SocketProbe();
        WebSocket ws = admin.client().openSocket(probe, null);
        probe.next("hello");
        for (int i = 2; i <= total; i++) {
            ws.sendText(
                            "{\"type\":\"chat.send\",\"conversationId\":\"" + conversation + "\",\"clientId\":\"long"
                                    + i + "\",\"text\":\"Message number " + i + "\"}",
                            true)
                    .join();
        }
        assertThat(probe.ack("long" + total).get("seq").asLong()).isEqualTo(total);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();

        // The console opens the conversation at its newest page, with the way to the earlier ones on top.
        Browser agent = agentOnChats();
        openConversation(agent, "Uzun Sohbet");
        agent.visible("#chat-messages li[data-seq='" + total + "']");
        agent.all("#chat-messages li[data-seq]", 200);
        assertThat(agent.present("#chat-messages li[data-seq='1']")).isFalse();
        assertThat(agent.visible("#chat-messages-older").getText()).isEqualTo("Load earlier messages");

        // Scrolling to the top brings the earlier page; the message that was on top stays where it was.
        double before = ((Number) agent.js("""
                        const log = document.getElementById('chat-messages');
                        log.scrollTop = 0;
                        return document.querySelector("#chat-messages li[data-seq='51']").getBoundingClientRect().top;
                        """)).doubleValue();
        agent.await("the first message", () -> agent.present("#chat-messages li[data-seq='1']"));
        agent.all("#chat-messages li[data-seq]", total);
        double after = ((Number)
                        agent.js(
                                "return document.querySelector(\"#chat-messages li[data-seq='51']\").getBoundingClientRect().top;"))
                .doubleValue();
        assertThat(after).as("the reader's place is kept").isCloseTo(before, org.assertj.core.data.Offset.offset(2.0));
        assertThat(agent.text("#chat-messages li[data-seq='1']")).contains("Message number 1");
        agent.await("no more earlier messages", () -> agent.present("#chat-messages li.chat-older[hidden]"));

        // The visitor's page, reloaded, also opens at the newest page; the button loads the rest.
        visitor.reload();
        visitor.visible("#messages li[data-seq='" + total + "']");
        visitor.all("#messages li[data-seq]", 200);
        assertThat(visitor.visible("#messages-older").getText()).isEqualTo("Load earlier messages");
        // Pressed where it is (a WebDriver click would first scroll the log to the top, which loads the
        // page by itself and hides the button under the click).
        visitor.js("document.getElementById('messages-older').click();");
        visitor.await("the first message", () -> visitor.present("#messages li[data-seq='1']"));
        visitor.all("#messages li[data-seq]", total);
        assertThat(visitor.text("#messages li[data-seq='1']")).contains("Message number 1");
        visitor.await("no more earlier messages", () -> visitor.present("#messages li.chat-older[hidden]"));
    }

    @Test
    void adminErasesAContactWhoseConversationLeavesTheListAndWhoseBrowserStartsFresh() {
        Browser agent = agentOnChats();
        Browser visitor = visitorWithConversation("Silinecek Kişi", "Lütfen verilerimi silin");
        openConversation(agent, "Silinecek Kişi");
        agent.click("#chat-details-toggle");
        agent.awaitText("#chat-visitor", "Silinecek Kişi");

        agent.click("#chat-erase");
        WebElement dialog = agent.visible("#chat-erase-dialog");
        assertThat(dialog.getText()).contains("Silinecek Kişi").contains("cannot be undone");
        // Cancel first: nothing happens.
        agent.click("#chat-erase-dialog button[data-action='cancel']");
        agent.await("the dialog to close", () -> !agent.present("#chat-erase-dialog") ? true : null);
        listItem(agent, "Silinecek Kişi");

        agent.click("#chat-erase");
        agent.click("#chat-erase-dialog button[data-action='confirm']");
        agent.awaitAttribute("#message", "data-kind", "success");
        agent.await(
                "the conversation to leave the list",
                () -> agent.driver().findElements(By.cssSelector("#chat-list li")).stream()
                        .noneMatch(li -> li.getText().contains("Silinecek Kişi")));
        assertThat(agent.present(".chats-conv:not([hidden])")).isFalse();
        assertThat(admin.client().get("/api/chat/search?q=verilerimi").json()).isEmpty();

        // The visitor's open page is told at once and forgets them; reloaded, it still asks for a name.
        visitor.visible("#visitor-form");
        assertThat(visitor.present("#messages li")).isFalse();
        visitor.reload();
        visitor.visible("#visitor-form");
        assertThat(visitor.present("#messages li")).isFalse();
    }

    @Test
    void capacityOfAnAgentIsSavedAndCanGoBackToTheDefault() {
        Account ajan = server.createAgent(admin, "kapasite@example.com", "Kapasite Ajanı");
        Browser agent = signedInAdmin(Browser.options());
        agent.get("/console/admin?tab=chat");
        String row = "#capacity tr[data-agent-id='" + ajan.id() + "']";
        agent.visible(row);
        assertThat(agent.visible("#capacity-default-" + ajan.id()).isSelected()).isTrue();
        assertThat(agent.visible("#capacity-" + ajan.id()).isEnabled()).isFalse();

        agent.click("#capacity-default-" + ajan.id());
        agent.type("#capacity-" + ajan.id(), "5000");
        agent.click(row + " .capacity-save");
        agent.awaitAttribute("#capacity-" + ajan.id(), "aria-invalid", "true");
        agent.visible("#capacity-error-" + ajan.id());

        agent.type("#capacity-" + ajan.id(), "3");
        agent.click(row + " .capacity-save");
        agent.awaitAttribute(row, "data-custom", "true");
        assertThat(agent.visible(row).getAttribute("data-capacity")).isEqualTo("3");
        JsonNode saved = find(admin.client().get("/api/chat/agents").json(), ajan.id());
        assertThat(saved.get("capacity").asInt()).isEqualTo(3);
        assertThat(saved.get("customCapacity").asBoolean()).isTrue();

        agent.reload();
        agent.await(
                "the saved capacity after a reload",
                () -> "3".equals(agent.visible("#capacity-" + ajan.id()).getAttribute("value")));

        agent.click("#capacity-default-" + ajan.id());
        agent.click(row + " .capacity-save");
        agent.awaitAttribute(row, "data-custom", "false");
        assertThat(find(admin.client().get("/api/chat/agents").json(), ajan.id())
                        .get("customCapacity")
                        .asBoolean())
                .isFalse();
    }

    private static JsonNode find(JsonNode agents, String id) {
        for (JsonNode a : agents) {
            if (a.get("id").asText().equals(id)) {
                return a;
            }
        }
        throw new AssertionError("no agent " + id + " in " + agents);
    }

    @Test
    void readPointersFromTheServerSurviveReloadsOnBothSides() {
        Browser agent = agentOnChats();
        Browser visitor = visitorWithConversation("Okuma İşaretçisi", "İlk mesaj");
        openConversation(agent, "Okuma İşaretçisi");
        agent.awaitText("#chat-messages li[data-seq='1']", "İlk mesaj");
        send(agent, "#chat-composer", "#chat-send", "Yanıtımız");
        visitor.awaitText("#messages li[data-seq='2']", "Yanıtımız");
        agent.visible("#chat-seen");
        visitor.visible("#seen");

        // The visitor's "Seen" (the agent read their message) comes back after a reload.
        visitor.reload();
        visitor.awaitText("#messages li[data-seq='2']", "Yanıtımız");
        visitor.visible("#seen");

        // The agent leaves the pane; one more message arrives; this browser forgets its read marks.
        agent.click("#console-nav a[data-pane='account']");
        send(visitor, "#composer", "#send", "Bir sorum daha var");
        visitor.awaitAttribute("#messages li[data-seq='3']", "data-state", "sent");
        agent.js("for (const k of Object.keys(localStorage)) if (k.startsWith('romotica.chat.read.'))"
                + " localStorage.removeItem(k);");
        agent.get("/console/chats");
        WebElement item = listItem(agent, "Okuma İşaretçisi");
        // The server's pointer says the agent read up to seq 2: one unread, not three.
        agent.await(
                "one unread message",
                () -> "1".equals(item.findElement(By.cssSelector(".unread")).getText()));
    }

    @Test
    void widgetSpeaksTheHostPagesLanguageOrItsDataLang() throws Exception {
        String widget = server.baseUrl() + "/widget.js";
        HttpServer host = hostSite(Map.of(
                "/en.html",
                "<!doctype html><html lang=\"en-GB\"><head><title>Shop</title></head><body><h1>Shop</h1>"
                        + "<script src=\"" + widget + "\" defer></script></body></html>",
                "/tr.html",
                "<!doctype html><html lang=\"en\"><head><title>Shop</title></head><body><h1>Shop</h1>"
                        + "<script src=\"" + widget + "\" data-lang=\"tr\" defer></script></body></html>"));
        try {
            String site = "http://127.0.0.1:" + host.getAddress().getPort();
            // A Turkish browser: English can only come from the page.
            Browser visitor = browsers.open(server, Browser.options().language("tr-TR"));
            assertThat(chatLanguage(visitor, site + "/en.html")).isEqualTo("en");
            assertThat(visitor.text(".visitor-welcome h1"))
                    .isEqualTo(dictionary("en").get("chat.welcome.title").asText());
            visitor.driver().switchTo().defaultContent();

            // The script tag's data-lang wins over the page's <html lang>.
            Browser other = browsers.open(server, Browser.options().language("en-US"));
            assertThat(chatLanguage(other, site + "/tr.html")).isEqualTo("tr");
            assertThat(other.text(".visitor-welcome h1"))
                    .isEqualTo(dictionary("tr").get("chat.welcome.title").asText());
        } finally {
            host.stop(0);
        }
    }

    /** Opens the page, opens the widget and switches into its chat frame; returns the frame's language. */
    private static String chatLanguage(Browser b, String url) {
        b.driver().get(url);
        b.await("widget script", () -> Boolean.TRUE.equals(b.js("return !!window.RomoticaWidget;")) ? true : null);
        b.js("window.RomoticaWidget.open();");
        b.await("chat frame", () -> Boolean.TRUE.equals(b.js("return window.frames.length > 0;")) ? true : null);
        b.driver().switchTo().frame(0);
        b.visible("#visitor-name");
        return String.valueOf(b.js("return document.documentElement.lang;"));
    }

    @Test
    void hostileTextInNamesMessagesCannedRepliesAndFileNamesRunsNothingOnEitherSide() throws Exception {
        List<String> payloads = List.of(
                "<img src=x onerror=\"window.__xss=1\"> zehirli",
                "<script>window.__xss=2</script> zehirli",
                "javascript:window.__xss=3 zehirli",
                "\"><svg onload=\"window.__xss=4\"> zehirli",
                "<a href=\"javascript:window.__xss=5\">tıkla</a> zehirli",
                "<iframe srcdoc=\"<script>parent.__xss=6</script>\"></iframe> zehirli",
                "\u202Egnp.exe\u202C <b onmouseover=\"window.__xss=7\">x</b> zehirli");
        String cannedBody = "<img src=x onerror=\"window.__xss=8\"> \u202Efdp.exe zehirli";
        var created = admin.client().post("/api/chat/canned", Map.of("shortcut", "kotu", "body", cannedBody));
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        String hostileName = "\"><svg onload=\"window.__xss=9\">Mallory\u202E<img src=y onerror=\"window.__xss=10\">";
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        visitor.type("#visitor-name", hostileName);
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        for (int i = 0; i < payloads.size(); i++) {
            send(visitor, "#composer", "#send", payloads.get(i));
            visitor.awaitAttribute("#messages li[data-seq='" + (i + 1) + "']", "data-state", "sent");
        }
        int fileSeq = payloads.size() + 1;
        Path hostileFile = files.resolve("\"><img src=x onerror=window.__xss=11>\u202Etxt.exe.txt");
        Files.writeString(hostileFile, "just text\n");
        visitor.driver()
                .findElement(By.cssSelector("#composer-file"))
                .sendKeys(hostileFile.toAbsolutePath().toString());
        visitor.awaitAttribute("#composer-tray li", "data-state", "ready");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='" + fileSeq + "']", "data-state", "sent");

        // The admin table lists the canned reply as text.
        Browser agent = signedInAdmin(Browser.options());
        agent.get("/console/admin?tab=chat");
        agent.awaitText("#canned tr[data-shortcut='kotu']", "zehirli");
        agent.click("#console-nav a[data-pane='chats']");
        openConversation(agent, "Mallory");
        assertThat(agent.js("return document.getElementById('chat-title').textContent;"))
                .isEqualTo(hostileName);
        for (int i = 0; i < payloads.size(); i++) {
            agent.awaitText("#chat-messages li[data-seq='" + (i + 1) + "']", "zehirli");
        }
        assertThat(agent.text("#chat-messages li[data-seq='2']")).contains("<script>window.__xss=2</script>");
        // The server cleans the file name of markup and bidi characters; what is left is still text.
        agent.awaitText("#chat-messages li[data-seq='" + fileSeq + "'] .chat-att-name", "onerror");

        // The canned reply: suggested, inserted, sent, shown to the visitor.
        agent.type("#chat-composer", "/kot");
        agent.awaitText("#chat-composer-canned li[data-shortcut='kotu']", "zehirli");
        agent.driver().findElement(By.cssSelector("#chat-composer")).sendKeys(Keys.ENTER);
        agent.await(
                "the canned text in the composer",
                () -> cannedBody.equals(agent.visible("#chat-composer").getAttribute("value")) ? true : null);
        agent.click("#chat-send");
        int cannedSeq = fileSeq + 1;
        visitor.awaitText("#messages li[data-seq='" + cannedSeq + "']", "zehirli");
        assertThat(visitor.text("#messages li[data-seq='" + cannedSeq + "']")).contains("<img src=x onerror=");

        // Search results and the details panel show the same text as text.
        agent.type("#chat-search", "zehirli");
        agent.all("#chat-search-results li", payloads.size() + 1);
        assertThat(agent.text("#chat-search-results")).contains("<script>window.__xss=2</script>");
        agent.click("#chat-search-results li button");
        agent.click("#chat-details-toggle");
        agent.awaitText("#chat-visitor", "Mallory");

        for (Browser b : List.of(agent, visitor)) {
            b.driver().switchTo().defaultContent();
            assertThatThrownBy(() -> b.driver().switchTo().alert())
                    .as("no alert is open")
                    .isInstanceOf(NoAlertPresentException.class);
            assertThat(b.js("return window.__xss === undefined;"))
                    .as("no payload ran")
                    .isEqualTo(true);
            assertThat(
                            b.js(
                                    "return document.querySelectorAll('[onerror], [onload], [onmouseover], [srcdoc],"
                                            + " svg:not(.icon):not(.logo), iframe, a[href^=\"javascript\" i], script:not([src])').length;"))
                    .as("no element made from a payload")
                    .isEqualTo(0L);
        }
    }
}
