package io.romotica.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.realtime.Parties;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.SocketProbe;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.net.URLEncoder;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agents' desk over the real API: search, transcripts, erasing a contact, retention, canned replies. */
class ChatDeskIT {
    private TestServer server;
    private Account admin;

    private void start(Map<String, String> settings) throws Exception {
        TestServer.Builder b = TestServer.builder().set("chat.new.visitors.per.minute", "50");
        settings.forEach(b::set);
        server = b.start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private record Visitor(String id, String token, SocketProbe probe, WebSocket ws, String conversationId) {}

    /** A visitor who opened a conversation with {@code text}. */
    private Visitor visitor(String name, String text) throws InterruptedException {
        var r = server.client().post("/api/chat/visitors", Map.of("name", name, "email", "kisi@example.com"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String token = r.json().get("token").asText();
        SocketProbe probe = new SocketProbe();
        WebSocket ws = server.client().openVisitorSocket(probe, token);
        probe.next("hello");
        ws.sendText("{\"type\":\"chat.start\",\"clientId\":\"s\",\"text\":" + json(text) + "}", true)
                .join();
        String conversation = probe.ack("s").get("conversationId").asText();
        return new Visitor(r.json().get("visitorId").asText(), token, probe, ws, conversation);
    }

    private static String json(String s) {
        return io.romotica.server.common.Json.encode(s);
    }

    /** Sends as the admin over a socket and waits for the acknowledgement. */
    private void agentSays(String conversationId, String clientId, String text, boolean internal)
            throws InterruptedException {
        SocketProbe probe = new SocketProbe();
        WebSocket ws = admin.client().openSocket(probe, null);
        probe.next("hello");
        ws.sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + conversationId + "\",\"clientId\":\""
                                + clientId + "\",\"text\":" + json(text) + ",\"internal\":" + internal + "}",
                        true)
                .join();
        probe.ack(clientId);
        ws.abort();
    }

    private static List<String> bodies(JsonNode hits) {
        return Stream.of(hits)
                .flatMap(h -> java.util.stream.StreamSupport.stream(h.spliterator(), false))
                .map(h -> h.get("body").asText())
                .toList();
    }

    private JsonNode search(ApiClient c, String q) {
        var r = c.get("/api/chat/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void searchFindsEveryWordAlsoAsPrefixAcrossConversations() throws Exception {
        start(Map.of());
        Visitor a = visitor("Ayşe", "Faturamı ödeyemedim, kartım reddedildi");
        visitor("Burak", "Şifremi unuttum");
        agentSays(a.conversationId(), "n", "Fatura sistemi arızalı, muhasebeye sor", true);

        assertThat(bodies(search(admin.client(), "fatura")))
                .containsExactlyInAnyOrder(
                        "Faturamı ödeyemedim, kartım reddedildi", "Fatura sistemi arızalı, muhasebeye sor");
        assertThat(bodies(search(admin.client(), "FATURA ödeye")))
                .containsExactly("Faturamı ödeyemedim, kartım reddedildi");
        assertThat(bodies(search(admin.client(), "şifre"))).containsExactly("Şifremi unuttum");
        assertThat(search(admin.client(), "yok böyle bir şey")).isEmpty();
        // Characters that mean something to SQL or tsquery are just characters.
        assertThat(search(admin.client(), "50% & fatura' -- |")).isEmpty();
        JsonNode hit = search(admin.client(), "reddedildi").get(0);
        assertThat(hit.get("conversationId").asText()).isEqualTo(a.conversationId());
        assertThat(hit.get("visitorName").asText()).isEqualTo("Ayşe");
        assertThat(hit.get("visitorId").asText()).isEqualTo(a.id());
        var one = admin.client().get("/api/chat/conversations/" + a.conversationId());
        assertThat(one.json().get("visitorName").asText()).isEqualTo("Ayşe");
        assertThat(admin.client().get("/api/chat/conversations/nope").code()).isEqualTo("NOT_FOUND");

        assertThat(admin.client().get("/api/chat/search?q=%20%21").code()).isEqualTo("INVALID_INPUT");
        assertThat(admin.client().get("/api/chat/search?q=a&limit=1000").code()).isEqualTo("INVALID_INPUT");
        assertThat(server.client().get("/api/chat/search?q=fatura").status()).isEqualTo(401);
    }

    @Test
    void transcriptsEscapeEverythingAndLeaveNotesOutUnlessAsked() throws Exception {
        start(Map.of());
        String hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";
        Visitor v = visitor("<b>Mallory</b>", hostile + "\n[2026-01-01 00:00:00 UTC] Agent (agent): fake line");
        agentSays(v.conversationId(), "r", "Merhaba & hoş geldiniz", false);
        agentSays(v.conversationId(), "n", "internal: refund approved", true);
        String base = "/api/chat/conversations/" + v.conversationId() + "/transcript";

        var text = admin.client().get(base);
        assertThat(text.status()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(text.headers().firstValue("Content-Disposition").orElseThrow())
                .isEqualTo("attachment; filename=\"conversation-" + v.conversationId() + ".txt\"");
        assertThat(text.body()).contains("Visitor: <b>Mallory</b> <kisi@example.com>");
        assertThat(text.body()).contains("Merhaba & hoş geldiniz");
        // A line break in a message cannot forge the next entry: continuation lines are indented.
        assertThat(text.body()).contains("\n    [2026-01-01 00:00:00 UTC] Agent (agent): fake line");
        assertThat(text.body()).doesNotContain("refund approved");

        var html = admin.client().get(base + "?format=html&notes=true");
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("sandbox");
        assertThat(html.body())
                .doesNotContain("<script>")
                .doesNotContain("<img")
                .doesNotContain("<b>Mallory");
        assertThat(html.body()).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(html.body()).contains("&lt;b&gt;Mallory&lt;/b&gt;");
        assertThat(html.body()).contains("Merhaba &amp; hoş geldiniz");
        assertThat(html.body()).contains("refund approved").contains("internal note");

        assertThat(admin.client().get(base + "?format=pdf").code()).isEqualTo("INVALID_INPUT");
        var audit = admin.client().get("/api/admin/audit?type=CHAT_TRANSCRIPT_EXPORTED");
        assertThat(audit.body()).contains(v.conversationId());
    }

    @Test
    void anAdminErasesAContactWithEverythingTheyLeft() throws Exception {
        start(Map.of());
        Visitor v = visitor("Silinecek Kişi", "Lütfen verilerimi silin");
        var up = server.client()
                .upload(
                        "/api/chat/conversations/" + v.conversationId() + "/attachments",
                        "%PDF-1.4\nkimlik\n".getBytes(StandardCharsets.ISO_8859_1),
                        Map.of(Parties.VISITOR_TOKEN, v.token(), ChatRoutes.FILE_NAME, "kimlik.pdf"));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        v.ws().sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + v.conversationId()
                                + "\",\"clientId\":\"f\",\"attachmentId\":\""
                                + up.json().get("id").asText() + "\"}",
                        true)
                .join();
        v.probe().ack("f");
        assertThat(blobFiles()).hasSize(1);

        Account agent = server.createAgent(admin, "ajan@example.com", "Ajan");
        assertThat(agent.client()
                        .post("/api/chat/visitors/" + v.id() + "/erase", null)
                        .status())
                .isEqualTo(403);
        assertThat(agent.client()
                        .get("/api/chat/visitors/" + v.id())
                        .json()
                        .get("conversations")
                        .asInt())
                .isEqualTo(1);

        SocketProbe agentProbe = new SocketProbe();
        agent.client().openSocket(agentProbe, null);
        agentProbe.next("hello");
        var erased = admin.client().post("/api/chat/visitors/" + v.id() + "/erase", null);
        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().get("conversations").asInt()).isEqualTo(1);
        assertThat(erased.json().get("messages").asLong()).isEqualTo(2);
        assertThat(erased.json().get("attachments").asInt()).isEqualTo(1);

        assertThat(blobFiles()).isEmpty();
        // Open consoles and the visitor's own page are told to forget them.
        assertThat(agentProbe.next("chat.erased").get("conversationIds").get(0).asText())
                .isEqualTo(v.conversationId());
        assertThat(v.probe().next("chat.erased").get("visitorId").asText()).isEqualTo(v.id());
        assertThat(search(admin.client(), "verilerimi")).isEmpty();
        assertThat(admin.client().get("/api/chat/visitors/" + v.id()).status()).isEqualTo(404);
        assertThat(server.client()
                        .send("GET", "/api/chat/visitor/conversations", null, Map.of(Parties.VISITOR_TOKEN, v.token()))
                        .status())
                .isEqualTo(401);
        assertThat(admin.client()
                        .post("/api/chat/visitors/" + v.id() + "/erase", null)
                        .status())
                .isEqualTo(404);
        var audit = admin.client().get("/api/admin/audit?type=CHAT_CONTACT_ERASED");
        assertThat(audit.body()).contains(v.id()).doesNotContain("Silinecek");
    }

    private List<Path> blobFiles() throws Exception {
        Path dir = server.dataDir().resolve("attachments");
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.startsWith(dir.resolve("incoming")))
                    .toList();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void retentionRemovesResolvedConversationsOldAttachmentsAndUnsentUploads() throws Exception {
        start(Map.of(
                "chat.retention.resolved", "30d",
                "chat.retention.attachments", "10d",
                "chat.retention.interval", "1s"));
        Visitor resolved = visitor("Eski", "eski konuşma");
        Visitor open = visitor("Açık", "açık konuşma");
        String uploads = "/api/chat/conversations/" + open.conversationId() + "/attachments";
        Map<String, String> auth = Map.of(Parties.VISITOR_TOKEN, open.token(), ChatRoutes.FILE_NAME, "a.txt");
        var sent = server.client().upload(uploads, "sent file\n".getBytes(StandardCharsets.UTF_8), auth);
        open.ws()
                .sendText(
                        "{\"type\":\"chat.send\",\"conversationId\":\"" + open.conversationId()
                                + "\",\"clientId\":\"f\",\"attachmentId\":\""
                                + sent.json().get("id").asText() + "\"}",
                        true)
                .join();
        open.probe().ack("f");
        server.client().upload(uploads, "never sent\n".getBytes(StandardCharsets.UTF_8), auth);
        assertThat(admin.client()
                        .post(
                                "/api/chat/conversations/" + resolved.conversationId() + "/status",
                                Map.of("status", "RESOLVED"))
                        .status())
                .isEqualTo(200);
        assertThat(blobFiles()).hasSize(2);

        // Two days on: only the upload nobody sent is gone.
        server.clock().advance(Duration.ofDays(2));
        await("the unsent upload is removed", () -> uncheckedBlobCount() == 1);
        ApiClient agent = server.login(admin);
        assertThat(agent.get("/api/chat/conversations?status=RESOLVED").json()).hasSize(1);

        // Eleven days on: the sent attachment is gone, its message stays.
        server.clock().advance(Duration.ofDays(9));
        await("the old attachment is removed", () -> uncheckedBlobCount() == 0);
        agent = server.login(admin);
        SocketProbe probe = new SocketProbe();
        agent.openSocket(probe, null)
                .sendText(
                        "{\"type\":\"chat.sync\",\"conversationId\":\"" + open.conversationId() + "\",\"afterSeq\":0}",
                        true)
                .join();
        JsonNode history = probe.next("chat.history");
        assertThat(history.at("/messages/1/kind").asText()).isEqualTo("ATTACHMENT");
        assertThat(history.at("/messages/1/attachment").isNull()).isTrue();

        // A month on: the resolved conversation is gone, the open one stays.
        server.clock().advance(Duration.ofDays(25));
        ApiClient later = server.login(admin);
        await(
                "the resolved conversation is removed",
                () -> later.get("/api/chat/conversations?status=RESOLVED")
                        .json()
                        .isEmpty());
        assertThat(later.get("/api/chat/conversations?status=OPEN").json()).hasSize(1);
        assertThat(later.get("/api/admin/audit?type=CHAT_RETENTION_CLEANUP").body())
                .contains("1 conversations, 0 attachments removed");
    }

    private int uncheckedBlobCount() {
        try {
            return blobFiles().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void adminsKeepCannedRepliesThatAgentsRead() throws Exception {
        start(Map.of());
        Account agent = server.createAgent(admin, "ajan@example.com", "Ajan");
        var created = admin.client()
                .post(
                        "/api/chat/canned",
                        Map.of("shortcut", "merhaba", "body", "Merhaba!\nSize nasıl yardımcı olabilirim?"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("id").asText();

        JsonNode list = agent.client().get("/api/chat/canned").json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("body").asText()).isEqualTo("Merhaba!\nSize nasıl yardımcı olabilirim?");

        assertThat(admin.client()
                        .post("/api/chat/canned", Map.of("shortcut", "merhaba", "body", "x"))
                        .code())
                .isEqualTo("CONFLICT");
        assertThat(admin.client()
                        .post("/api/chat/canned", Map.of("shortcut", "Hello World", "body", "x"))
                        .code())
                .isEqualTo("INVALID_INPUT");
        assertThat(agent.client()
                        .post("/api/chat/canned", Map.of("shortcut", "x", "body", "x"))
                        .status())
                .isEqualTo(403);

        var changed = admin.client().put("/api/chat/canned/" + id, Map.of("shortcut", "selam", "body", "Selam!"));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(agent.client()
                        .get("/api/chat/canned")
                        .json()
                        .get(0)
                        .get("shortcut")
                        .asText())
                .isEqualTo("selam");
        assertThat(admin.client().delete("/api/chat/canned/" + id).status()).isEqualTo(204);
        assertThat(admin.client().delete("/api/chat/canned/" + id).status()).isEqualTo(404);
        assertThat(agent.client().get("/api/chat/canned").json()).isEmpty();
        assertThat(admin.client()
                        .get("/api/admin/audit?type=CANNED_REPLY_CHANGED")
                        .body())
                .contains("created /merhaba")
                .contains("changed /selam");
    }
}
