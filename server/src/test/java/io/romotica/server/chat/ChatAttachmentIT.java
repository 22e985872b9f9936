package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.realtime.Parties;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chat attachments and internal notes over the real HTTP API and WebSockets: type from content, allow-list,
 * size and rate limits, metadata stripped from images, thumbnails, safe download headers, access checks.
 */
class ChatAttachmentIT {
    private static final int MAX_BYTES = 200_000;
    private static final int UPLOADS_PER_MINUTE = 6;

    private TestServer server;
    private Account agent;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder()
                .set("chat.new.visitors.per.minute", "50")
                .set("chat.attachment.max.bytes", Integer.toString(MAX_BYTES))
                .set("chat.uploads.per.minute", Integer.toString(UPLOADS_PER_MINUTE))
                .start();
        agent = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Visitor(String id, String token, SocketProbe probe, WebSocket ws, String conversationId) {
        void send(String json) {
            ws.sendText(json, true).join();
        }

        Map<String, String> auth(String fileName) {
            return Map.of(Parties.VISITOR_TOKEN, token, ChatRoutes.FILE_NAME, fileName);
        }
    }

    /** A visitor with an open socket and a started conversation. */
    private Visitor visitorWithConversation(String name) throws InterruptedException {
        var r = server.client().post("/api/chat/visitors", Map.of("name", name));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String token = r.json().get("token").asText();
        SocketProbe probe = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(probe, token);
        probe.next("hello");
        ws.sendText("{\"type\":\"chat.start\",\"clientId\":\"start\",\"text\":\"Merhaba\"}", true)
                .join();
        String conversation = probe.ack("start").get("conversationId").asText();
        return new Visitor(r.json().get("visitorId").asText(), token, probe, ws, conversation);
    }

    private SocketProbe agentSocket() throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        agentWs = agent.client().openSocket(probe, null);
        probe.next("hello");
        return probe;
    }

    private WebSocket agentWs;

    private static String uploadPath(String conversationId) {
        return "/api/chat/conversations/" + conversationId + "/attachments";
    }

    /** A JPEG whose EXIF says "rotate 90° clockwise" and whose comment holds a secret location. */
    private static byte[] photoWithMetadata(int width, int height) throws Exception {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(Color.BLUE);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", plain);
        byte[] jpeg = plain.toByteArray();

        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8); // header, IFD0 at 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) 6)
                .putShort((short) 0);
        tiff.putInt(0); // no next IFD
        byte[] exif = new byte[6 + tiff.capacity()];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, exif, 0, 6);
        System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
        byte[] comment = "GPS 41.0082 28.9784 secret-location".getBytes(StandardCharsets.US_ASCII);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        segment(out, 0xE1, exif);
        segment(out, 0xFE, comment);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        int length = payload.length + 2;
        out.write(0xFF);
        out.write(marker);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.write(payload, 0, payload.length);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    void photoIsStrippedTurnedUprightThumbnailedAndDeliveredToTheOtherSide() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitorWithConversation("Deniz");
        byte[] photo = photoWithMetadata(800, 400);
        assertThat(contains(photo, "secret-location")).isTrue();

        var up = server.client()
                .upload(uploadPath(v.conversationId()), photo, v.auth("tatil%20foto%C4%9Fraf%C4%B1.jpg"));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        JsonNode info = up.json();
        assertThat(info.get("contentType").asText()).isEqualTo("image/jpeg");
        assertThat(info.get("name").asText()).isEqualTo("tatil fotoğrafı.jpg");
        // EXIF orientation 6 was applied to the pixels: 800×400 stands up as 400×800.
        assertThat(info.get("width").asInt()).isEqualTo(400);
        assertThat(info.get("height").asInt()).isEqualTo(800);
        assertThat(info.get("thumbnail").asBoolean()).isTrue();
        String id = info.get("id").asText();

        v.send("{\"type\":\"chat.send\",\"conversationId\":\"" + v.conversationId()
                + "\",\"clientId\":\"p1\",\"text\":\"ekran\",\"attachmentId\":\"" + id + "\"}");
        JsonNode sent = v.probe().ack("p1");
        assertThat(sent.get("kind").asText()).isEqualTo("ATTACHMENT");
        assertThat(sent.at("/attachment/id").asText()).isEqualTo(id);
        JsonNode atAgent = agentProbe
                .next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/clientId").asText().equals("p1"),
                        Duration.ofSeconds(10))
                .get("message");
        assertThat(atAgent.at("/attachment/contentType").asText()).isEqualTo("image/jpeg");

        HttpResponse<byte[]> full = agent.client().download("/api/chat/attachments/" + id, Map.of());
        assertThat(full.statusCode()).isEqualTo(200);
        assertThat(full.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(full.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(full.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment; filename=\"tatil foto_raf_.jpg\"")
                .contains("filename*=UTF-8''tatil%20foto%C4%9Fraf%C4%B1.jpg");
        assertThat(full.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("sandbox");
        assertThat(contains(full.body(), "secret-location")).isFalse();
        assertThat(contains(full.body(), "Exif")).isFalse();
        BufferedImage kept = ImageIO.read(new ByteArrayInputStream(full.body()));
        assertThat(kept.getWidth()).isEqualTo(400);
        assertThat(kept.getHeight()).isEqualTo(800);
        // The left half was red; after a clockwise turn it is the top half.
        assertThat(new Color(kept.getRGB(200, 100)).getRed()).isGreaterThan(200);
        assertThat(new Color(kept.getRGB(200, 700)).getBlue()).isGreaterThan(200);

        HttpResponse<byte[]> thumb = server.client()
                .download("/api/chat/attachments/" + id + "?thumbnail=true", Map.of(Parties.VISITOR_TOKEN, v.token()));
        assertThat(thumb.statusCode()).isEqualTo(200);
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.body()));
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(AttachmentInspector.THUMBNAIL_EDGE);
    }

    @Test
    void typeComesFromTheBytesAndOnlyAllowedTypesAreKept() throws Exception {
        Visitor v = visitorWithConversation("Ece");
        String path = uploadPath(v.conversationId());

        var html = server.client()
                .upload(
                        path,
                        "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8),
                        v.auth("a.txt"));
        assertThat(html.status()).isEqualTo(415);
        assertThat(html.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        var svg = server.client()
                .upload(
                        path,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                                .getBytes(StandardCharsets.UTF_8),
                        v.auth("logo.png"));
        assertThat(svg.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        var exe = server.client()
                .upload(path, "MZ\u0090\0\3\0\0\0\4\0".getBytes(StandardCharsets.ISO_8859_1), v.auth("fatura.pdf"));
        assertThat(exe.code()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");

        // Plain text named like a page is kept as text, and its name can no longer open as a page.
        var text = server.client()
                .upload(path, "just some notes\n".getBytes(StandardCharsets.UTF_8), v.auth("notes.html"));
        assertThat(text.status()).as(text.body()).isEqualTo(201);
        assertThat(text.json().get("contentType").asText()).isEqualTo("text/plain");
        assertThat(text.json().get("name").asText()).isEqualTo("notes.html.txt");

        // A folder path, control and bidirectional-override characters do not survive in the name.
        var named = server.client()
                .upload(
                        path,
                        "%PDF-1.4\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1),
                        v.auth("..%2F..%2Fetc%2Fevil%E2%80%AEfdp.exe%0A.pdf"));
        assertThat(named.status()).as(named.body()).isEqualTo(201);
        assertThat(named.json().get("contentType").asText()).isEqualTo("application/pdf");
        assertThat(named.json().get("name").asText()).isEqualTo("evil_fdp.exe_.pdf");
    }

    @Test
    void voiceNoteRecordedAsWebmIsKeptAsAudio() throws Exception {
        Visitor v = visitorWithConversation("Can");
        byte[] webmHeader = {
            0x1A,
            0x45,
            (byte) 0xDF,
            (byte) 0xA3,
            (byte) 0x9F,
            0x42,
            (byte) 0x86,
            (byte) 0x81,
            0x01,
            0x42,
            (byte) 0xF7,
            (byte) 0x81,
            0x01,
            0x42,
            (byte) 0xF2,
            (byte) 0x81,
            0x04,
            0x42,
            (byte) 0xF3,
            (byte) 0x81,
            0x08,
            0x42,
            (byte) 0x82,
            (byte) 0x84,
            'w',
            'e',
            'b',
            'm',
            0x42,
            (byte) 0x87,
            (byte) 0x81,
            0x04,
            0x42,
            (byte) 0x85,
            (byte) 0x81,
            0x02
        };
        Map<String, String> headers = new java.util.HashMap<>(v.auth("ses-kaydi"));
        headers.put("Content-Type", "audio/webm;codecs=opus");
        var r = server.client().upload(uploadPath(v.conversationId()), webmHeader, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("contentType").asText()).isEqualTo("audio/webm");
        assertThat(r.json().get("name").asText()).isEqualTo("ses-kaydi.webm");
        assertThat(r.json().get("thumbnail").asBoolean()).isFalse();
    }

    @Test
    void limitsAnswerWithStableCodes() throws Exception {
        Visitor v = visitorWithConversation("Selin");
        String path = uploadPath(v.conversationId());
        byte[] tooBig = new byte[MAX_BYTES + 1];
        tooBig[0] = 'x';
        var big = server.client().upload(path, tooBig, v.auth("big.txt"));
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.code()).isEqualTo("PAYLOAD_TOO_LARGE");

        var empty = server.client().upload(path, new byte[0], v.auth("empty.txt"));
        assertThat(empty.code()).isEqualTo("INVALID_INPUT");

        String last = null;
        for (int i = 0; i < UPLOADS_PER_MINUTE; i++) {
            last = server.client()
                    .upload(path, ("line " + i + "\n").getBytes(StandardCharsets.UTF_8), v.auth("n.txt"))
                    .code();
        }
        assertThat(last).isEqualTo("RATE_LIMITED");
    }

    @Test
    void onlyPeopleWhoMaySeeTheConversationGetItsAttachments() throws Exception {
        Visitor owner = visitorWithConversation("Ali");
        Visitor stranger = visitorWithConversation("Veli");
        byte[] doc = "%PDF-1.4\nconfidential\n".getBytes(StandardCharsets.ISO_8859_1);

        // A stranger cannot upload into someone else's conversation.
        var intrude = server.client().upload(uploadPath(owner.conversationId()), doc, stranger.auth("x.pdf"));
        assertThat(intrude.code()).isEqualTo("NOT_FOUND");
        var anonymous =
                server.client().upload(uploadPath(owner.conversationId()), doc, Map.of(ChatRoutes.FILE_NAME, "x.pdf"));
        assertThat(anonymous.code()).isEqualTo("UNAUTHENTICATED");

        // An agent's upload is not visible to the visitor until a message carries it.
        var byAgent = agent.client()
                .upload(uploadPath(owner.conversationId()), doc, Map.of(ChatRoutes.FILE_NAME, "teklif.pdf"));
        assertThat(byAgent.status()).as(byAgent.body()).isEqualTo(201);
        String id = byAgent.json().get("id").asText();
        String download = "/api/chat/attachments/" + id;
        Map<String, String> asOwner = Map.of(Parties.VISITOR_TOKEN, owner.token());
        assertThat(server.client().download(download, asOwner).statusCode()).isEqualTo(404);

        // Someone else's upload cannot be sent; the socket stays usable.
        owner.send("{\"type\":\"chat.send\",\"conversationId\":\"" + owner.conversationId()
                + "\",\"clientId\":\"steal\",\"attachmentId\":\"" + id + "\"}");
        JsonNode error = owner.probe().next("error");
        assertThat(error.get("code").asText()).isEqualTo("INVALID_INPUT");

        SocketProbe agentProbe = agentSocket();
        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + owner.conversationId()
                                + "\",\"clientId\":\"offer\",\"text\":\"\",\"attachmentId\":\"" + id + "\"}",
                        true)
                .join();
        agentProbe.ack("offer");
        JsonNode atOwner = owner.probe()
                .next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/clientId").asText().equals("offer"),
                        Duration.ofSeconds(10))
                .get("message");
        assertThat(atOwner.at("/attachment/name").asText()).isEqualTo("teklif.pdf");

        HttpResponse<byte[]> got = server.client().download(download, asOwner);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(new String(got.body(), StandardCharsets.ISO_8859_1)).contains("confidential");
        assertThat(server.client()
                        .download(download, Map.of(Parties.VISITOR_TOKEN, stranger.token()))
                        .statusCode())
                .isEqualTo(404);
        assertThat(server.client().download(download, Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void internalNotesReachAgentsOnlyAndLeaveTheVisitorsSequenceWhole() throws Exception {
        SocketProbe agentProbe = agentSocket();
        Visitor v = visitorWithConversation("Zeynep");
        String c = v.conversationId();
        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"n1\",\"text\":\"VIP customer, be quick\",\"internal\":true}",
                        true)
                .join();
        JsonNode note = agentProbe.ack("n1");
        assertThat(note.get("kind").asText()).isEqualTo("NOTE");
        assertThat(note.get("seq").asLong()).isEqualTo(2);
        agentWs.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + c
                                + "\",\"clientId\":\"t1\",\"text\":\"Hoş geldiniz\"}",
                        true)
                .join();
        agentProbe.ack("t1");

        // Live, the next agent message the visitor gets is the reply: the note never arrives.
        JsonNode live = v.probe()
                .next(
                        f -> f.path("type").asText().equals("chat.message")
                                && f.at("/message/senderKind").asText().equals("AGENT"),
                        Duration.ofSeconds(10))
                .get("message");
        assertThat(live.get("seq").asLong()).isEqualTo(3);
        assertThat(live.get("body").asText()).isEqualTo("Hoş geldiniz");

        // In history, the note's place is a stand-in without content.
        v.send("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":0}");
        JsonNode history = v.probe().next("chat.history");
        assertThat(history.get("messages")).hasSize(3);
        JsonNode hidden = history.get("messages").get(1);
        assertThat(hidden.get("kind").asText()).isEqualTo("HIDDEN");
        assertThat(hidden.get("body").asText()).isEmpty();
        assertThat(hidden.get("senderId").isNull()).isTrue();
        assertThat(history.toString()).doesNotContain("VIP customer");

        // Agents get the note in history; visitors cannot write one.
        agentWs.sendText("{\"type\":\"chat.sync\",\"conversationId\":\"" + c + "\",\"afterSeq\":1}", true)
                .join();
        JsonNode agentHistory = agentProbe.next("chat.history");
        assertThat(agentHistory.at("/messages/0/body").asText()).isEqualTo("VIP customer, be quick");
        v.send("{\"type\":\"chat.send\",\"conversationId\":\"" + c
                + "\",\"clientId\":\"x\",\"text\":\"sneaky\",\"internal\":true}");
        assertThat(v.probe().next("error").get("code").asText()).isEqualTo("FORBIDDEN");
    }
}
