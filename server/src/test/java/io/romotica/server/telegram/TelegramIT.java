package io.romotica.server.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.ClientSocket;
import io.romotica.server.testing.FakeTelegram;
import io.romotica.server.testing.TestServer;
import io.romotica.server.testing.TestServer.Account;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Telegram bot against a local Bot API server: linking, sign-in codes, notifications, replies, reliability. */
class TelegramIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long AGENT_CHAT = 5550001L;
    /** The address links in notifications point to. */
    private static final String PUBLIC_URL = "https://support.example.test";

    private FakeTelegram telegram;
    private TestServer server;
    private Account admin;

    @BeforeEach
    void start() throws Exception {
        telegram = FakeTelegram.start();
        server = TestServer.builder()
                .set("telegram.bot.token", FakeTelegram.TOKEN)
                .set("telegram.api.url", telegram.url())
                .set("telegram.poll.timeout", "1s")
                .set("telegram.visitor.phone.verification", "true")
                .set("chat.new.visitors.per.minute", "50")
                .set("calls.daily.limit", "1")
                .set("public.url", PUBLIC_URL)
                .start();
        admin = server.setupAdmin();
    }

    @AfterEach
    void stop() {
        server.close();
        telegram.close();
    }

    /** Links {@code account}'s Telegram to chat {@code chatId} through the deep link, as an agent would. */
    private void link(Account account, long chatId) throws InterruptedException {
        String url = deepLink(account.client());
        assertThat(url).startsWith("https://t.me/" + FakeTelegram.BOT_USERNAME + "?start=");
        telegram.message(chatId, "/start " + url.substring(url.indexOf("start=") + 6), 0);
        telegram.awaitSent(s -> s.chatId() == chatId && s.text().contains("Linked"), WAIT);
    }

    private static String deepLink(ApiClient client) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (client.get("/api/telegram/link").json().path("botUsername").isNull()) {
            assertThat(System.nanoTime()).as("bot username known").isLessThan(deadline);
            Thread.sleep(100);
        }
        var r = client.post("/api/telegram/link", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("url").asText();
    }

    /** A visitor who opened a conversation; returns their socket and the conversation id. */
    private record VisitorChat(ClientSocket socket, String conversationId) {}

    private VisitorChat visitorStarts(String name, String text) throws InterruptedException {
        return visitorStarts(server.visitor(name), text);
    }

    private VisitorChat visitorStarts(TestServer.Visitor v, String text) throws InterruptedException {
        ClientSocket socket = ClientSocket.visitor(server.client(), v.token());
        socket.send("{\"type\":\"chat.start\",\"clientId\":\"c1\",\"text\":\"" + text + "\"}");
        JsonNode first = socket.probe().ack("c1");
        return new VisitorChat(socket, first.get("conversationId").asText());
    }

    /** Switches {@code account}'s notifications: everything on, presence as given. */
    private static void notifyAbout(Account account, boolean presence) {
        var r = account.client()
                .put(
                        "/api/telegram/preferences",
                        Map.of(
                                "conversations", true,
                                "messages", true,
                                "calls", true,
                                "missedCalls", true,
                                "presence", presence,
                                "limits", true));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private JsonNode conversation(String id) {
        return admin.client().get("/api/chat/conversations/" + id).json();
    }

    private static void eventually(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private long sentTo(long chatId, String contains) {
        return telegram.sent().stream()
                .filter(s -> s.chatId() == chatId && s.text().contains(contains))
                .count();
    }

    @Test
    void deepLinkLinksTheChatOnceAndUnlinkEndsIt() throws Exception {
        String url = deepLink(admin.client());
        String code = url.substring(url.indexOf("start=") + 6);
        telegram.message(AGENT_CHAT, "/start " + code, 0);
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Ada Admin"), WAIT);
        JsonNode status = admin.client().get("/api/telegram/link").json();
        assertThat(status.get("linked").asBoolean()).isTrue();
        assertThat(status.get("telegramUsername").asText()).isEqualTo("user" + AGENT_CHAT);

        telegram.message(AGENT_CHAT + 1, "/start " + code, 0); // the same code from another chat
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT + 1 && s.text().contains("not valid"), WAIT);

        assertThat(admin.client().delete("/api/telegram/link").status()).isEqualTo(204);
        assertThat(admin.client().get("/api/telegram/link").json().get("linked").asBoolean())
                .isFalse();
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("no longer linked"), WAIT);
        var audit = admin.client()
                .get("/api/admin/audit?type=TELEGRAM_LINKED")
                .json()
                .get("items");
        assertThat(audit).hasSize(1);
        assertThat(admin.client()
                        .get("/api/admin/audit?type=TELEGRAM_UNLINKED")
                        .json()
                        .get("items"))
                .hasSize(1);
    }

    @Test
    void updatesFromAnUnlinkedChatAreIgnoredAndAudited() throws Exception {
        telegram.message(777L, "hello, who is there?", 0);
        telegram.message(777L, "/take", 0);
        telegram.awaitConfirmed(WAIT);
        Thread.sleep(500); // the outbox would have sent by now
        assertThat(telegram.sent()).noneMatch(s -> s.chatId() == 777L);
        JsonNode items = admin.client()
                .get("/api/admin/audit?type=TELEGRAM_UNLINKED_CHAT")
                .json()
                .get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("target").asText()).isEqualTo("telegram chat 777");
    }

    @Test
    void signInCodeByTelegramIsASingleUseSecondFactor() throws Exception {
        link(admin, AGENT_CHAT);
        ApiClient c = server.client();
        assertThat(c.post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()))
                        .status())
                .isEqualTo(200);
        assertThat(c.get("/api/auth/telegram-code").json().get("available").asBoolean())
                .isTrue();
        assertThat(c.post("/api/auth/telegram-code", null).status()).isEqualTo(200);
        String code = codeIn(telegram.awaitSent(s -> s.text().contains("sign-in code"), WAIT));

        var ok = c.post("/api/auth/second-factor", Map.of("code", code));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("stage").asText()).isEqualTo("FULL");
        JsonNode login = admin.client()
                .get("/api/admin/audit?type=LOGIN_OK")
                .json()
                .get("items")
                .get(0);
        assertThat(login.get("details").asText()).isEqualTo("telegram code");

        ApiClient again = server.client();
        again.post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()));
        assertThat(again.post("/api/auth/second-factor", Map.of("code", code)).code())
                .isEqualTo("INVALID_CODE");
    }

    @Test
    void signInCodeExpiresAfterFiveMinutes() throws Exception {
        link(admin, AGENT_CHAT);
        ApiClient c = server.client();
        c.post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()));
        c.post("/api/auth/telegram-code", null);
        String code = codeIn(telegram.awaitSent(s -> s.text().contains("sign-in code"), WAIT));
        server.clock().advance(Duration.ofMinutes(5).plusSeconds(1));
        assertThat(c.post("/api/auth/second-factor", Map.of("code", code)).code())
                .isEqualTo("INVALID_CODE");
    }

    @Test
    void atMostThreeSignInCodesAMinute() throws Exception {
        link(admin, AGENT_CHAT);
        ApiClient c = server.client();
        c.post("/api/auth/login", Map.of("email", admin.email(), "password", admin.password()));
        for (int i = 0; i < 3; i++) {
            assertThat(c.post("/api/auth/telegram-code", null).status()).isEqualTo(200);
        }
        var fourth = c.post("/api/auth/telegram-code", null);
        assertThat(fourth.code()).isEqualTo("RATE_LIMITED");
        assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void agentRepliesFromTelegramReachTheVisitorOnceAsThatAgent() throws Exception {
        link(admin, AGENT_CHAT);
        VisitorChat v = visitorStarts("Vera <b>", "My <i>printer</i> is on fire");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("New conversation"), WAIT);
        assertThat(note.text()).contains("Vera &lt;b&gt;").contains("My &lt;i&gt;printer&lt;/i&gt; is on fire");
        assertThat(note.params().path("parse_mode").asText()).isEqualTo("HTML");

        telegram.message(AGENT_CHAT, "Unplug it, please.", note.messageId());
        JsonNode got = v.socket()
                .next("chat.message", f -> f.at("/message/senderKind").asText().equals("AGENT"));
        assertThat(got.at("/message/body").asText()).isEqualTo("Unplug it, please.");
        assertThat(got.at("/message/senderName").asText()).isEqualTo("Ada Admin");
        telegram.awaitConfirmed(WAIT);
        String transcript = admin.client()
                .get("/api/chat/conversations/" + v.conversationId() + "/transcript")
                .body();
        assertThat(transcript.split("Unplug it, please.", -1)).hasSize(2);
    }

    @Test
    void aPhotoRepliedFromTelegramArrivesAsAnAttachment() throws Exception {
        link(admin, AGENT_CHAT);
        VisitorChat v = visitorStarts("Can", "Send me a picture of the setting");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("New conversation"), WAIT);
        byte[] png = java.util.Base64.getDecoder()
                .decode(
                        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        telegram.media(AGENT_CHAT, note.messageId(), "document", png, "setting.png", "image/png");
        JsonNode got = v.socket()
                .next("chat.message", f -> f.at("/message/senderKind").asText().equals("AGENT"));
        assertThat(got.at("/message/kind").asText()).isEqualTo("ATTACHMENT");
        assertThat(got.at("/message/attachment/contentType").asText()).isEqualTo("image/png");
        assertThat(telegram.calls()).contains("getFile");
    }

    /**
     * The visitor uploads {@code bytes} as {@code fileName} and sends it with {@code caption}; waits for the ack
     * and returns the bytes stored (pictures are re-encoded without their metadata).
     */
    private byte[] visitorSendsFile(VisitorChat v, String token, byte[] bytes, String fileName, String caption)
            throws InterruptedException {
        var up = server.client()
                .upload(
                        "/api/chat/conversations/" + v.conversationId() + "/attachments",
                        bytes,
                        Map.of(
                                io.romotica.server.realtime.Parties.VISITOR_TOKEN,
                                token,
                                io.romotica.server.chat.ChatRoutes.FILE_NAME,
                                fileName));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String clientId = "f" + System.nanoTime();
        v.socket()
                .send("{\"type\":\"chat.send\",\"conversationId\":\"" + v.conversationId() + "\",\"clientId\":\""
                        + clientId + "\",\"text\":\"" + caption + "\",\"attachmentId\":\""
                        + up.json().get("id").asText() + "\"}");
        v.socket().probe().ack(clientId);
        return admin.client()
                .download("/api/chat/attachments/" + up.json().get("id").asText(), Map.of())
                .body();
    }

    private static final byte[] PNG = java.util.Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @Test
    void aVisitorsPictureReachesTelegramAsAPhotoWithAnEscapedCaption() throws Exception {
        link(admin, AGENT_CHAT);
        TestServer.Visitor visitor = server.visitor("Pelin <b>");
        VisitorChat v = visitorStarts(visitor, "Look at this");
        telegram.awaitSent(s -> s.text().contains("New conversation"), WAIT);

        byte[] stored = visitorSendsFile(v, visitor.token(), PNG, "error screen.png", "It says <error>");
        FakeTelegram.Sent photo = telegram.awaitSent(s -> s.method().equals("sendPhoto"), WAIT);

        assertThat(photo.chatId()).isEqualTo(AGENT_CHAT);
        assertThat(telegram.file(photo.params().path("photo").asText())).isEqualTo(stored);
        assertThat(photo.params().path("caption").asText())
                .contains("Pelin &lt;b&gt;")
                .contains("It says &lt;error&gt;");
        assertThat(photo.params().path("parse_mode").asText()).isEqualTo("HTML");
        // A reply to the photo goes to its conversation, like a reply to a text notification.
        telegram.message(AGENT_CHAT, "Thanks, I see it.", photo.messageId());
        JsonNode got = v.socket()
                .next("chat.message", f -> f.at("/message/senderKind").asText().equals("AGENT"));
        assertThat(got.at("/message/body").asText()).isEqualTo("Thanks, I see it.");
    }

    @Test
    void aVisitorsVoiceNoteAndFileReachTelegramAsVoiceAndDocument() throws Exception {
        link(admin, AGENT_CHAT);
        TestServer.Visitor visitor = server.visitor("Emre");
        VisitorChat v = visitorStarts(visitor, "Listen");
        telegram.awaitSent(s -> s.text().contains("New conversation"), WAIT);
        // An Ogg page header is enough for content detection to call it audio/ogg.
        byte[] ogg = oggOpus();
        byte[] pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        visitorSendsFile(v, visitor.token(), ogg, "voice-1.ogg", "");
        visitorSendsFile(v, visitor.token(), pdf, "invoice.pdf", "");
        FakeTelegram.Sent voice = telegram.awaitSent(s -> s.method().equals("sendVoice"), WAIT);
        FakeTelegram.Sent document = telegram.awaitSent(s -> s.method().equals("sendDocument"), WAIT);

        assertThat(telegram.file(voice.params().path("voice").asText())).isEqualTo(ogg);
        assertThat(telegram.file(document.params().path("document").asText())).isEqualTo(pdf);
        assertThat(document.params().path("caption").asText()).contains("invoice.pdf");
    }

    /** A minimal Ogg stream with an OpusHead page. */
    private static byte[] oggOpus() {
        var out = new java.io.ByteArrayOutputStream();
        byte[] head = "OpusHead\u0001\u0001\u0038\u0001\u0080\u00bb\u0000\u0000\u0000\u0000\u0000"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.writeBytes("OggS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(
                new byte[] {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) head.length});
        out.writeBytes(head);
        return out.toByteArray();
    }

    @Test
    void messagesQueuedWhileTelegramIsDownArriveOnceWhenItIsBack() throws Exception {
        link(admin, AGENT_CHAT);
        telegram.down();
        visitorStarts("Deniz", "Anyone there?");
        Thread.sleep(1500); // the outbox tries and fails meanwhile
        assertThat(sentTo(AGENT_CHAT, "Anyone there?")).isZero();
        JsonNode ready = server.client().get("/health/ready").json();
        assertThat(ready.get("status").asText()).isEqualTo("UP");
        telegram.up();
        server.clock().advance(Duration.ofMinutes(10)); // past any back-off
        telegram.awaitSent(s -> s.text().contains("Anyone there?"), WAIT);
        Thread.sleep(1500);
        assertThat(sentTo(AGENT_CHAT, "Anyone there?")).isEqualTo(1);
    }

    @Test
    void tooManyRequestsIsRetriedOnlyAfterRetryAfter() throws Exception {
        link(admin, AGENT_CHAT);
        telegram.tooManyRequests(1, 30);
        visitorStarts("Emre", "Hello?");
        Thread.sleep(1500);
        assertThat(sentTo(AGENT_CHAT, "Hello?")).isZero();
        server.clock().advance(Duration.ofSeconds(20));
        Thread.sleep(1500);
        assertThat(sentTo(AGENT_CHAT, "Hello?")).as("still inside retry_after").isZero();
        server.clock().advance(Duration.ofSeconds(11));
        telegram.awaitSent(s -> s.text().contains("Hello?"), WAIT);
        Thread.sleep(1000);
        assertThat(sentTo(AGENT_CHAT, "Hello?")).isEqualTo(1);
    }

    @Test
    void incomingAndMissedCallsAreAnnounced() throws Exception {
        link(admin, AGENT_CHAT);
        TestServer.Visitor v = server.visitor("Kaan");
        ClientSocket socket = ClientSocket.visitor(server.client(), v.token());
        socket.send("{\"type\":\"call.request\",\"clientId\":\"k1\",\"video\":false}");
        telegram.awaitSent(
                s -> s.chatId() == AGENT_CHAT
                        && s.text().contains("Incoming call")
                        && s.text().contains("Kaan"),
                WAIT);
        server.clock().advance(Duration.ofSeconds(61)); // calls.ring.timeout
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Missed call from <b>Kaan</b>"), WAIT);
    }

    @Test
    void pausedAgentsGetNoNotifications() throws Exception {
        link(admin, AGENT_CHAT);
        telegram.message(AGENT_CHAT, "/mute", 0);
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("paused"), WAIT);
        visitorStarts("Lale", "Is anybody reading?");
        Thread.sleep(1500);
        assertThat(sentTo(AGENT_CHAT, "Is anybody reading?")).isZero();
    }

    @Test
    void aVisitorVerifiesTheirPhoneBySharingTheirOwnContact() throws Exception {
        TestServer.Visitor v = server.visitor("Mert");
        JsonNode before = server.client()
                .send("GET", "/api/chat/phone-verification", null, Map.of("X-Visitor-Token", v.token()))
                .json();
        assertThat(before.get("offered").asBoolean()).isTrue();
        assertThat(before.get("verifiedAt").isNull()).isTrue();
        long deadline = System.nanoTime() + WAIT.toNanos();
        ApiClient.Response r;
        do {
            Thread.sleep(100);
            r = server.client()
                    .send("POST", "/api/chat/phone-verification", null, Map.of("X-Visitor-Token", v.token()));
        } while (r.status() == 503 && System.nanoTime() < deadline);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String url = r.json().get("url").asText();
        long chat = 8880001L;
        telegram.message(chat, "/start " + url.substring(url.indexOf("start=") + 6), 0);
        FakeTelegram.Sent ask =
                telegram.awaitSent(s -> s.chatId() == chat && s.text().contains("share your contact"), WAIT);
        assertThat(ask.params().at("/reply_markup/keyboard/0/0/request_contact").asBoolean())
                .isTrue();

        telegram.contact(chat, "+90 555 111 22 33", false); // someone else's contact
        telegram.awaitSent(s -> s.chatId() == chat && s.text().contains("your own contact"), WAIT);
        telegram.contact(chat, "+90 555 111 22 33", true);
        telegram.awaitSent(s -> s.chatId() == chat && s.text().contains("verified"), WAIT);
        JsonNode details = admin.client().get("/api/chat/visitors/" + v.id()).json();
        assertThat(details.get("phone").asText()).isEqualTo("+905551112233");
        assertThat(details.get("phoneVerifiedAt").isTextual()).isTrue();
        JsonNode own = server.client()
                .send("GET", "/api/chat/phone-verification", null, Map.of("X-Visitor-Token", v.token()))
                .json();
        assertThat(own.get("offered").asBoolean()).isTrue();
        assertThat(own.get("phone").asText()).isEqualTo("+905551112233");
        assertThat(own.get("verifiedAt").isTextual()).isTrue();
    }

    @Test
    void readinessReportsTheBot() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode check;
        do {
            Thread.sleep(100);
            check = server.client().get("/health/ready").json().at("/checks/telegram");
        } while (!check.path("detail").asText().startsWith("@") && System.nanoTime() < deadline);
        assertThat(check.get("up").asBoolean()).isTrue();
        assertThat(check.get("detail").asText()).startsWith("@" + FakeTelegram.BOT_USERNAME);
    }

    @Test
    void adminsHearWhenAnAgentComesOnlineAndGoesOffline() throws Exception {
        link(admin, AGENT_CHAT);
        notifyAbout(admin, true);
        Account bora = server.createAgent(admin, "bora@example.com", "Bora <Support>");
        ClientSocket console = ClientSocket.agent(bora.client());
        FakeTelegram.Sent online =
                telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("is online"), WAIT);
        assertThat(online.text()).contains("Bora &lt;Support&gt;");
        console.close();
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Bora &lt;Support&gt; is offline"), WAIT);
        assertThat(sentTo(AGENT_CHAT, "Ada Admin is online"))
                .as("never about themselves")
                .isZero();
    }

    @Test
    void presenceIsOffUntilAnAdminAsksForIt() throws Exception {
        link(admin, AGENT_CHAT);
        Account bora = server.createAgent(admin, "bora@example.com", "Bora");
        ClientSocket.agent(bora.client());
        visitorStarts("Filiz", "after Bora came online"); // a later notification proves the outbox ran
        telegram.awaitSent(s -> s.text().contains("after Bora came online"), WAIT);
        Thread.sleep(500);
        assertThat(sentTo(AGENT_CHAT, "is online")).isZero();
    }

    @Test
    void adminsHearWhenTheTeamsDailyCallLimitIsReached() throws Exception {
        link(admin, AGENT_CHAT);
        ClientSocket console = ClientSocket.agent(admin.client());
        TestServer.Visitor v = server.visitor("Gül");
        ClientSocket visitor = ClientSocket.visitor(server.client(), v.token());
        visitor.send("{\"type\":\"call.request\",\"clientId\":\"g1\",\"video\":false}");
        String callId = console.next(
                        "call.state", f -> f.at("/call/status").asText().equals("PENDING"))
                .at("/call/id")
                .asText();
        console.send("{\"type\":\"call.accept\",\"callId\":\"" + callId + "\"}");
        FakeTelegram.Sent limit =
                telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("call limit is reached"), WAIT);
        assertThat(limit.text()).contains("(1 calls)");
    }

    @Test
    void theIncomingCallNotificationLinksToThatCallInTheCallsPane() throws Exception {
        link(admin, AGENT_CHAT);
        TestServer.Visitor v = server.visitor("Lütfiye");
        ClientSocket.visitor(server.client(), v.token())
                .send("{\"type\":\"call.request\",\"clientId\":\"l1\",\"video\":false}");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("Incoming call"), WAIT);
        String callId = admin.client()
                .get("/api/calls/open")
                .json()
                .get(0)
                .at("/call/id")
                .asText();
        JsonNode button = note.params().at("/reply_markup/inline_keyboard/0/0");
        assertThat(button.get("url").asText()).isEqualTo(PUBLIC_URL + "/console/calls?call=" + callId);
    }

    @Test
    void takeAndResolveRepliedToANotificationActOnItsConversation() throws Exception {
        link(admin, AGENT_CHAT);
        VisitorChat v = visitorStarts("Hakan", "Can someone take this?");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("Can someone take this?"), WAIT);

        telegram.message(AGENT_CHAT, "/take", note.messageId());
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Hakan is yours"), WAIT);
        assertThat(conversation(v.conversationId()).get("assigneeId").asText()).isEqualTo(admin.id());

        telegram.message(AGENT_CHAT, "/resolve", note.messageId());
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Hakan is resolved"), WAIT);
        assertThat(conversation(v.conversationId()).get("status").asText()).isEqualTo("RESOLVED");
    }

    @Test
    void takeWithoutARepliedNotificationAsksForOne() throws Exception {
        link(admin, AGENT_CHAT);
        telegram.message(AGENT_CHAT, "/take", 0);
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Reply to"), WAIT);
    }

    @Test
    void theTakeButtonAssignsTheConversationAndAnswersTheCallbackQuery() throws Exception {
        link(admin, AGENT_CHAT);
        VisitorChat v = visitorStarts("Irmak", "Press the button, please");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("Press the button, please"), WAIT);
        JsonNode button = note.params().at("/reply_markup/inline_keyboard/0/0");
        assertThat(button.get("callback_data").asText()).isEqualTo("take:" + v.conversationId());

        String queryId = telegram.buttonPress(
                AGENT_CHAT, note.messageId(), button.get("callback_data").asText());
        telegram.awaitSent(s -> s.chatId() == AGENT_CHAT && s.text().contains("Irmak is yours"), WAIT);
        assertThat(conversation(v.conversationId()).get("assigneeId").asText()).isEqualTo(admin.id());
        eventually(
                () -> telegram.callbackAnswers().stream()
                        .anyMatch(a -> a.get("callback_query_id").asText().equals(queryId)),
                "answerCallbackQuery called");
    }

    @Test
    void aButtonPressFromAnUnlinkedChatIsAnsweredButDoesNothing() throws Exception {
        link(admin, AGENT_CHAT);
        VisitorChat v = visitorStarts("Jale", "Not for strangers");
        FakeTelegram.Sent note = telegram.awaitSent(s -> s.text().contains("Not for strangers"), WAIT);
        String queryId = telegram.buttonPress(777L, note.messageId(), "take:" + v.conversationId());
        eventually(
                () -> telegram.callbackAnswers().stream()
                        .anyMatch(a -> a.get("callback_query_id").asText().equals(queryId)),
                "answerCallbackQuery called");
        assertThat(conversation(v.conversationId()).get("assigneeId").isNull()).isTrue();
    }

    @Test
    void theOutboxSurvivesARestartAndDeliversOnce() throws Exception {
        link(admin, AGENT_CHAT);
        telegram.down();
        visitorStarts("Kemal", "Queued before the restart");
        Thread.sleep(1500); // the outbox tries and fails meanwhile
        server.stopKeepingData();
        server = TestServer.builder().restarting(server).start();
        assertThat(sentTo(AGENT_CHAT, "Queued before the restart")).isZero();
        telegram.up();
        server.clock().advance(Duration.ofMinutes(10)); // past any back-off
        telegram.awaitSent(s -> s.text().contains("Queued before the restart"), WAIT);
        Thread.sleep(1500);
        assertThat(sentTo(AGENT_CHAT, "Queued before the restart")).isEqualTo(1);
    }

    private static String codeIn(FakeTelegram.Sent sent) {
        Matcher m = Pattern.compile("<code>(\\d{6})</code>").matcher(sent.text());
        assertThat(m.find()).as(sent.text()).isTrue();
        return m.group(1);
    }
}
