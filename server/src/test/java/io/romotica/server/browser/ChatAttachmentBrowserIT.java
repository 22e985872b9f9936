package io.romotica.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.romotica.server.common.Json;
import io.romotica.server.testing.Browser;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Chat attachments, voice notes and internal notes in two real Chromium sessions: the visitor page on one
 * side, the console's Chats pane on the other. Files go in through the composers' file inputs, as a person
 * choosing them would; the fake microphone records the voice note.
 */
class ChatAttachmentBrowserIT {
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

    private Browser agentOnChats() {
        Browser agent = browsers.open(server);
        agent.signIn(admin);
        agent.get("/console/chats");
        agent.visible("#chat-list");
        return agent;
    }

    /** A visitor on /chat who has started a conversation with {@code first} (seq 1). */
    private Browser visitorWithConversation(Browser.Options options, String name, String first) {
        Browser visitor = browsers.open(server, options);
        visitor.get("/chat");
        visitor.type("#visitor-name", name);
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        visitor.type("#composer", first);
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        return visitor;
    }

    private static void openConversation(Browser agent, String visitorName) {
        WebElement item = agent.await(
                "conversation of " + visitorName,
                () -> agent.driver().findElements(By.cssSelector("#chat-list li[data-conversation-id]")).stream()
                        .filter(li -> li.getText().contains(visitorName))
                        .findFirst()
                        .orElse(null));
        item.click();
        agent.visible("#chat-composer");
    }

    private Path image(String name, String format, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0x0b6e6b));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        Path file = files.resolve(name);
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
        return file;
    }

    /** Gives a file to a composer's hidden file input, as the file picker would. */
    private static void choose(Browser b, String input, Path file) {
        b.driver()
                .findElement(By.cssSelector(input))
                .sendKeys(file.toAbsolutePath().toString());
    }

    /** Waits until the image in {@code css} has been decoded (a blob: URL with real pixels). */
    private static void awaitLoadedImage(Browser b, String css) {
        b.await(
                "a decoded image at " + css,
                () -> Boolean.TRUE.equals(b.js(
                                "const img = document.querySelector(arguments[0]);"
                                        + " return !!img && img.complete && img.naturalWidth > 0"
                                        + " && img.src.startsWith('blob:');",
                                css))
                        ? true
                        : null);
    }

    private static JsonNode dictionary(String language) throws IOException {
        try (InputStream in = ChatAttachmentBrowserIT.class.getResourceAsStream("/web/i18n/" + language + ".json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    // --- scenarios ---

    @Test
    void picturesTravelBothWaysAsThumbnailsThatOpenFullSize() throws Exception {
        Browser agent = agentOnChats();
        Browser visitor = visitorWithConversation(Browser.options(), "Resim Gönderen", "Ekrana bakar mısınız?");

        choose(visitor, "#composer-file", image("ekran.png", "png", 640, 360));
        visitor.awaitAttribute("#composer-tray li", "data-state", "ready");
        visitor.type("#composer", "hata burada");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='2']", "data-state", "sent");
        assertThat(visitor.present("#composer-tray li"))
                .as("the tray is empty once sent")
                .isFalse();

        openConversation(agent, "Resim Gönderen");
        WebElement received = agent.visible("#chat-messages li[data-seq='2']");
        assertThat(received.getAttribute("data-kind")).isEqualTo("ATTACHMENT");
        awaitLoadedImage(agent, "#chat-messages li[data-seq='2'] img.chat-att-img");
        assertThat(agent.text("#chat-messages li[data-seq='2'] .chat-caption")).isEqualTo("hata burada");

        // The thumbnail opens the full picture in a dialog; Escape closes it.
        agent.click("#chat-messages li[data-seq='2'] button.chat-att-thumb");
        agent.visible("dialog.chat-lightbox[open]");
        awaitLoadedImage(agent, "dialog.chat-lightbox img");
        assertThat(agent.js("return document.querySelector('dialog.chat-lightbox img').naturalWidth;"))
                .isEqualTo(640L);
        agent.driver().switchTo().activeElement().sendKeys(Keys.ESCAPE);
        agent.await("the dialog to close", () -> !agent.present("dialog.chat-lightbox") ? true : null);

        // And back: the agent sends a photo without a caption.
        choose(agent, "#chat-composer-file", image("cevap.jpg", "jpeg", 300, 200));
        agent.awaitAttribute("#chat-composer-tray li", "data-state", "ready");
        agent.click("#chat-send");
        agent.awaitAttribute("#chat-messages li[data-seq='3']", "data-state", "sent");
        assertThat(visitor.visible("#messages li[data-seq='3']").getAttribute("data-sender-kind"))
                .isEqualTo("AGENT");
        awaitLoadedImage(visitor, "#messages li[data-seq='3'] img.chat-att-img");
        assertThat(visitor.js("return document.querySelector(\"#messages li[data-seq='3'] img\").alt;"))
                .isEqualTo("cevap.jpg");
    }

    @Test
    void pastedPictureAndDroppedFileAreSentInOrderWithTheCaptionOnTheFirst() {
        Browser visitor = browsers.open(server);
        visitor.get("/chat");
        visitor.type("#visitor-name", "Yapıştıran");
        visitor.click("#visitor-start");
        visitor.visible("#composer");
        // A new conversation starts with text: until then the attach buttons are off and say why.
        assertThat(visitor.visible("#composer-attach").isEnabled()).isFalse();
        assertThat(visitor.visible("#composer-record").isEnabled()).isFalse();
        visitor.visible("#composer-attach-hint");
        visitor.type("#composer", "İki dosya geliyor");
        visitor.click("#send");
        visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");
        visitor.await(
                "the attach button to be enabled",
                () -> visitor.visible("#composer-attach").isEnabled());
        assertThat(visitor.present("#composer-attach-hint:not([hidden])")).isFalse();

        // A screenshot pasted into the composer, then a text file dropped on the conversation.
        visitor.asyncJs("""
                const done = arguments[arguments.length - 1];
                const canvas = document.createElement('canvas');
                canvas.width = 120;
                canvas.height = 80;
                canvas.getContext('2d').fillRect(0, 0, 120, 80);
                canvas.toBlob((blob) => {
                  const data = new DataTransfer();
                  data.items.add(new File([blob], 'image.png', { type: 'image/png' }));
                  document.getElementById('composer').dispatchEvent(
                      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
                  done(true);
                }, 'image/png');
                """);
        visitor.all("#composer-tray li", 1);
        visitor.js("""
                const data = new DataTransfer();
                data.items.add(new File(['not a picture, just notes'], 'notlar.txt', { type: 'text/plain' }));
                const target = document.getElementById('messages');
                for (const type of ['dragenter', 'dragover', 'drop']) {
                  target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
                }
                """);
        visitor.all("#composer-tray li[data-state='ready']", 2);
        visitor.type("#composer", "ikisi de burada");
        visitor.click("#send");

        visitor.awaitAttribute("#messages li[data-seq='3']", "data-state", "sent");
        awaitLoadedImage(visitor, "#messages li[data-seq='2'] img.chat-att-img");
        assertThat(visitor.text("#messages li[data-seq='2'] .chat-caption")).isEqualTo("ikisi de burada");
        assertThat(visitor.text("#messages li[data-seq='3'] .chat-att-name")).isEqualTo("notlar.txt");
        assertThat(visitor.present("#messages li[data-seq='3'] .chat-caption")).isFalse();
        assertThat(visitor.present("#composer-tray li")).isFalse();
    }

    @Test
    void voiceNoteRecordedByTheVisitorPlaysInTheConsole() {
        Browser agent = agentOnChats();
        Browser visitor = visitorWithConversation(Browser.options().fakeMedia(), "Sesli Ziyaretçi", "Merhaba");

        visitor.click("#composer-record");
        visitor.visible("#composer-recorder");
        // Record for about a second (the fake microphone beeps), then send.
        visitor.awaitText("#composer-rec-time", "0:01");
        visitor.click("#composer-rec-send");
        visitor.awaitAttribute("#messages li[data-seq='2']", "data-state", "sent");
        assertThat(visitor.present("#composer-recorder:not([hidden])")).isFalse();

        openConversation(agent, "Sesli Ziyaretçi");
        String src = agent.await("a playable voice note", () -> {
            Object s = agent.js("const a = document.querySelector(\"#chat-messages li[data-seq='2'] audio\");"
                    + " return a && a.src.startsWith('blob:') ? a.src : null;");
            return s == null ? null : s.toString();
        });
        assertThat(src).startsWith("blob:");
        assertThat(agent.js("return document.querySelector(\"#chat-messages li[data-seq='2'] audio\").controls;"))
                .isEqualTo(true);
    }

    @Test
    void voiceNoteRecordedInTheWidgetOnAnotherSitePlaysInTheConsoleWithItsLength() throws Exception {
        String page = "<!doctype html><html lang=\"en\"><head><title>Shop</title></head><body><h1>Shop</h1>"
                + "<script src=\"" + server.baseUrl() + "/widget.js\" defer></script></body></html>";
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
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
            Browser visitor = browsers.open(server, Browser.options().fakeMedia());
            visitor.driver().get("http://127.0.0.1:" + host.getAddress().getPort() + "/shop.html");
            visitor.await("widget script", () -> Boolean.TRUE.equals(visitor.js("return !!window.RomoticaWidget;")));
            visitor.js("window.RomoticaWidget.open();");
            visitor.await("chat frame", () -> Boolean.TRUE.equals(visitor.js("return window.frames.length > 0;")));
            visitor.driver().switchTo().frame(0);
            visitor.type("#visitor-name", "Widget Sesli");
            visitor.click("#visitor-start");
            visitor.type("#composer", "Bir sesli not bırakıyorum");
            visitor.click("#send");
            visitor.awaitAttribute("#messages li[data-seq='1']", "data-state", "sent");

            // The real recorder: microphone button, the recorder bar counting up, Send.
            visitor.click("#composer-record");
            visitor.visible("#composer-recorder");
            visitor.awaitText("#composer-rec-time", "0:02");
            visitor.click("#composer-rec-send");
            visitor.awaitAttribute("#messages li[data-seq='2']", "data-state", "sent");
            assertThat(visitor.present("#composer-recorder:not([hidden])")).isFalse();
            visitor.driver().switchTo().defaultContent();

            // The console plays it: a player whose length is known (about the two seconds recorded).
            openConversation(agent, "Widget Sesli");
            Object duration = agent.await("a voice note with a known length", () -> agent.js("""
                    const a = document.querySelector("#chat-messages li[data-seq='2'] audio");
                    return a && a.readyState >= 1 && Number.isFinite(a.duration) && a.duration > 0 ? a.duration : null;
                    """));
            assertThat(((Number) duration).doubleValue()).isBetween(1.0, 10.0);
            assertThat(agent.js("return document.querySelector(\"#chat-messages li[data-seq='2'] audio\").controls;"))
                    .isEqualTo(true);

            // What the download gives is audio/webm (Chromium records Opus in WebM), starting with the EBML magic.
            String id = (String) agent.js("return document.querySelector("
                    + "\"#chat-messages li[data-seq='2'] [data-attachment-id]\").dataset.attachmentId;");
            @SuppressWarnings("unchecked")
            java.util.List<Object> download = (java.util.List<Object>) agent.asyncJs("""
                    const done = arguments[arguments.length - 1];
                    fetch('/api/chat/attachments/' + arguments[0], { credentials: 'same-origin' })
                      .then(async (r) => {
                        const bytes = new Uint8Array(await r.arrayBuffer());
                        const head = [...bytes.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join('');
                        done([r.status, r.headers.get('content-type') || '', head, bytes.length]);
                      })
                      .catch((e) => done([0, String(e), '', 0]));
                    """, id);
            assertThat(download.get(0)).isEqualTo(200L);
            assertThat(download.get(1).toString()).startsWith("audio/webm");
            assertThat(download.get(2)).isEqualTo("1a45dfa3");
            assertThat(((Number) download.get(3)).longValue()).isGreaterThan(1000L);
        } finally {
            host.stop(0);
        }
    }

    @Test
    void internalNoteIsShownToAgentsAndNeverToTheVisitor() {
        Browser agent = agentOnChats();
        Browser visitor = visitorWithConversation(Browser.options(), "Not Ziyaretçisi", "Siparişim nerede?");
        openConversation(agent, "Not Ziyaretçisi");
        agent.awaitText("#chat-messages li[data-seq='1']", "Siparişim nerede?");

        agent.click("#chat-composer-note");
        assertThat(agent.visible("#chat-composer-note").getAttribute("aria-pressed"))
                .isEqualTo("true");
        agent.visible("#chat-composer-note-banner");
        agent.type("#chat-composer", "VIP müşteri, iade onaylandı");
        agent.click("#chat-send");
        WebElement note = agent.awaitAttribute("#chat-messages li[data-seq='2']", "data-state", "sent");
        assertThat(note.getAttribute("data-kind")).isEqualTo("NOTE");
        assertThat(note.getAttribute("class")).contains("is-note");
        assertThat(note.getText())
                .contains("VIP müşteri, iade onaylandı")
                .contains("Internal note — the visitor does not see this");

        // Back to a reply, which the visitor does get.
        agent.click("#chat-composer-note");
        assertThat(agent.visible("#chat-composer-note").getAttribute("aria-pressed"))
                .isEqualTo("false");
        agent.type("#chat-composer", "Kargoda, yarın elinizde");
        agent.click("#chat-send");
        agent.awaitAttribute("#chat-messages li[data-seq='3']", "data-state", "sent");

        visitor.awaitText("#messages li[data-seq='3']", "Kargoda, yarın elinizde");
        assertThat(visitor.present("#messages li[data-seq='2']")).isFalse();
        assertThat(visitor.text("#messages")).doesNotContain("VIP");
        assertThat(visitor.all("#messages li[data-seq]", 2)).hasSize(2);

        // After a reload the conversation comes from history, where the note is a hidden stand-in.
        visitor.reload();
        visitor.awaitText("#messages li[data-seq='3']", "Kargoda, yarın elinizde");
        assertThat(visitor.present("#messages li[data-seq='2']")).isFalse();
        assertThat(visitor.text("#messages")).doesNotContain("VIP");
    }

    @Test
    void refusedFileShowsTheReasonInTheVisitorsLanguage() throws Exception {
        Browser visitor = visitorWithConversation(Browser.options().language("tr-TR"), "Dosya Deneyen", "Selam");
        Path exe = files.resolve("kurulum.exe");
        Files.write(exe, "MZ\u0090\0\3\0\0\0\4\0\0\0".getBytes(StandardCharsets.ISO_8859_1));

        choose(visitor, "#composer-file", exe);
        WebElement item = visitor.awaitAttribute("#composer-tray li", "data-state", "failed");
        assertThat(item.getAttribute("data-code")).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(visitor.text("#composer-tray li .chat-tray-status"))
                .isEqualTo(dictionary("tr")
                        .get("chat.upload.error.UNSUPPORTED_MEDIA_TYPE")
                        .asText());

        // The refused file can be removed; nothing was sent.
        visitor.click("#composer-tray li .chat-tray-cancel");
        visitor.await("the tray to empty", () -> !visitor.present("#composer-tray li") ? true : null);
        assertThat(visitor.present("#messages li[data-seq='2']")).isFalse();
    }
}
