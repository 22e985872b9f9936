package io.romotica.server.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.bus.RateLimiter;
import io.romotica.server.chat.ChatService;
import io.romotica.server.chat.Conversation;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.common.Json;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.config.ServerConfig;
import io.romotica.server.ops.HealthCheck;
import io.romotica.server.realtime.Party;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Telegram bot's use cases: linking an agent's Telegram chat through a one-time deep link, sign-in codes
 * as a second factor, notifications to linked agents (each switchable, with quiet hours), the reply bridge
 * (an agent's reply to a notification lands in that conversation as that agent, with the console's
 * guarantees: the message's clientId comes from the update's id), the commands, and visitors' phone
 * verification. The bot never acts for a chat that is not linked: such updates are ignored, logged and
 * audited. Outgoing calls go through the durable {@link Outbox}; {@link BotRunner} talks to Telegram. When
 * no bot token is configured everything here answers that Telegram is off. Thread-safe.
 */
public final class TelegramService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelegramService.class);
    /** A sign-in code's lifetime and how many a minute one account may ask for. */
    static final Duration OTP_LIFETIME = Duration.ofMinutes(5);

    static final Duration LINK_LIFETIME = Duration.ofMinutes(15);
    private static final Duration NOTIFICATION_LIFETIME = Duration.ofHours(12);
    private static final Duration REPLY_LIFETIME = Duration.ofHours(1);
    private static final int PREVIEW = 500;
    /** Bot API upload limits: photos up to 10 MB, other files up to 50 MB. */
    static final long PHOTO_LIMIT = 10L * 1024 * 1024;

    static final long FILE_LIMIT = 50L * 1024 * 1024;
    /** Formats Telegram shows as photos and plays as voice notes (sendVoice: OGG/Opus, MP3, M4A). */
    private static final java.util.Set<String> PHOTO_TYPES =
            java.util.Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private static final java.util.Set<String> VOICE_TYPES = java.util.Set.of("audio/ogg", "audio/mpeg", "audio/mp4");
    /** Who reads attachments for uploads: agents may read every attachment. */
    private static final Party.Agent UPLOADER = new Party.Agent(new Principal(
            "telegram-bot", "Telegram", null, Principal.Role.AGENT, "telegram", Principal.Stage.FULL, null));

    private static final String OTP_CONTEXT = "telegram-otp:";

    /** Whether an agent is in the console now (any open connection, online or away). */
    public interface Attendance {
        boolean inConsole(String agentId);
    }

    private final ServerConfig.Telegram config;
    private final TelegramStore store;
    private final Outbox outbox;
    private final BotApi api;
    private final BotRunner runner;
    private final ChatService chat;
    private final Attendance attendance;
    private final AuditLog audit;
    private final RateLimiter otpRequests;
    private final RateLimiter unlinkedAudits;
    private final Ids ids;
    private final Clock clock;
    private final String publicUrl;
    private final long maxAttachmentBytes;

    public TelegramService(
            ServerConfig.Telegram config,
            Jdbi jdbi,
            ChatService chat,
            Attendance attendance,
            AuditLog audit,
            RateLimiter otpRequests,
            Ids ids,
            Clock clock,
            String publicUrl,
            long maxAttachmentBytes) {
        this.config = config;
        this.store = new TelegramStore(jdbi);
        this.outbox = new Outbox(jdbi, clock, this::attachmentBytes);
        this.chat = chat;
        this.attendance = attendance;
        this.audit = audit;
        this.otpRequests = otpRequests;
        this.unlinkedAudits = RateLimiter.local(5);
        this.ids = ids;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.maxAttachmentBytes = maxAttachmentBytes;
        if (config.enabled()) {
            this.api = new BotApi(config.apiUrl(), config.botToken());
            this.runner = new BotRunner(
                    config, publicUrl + "/api/telegram/webhook", jdbi, api, outbox, this::handle, ids.newId(), clock);
        } else {
            this.api = null;
            this.runner = null;
        }
    }

    /** Starts talking to Telegram (when a token is configured). */
    public void start() {
        if (runner != null) {
            runner.start();
        }
    }

    public boolean enabled() {
        return runner != null;
    }

    /** What {@code /health/ready} shows: the bot's state, never DOWN (the server works without Telegram). */
    public HealthCheck health() {
        return new HealthCheck() {
            @Override
            public String name() {
                return "telegram";
            }

            @Override
            public Status check() {
                BotRunner.State s = runner.state();
                String detail = s.problem() == null ? "@" + s.username() : "degraded: " + s.problem();
                return new Status(true, detail + (runner.leader() ? " (this node polls)" : ""));
            }
        };
    }

    // ---- linking -------------------------------------------------------------------------------------

    /** Where an agent's link stands, for the Account pane. */
    public record LinkStatus(
            boolean enabled, String botUsername, boolean linked, String telegramUsername, Preferences preferences) {}

    public LinkStatus status(Principal p) {
        if (!enabled()) {
            return new LinkStatus(false, null, false, null, null);
        }
        Optional<TelegramStore.Link> link = store.linkOf(p.userId());
        return new LinkStatus(
                true,
                runner.state().username(),
                link.isPresent(),
                link.map(TelegramStore.Link::tgUsername).orElse(null),
                link.map(TelegramStore.Link::preferences).orElse(null));
    }

    /** A one-time deep link that links the Telegram chat it is opened in to this agent. */
    public record DeepLink(String url, Instant expiresAt) {}

    public DeepLink startLink(Principal p) {
        String username = botUsername();
        String code = ids.newToken().replace('+', '-').replace('/', '_').replace("=", "");
        Instant expires = clock.instant().plus(LINK_LIFETIME);
        store.insertCode(Ids.sha256Hex(code), TelegramStore.Purpose.LINK, p.userId(), null, expires);
        return new DeepLink("https://t.me/" + username + "?start=" + code, expires);
    }

    public void unlink(Principal p, RequestInfo from) {
        requireEnabled();
        Optional<TelegramStore.Link> link = store.linkOf(p.userId());
        if (link.isPresent() && store.unlink(p.userId())) {
            audit.append(AuditEvent.of(AuditType.TELEGRAM_UNLINKED, p, from, p.email(), "from the console"));
            say(link.get().chatId(), link.get().preferences().language(), "unlinked-" + ids.newId(), "unlinked");
        }
    }

    public Preferences setPreferences(Principal p, Preferences preferences) {
        requireEnabled();
        store.linkOf(p.userId()).orElseThrow(() -> AppException.notFound("Telegram link"));
        store.setPreferences(p.userId(), preferences);
        return preferences;
    }

    private String botUsername() {
        requireEnabled();
        String username = runner.state().username();
        if (username == null) {
            throw new AppException(ErrorCode.UNAVAILABLE, "the Telegram bot cannot be reached yet; try again shortly");
        }
        return username;
    }

    private void requireEnabled() {
        if (!enabled()) {
            throw new AppException(ErrorCode.UNAVAILABLE, "Telegram is not configured on this server");
        }
    }

    // ---- sign-in codes -------------------------------------------------------------------------------

    /** Whether the account behind a half-signed-in session can get a code by Telegram. */
    public boolean signInCodeAvailable(Principal p) {
        return enabled() && store.linkOf(p.userId()).isPresent();
    }

    /**
     * Sends a fresh 6-digit sign-in code to the account's linked chat (replacing an earlier one): valid for
     * {@link #OTP_LIFETIME}, single use, at most three requests a minute per account.
     */
    public Instant sendSignInCode(Principal p, RequestInfo from) {
        requireEnabled();
        TelegramStore.Link link = store.linkOf(p.userId())
                .orElseThrow(() -> new AppException(ErrorCode.CONFLICT, "this account has no linked Telegram"));
        otpRequests.tryAcquire("otp:" + p.userId()).ifPresent(wait -> {
            audit.append(AuditEvent.of(AuditType.TELEGRAM_CODE_SENT, p, from, p.email(), "refused: rate limit"));
            throw AppException.rateLimited(wait);
        });
        String code = String.format(Locale.ROOT, "%06d", ids.random().nextInt(1_000_000));
        Instant expires = clock.instant().plus(OTP_LIFETIME);
        store.putOtp(p.userId(), otpHash(p.userId(), code), expires);
        send(
                link.chatId(),
                "otp-" + ids.newId(),
                text(BotTexts.format(link.preferences().language(), "otp", code)),
                null,
                OTP_LIFETIME);
        audit.append(AuditEvent.of(AuditType.TELEGRAM_CODE_SENT, p, from, p.email(), "sent"));
        return expires;
    }

    /** Uses up the account's sign-in code if {@code code} is it and still valid (constant-time comparison). */
    public boolean useSignInCode(String userId, String code) {
        if (!enabled() || !code.matches("\\d{6}")) {
            return false;
        }
        Optional<TelegramStore.Otp> otp = store.otpOf(userId);
        if (otp.isEmpty()) {
            return false;
        }
        String given = otpHash(userId, code);
        boolean same = MessageDigest.isEqual(
                given.getBytes(StandardCharsets.US_ASCII), otp.get().codeHash().getBytes(StandardCharsets.US_ASCII));
        if (!same || !clock.instant().isBefore(otp.get().expiresAt())) {
            return false;
        }
        return store.deleteOtp(userId, otp.get().codeHash());
    }

    private static String otpHash(String userId, String code) {
        return Ids.sha256Hex(OTP_CONTEXT + userId + ":" + code);
    }

    // ---- notifications -------------------------------------------------------------------------------

    /** A chat message was stored (on this node): tell the agents who want to know. */
    public void messageStored(ServerFrame.ChatMessage m) {
        if (!enabled() || !"VISITOR".equals(m.senderKind()) || "NOTE".equals(m.kind())) {
            return;
        }
        boolean first = m.seq() == 1;
        Optional<TelegramStore.ConversationFacts> facts = store.conversation(m.conversationId());
        String assignee = facts.map(TelegramStore.ConversationFacts::assigneeId).orElse(null);
        for (TelegramStore.Link link : store.links()) {
            Preferences pref = link.preferences();
            boolean wanted = first
                    ? pref.conversations()
                    : pref.messages()
                            && (assignee == null || assignee.equals(link.userId()))
                            && !attendance.inConsole(link.userId());
            if (!wanted || !deliverable(link) || store.conversationMuted(link.userId(), m.conversationId())) {
                continue;
            }
            String lang = pref.language();
            String body = "ATTACHMENT".equals(m.kind()) && m.attachment() != null
                    ? BotTexts.format(lang, "attachment", m.attachment().name())
                            + (m.body().isBlank() ? "" : "\n" + BotTexts.escape(BotTexts.clip(m.body(), PREVIEW)))
                    : BotTexts.escape(BotTexts.clip(m.body(), PREVIEW));
            String html = first
                    ? BotTexts.format(lang, "newConversation", m.senderName(), "\u0000")
                            .replace("\u0000", body)
                    : BotTexts.format(lang, "newMessage", m.senderName(), "\u0000")
                            .replace("\u0000", body);
            Optional<FileCall> file = fileCall(m.attachment());
            ObjectNode payload = file.isPresent() ? caption(html, m.attachment(), file.get()) : text(html);
            ArrayNode row = Json.MAPPER.createArrayNode();
            if (first) {
                row.addObject()
                        .put("text", BotTexts.format(lang, "take"))
                        .put("callback_data", "take:" + m.conversationId());
            }
            if (publicUrl != null) {
                row.addObject()
                        .put("text", BotTexts.format(lang, "openConsole"))
                        .put("url", publicUrl + "/console/chats?c=" + m.conversationId());
            }
            if (!row.isEmpty()) {
                payload.putObject("reply_markup").putArray("inline_keyboard").add(row);
            }
            send(
                    link.chatId(),
                    "msg-" + m.id() + "-" + link.userId(),
                    file.map(FileCall::method).orElse("sendMessage"),
                    payload,
                    m.conversationId(),
                    NOTIFICATION_LIFETIME);
        }
    }

    /** How an attachment goes to Telegram as a file: the send method and its file field. */
    record FileCall(String method, String field) {}

    /**
     * The upload for {@code a}: pictures as photos (up to 10 MB), voice notes Telegram can play as voice
     * messages, anything else as a document (up to 50 MB). Empty for no attachment or one over the limits,
     * which stays a text line with its name.
     */
    static Optional<FileCall> fileCall(ServerFrame.AttachmentInfo a) {
        if (a == null) {
            return Optional.empty();
        }
        String type = a.contentType() == null ? "" : a.contentType().toLowerCase(Locale.ROOT);
        if (PHOTO_TYPES.contains(type) && a.size() <= PHOTO_LIMIT) {
            return Optional.of(new FileCall("sendPhoto", "photo"));
        }
        if (a.size() > FILE_LIMIT) {
            return Optional.empty();
        }
        return Optional.of(
                VOICE_TYPES.contains(type)
                        ? new FileCall("sendVoice", "voice")
                        : new FileCall("sendDocument", "document"));
    }

    /** A file send's parameters: the notification as an HTML caption, and which attachment to upload. */
    private static ObjectNode caption(String html, ServerFrame.AttachmentInfo a, FileCall call) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        // Within the 1024-character caption limit: the text is clipped to PREVIEW before it is escaped.
        p.put("caption", html);
        p.put("parse_mode", "HTML");
        p.putObject(Outbox.FILE)
                .put("attachment", a.id())
                .put("field", call.field())
                .put("name", a.name())
                .put("type", a.contentType());
        return p;
    }

    private Optional<byte[]> attachmentBytes(String attachmentId) {
        try (var in = chat.download(UPLOADER, attachmentId, false).body()) {
            return Optional.of(in.readAllBytes());
        } catch (AppException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A visitor's call is waiting for an agent. */
    public void incomingCall(String callId, String visitorName) {
        notifyAll(l -> l.preferences().calls(), "call-" + callId, (lang) -> {
            ObjectNode p = text(BotTexts.format(lang, "incomingCall", visitorName));
            if (publicUrl != null) {
                p.putObject("reply_markup")
                        .putArray("inline_keyboard")
                        .addArray()
                        .addObject()
                        .put("text", BotTexts.format(lang, "openCall"))
                        .put("url", publicUrl + "/console/calls?call=" + callId);
            }
            return p;
        });
    }

    /** Nobody answered a visitor's call in time. */
    public void missedCall(String callId, String visitorName) {
        notifyAll(
                l -> l.preferences().missedCalls(),
                "missed-" + callId,
                lang -> text(BotTexts.format(lang, "missedCall", visitorName)));
    }

    /** The team's calls for today are used up (admins). */
    public void dailyLimitReached(java.time.LocalDate day, int limit) {
        notifyAll(
                l -> l.preferences().limits() && l.role() == Principal.Role.ADMIN,
                "limit-" + day,
                lang -> text(BotTexts.format(lang, "limitReached", limit)));
    }

    /** An agent came online or went offline (admins who asked for it; never about themselves). */
    public void agentPresence(String agentId, String agentName, boolean online) {
        if (!enabled() || !runner.leader()) {
            return; // every node sees the change; the node talking to Telegram tells
        }
        String key = "presence-" + agentId + "-" + ids.newId();
        notifyAll(
                l -> l.preferences().presence()
                        && l.role() == Principal.Role.ADMIN
                        && !l.userId().equals(agentId),
                key,
                lang -> text(BotTexts.format(lang, online ? "agentOnline" : "agentOffline", agentName)));
    }

    private void notifyAll(
            Predicate<TelegramStore.Link> wants, String key, java.util.function.Function<String, ObjectNode> payload) {
        if (!enabled()) {
            return;
        }
        for (TelegramStore.Link link : store.links()) {
            if (wants.test(link) && deliverable(link)) {
                send(
                        link.chatId(),
                        key + "-" + link.userId(),
                        payload.apply(link.preferences().language()),
                        null,
                        NOTIFICATION_LIFETIME);
            }
        }
    }

    private boolean deliverable(TelegramStore.Link link) {
        return !link.disabled()
                && !link.preferences().muted()
                && !link.preferences().quietAt(clock.instant());
    }

    // ---- updates from Telegram -----------------------------------------------------------------------

    /**
     * Hands an update that arrived by webhook to the same path as polled ones; false when it could not be
     * handled now (Telegram retries it).
     */
    public boolean webhook(String secretHeader, String body) {
        requireEnabled();
        if (!config.webhook()
                || !Ids.sameSecret(secretHeader, config.webhookSecret().value())) {
            throw new AppException(ErrorCode.UNAUTHENTICATED, "wrong or missing secret token");
        }
        JsonNode update;
        try {
            update = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw AppException.invalid("body", "not a Telegram update");
        }
        if (update == null || !update.path("update_id").canConvertToLong()) {
            throw AppException.invalid("body", "not a Telegram update");
        }
        return runner.receive(update);
    }

    /** One update: a message or a button press. Runs on the receiving thread. */
    void handle(JsonNode update) {
        long updateId = update.path("update_id").asLong();
        JsonNode callback = update.get("callback_query");
        JsonNode message = callback != null ? callback.path("message") : update.get("message");
        if (message == null) {
            return; // kinds we did not ask for
        }
        long chatId = message.path("chat").path("id").asLong();
        if (!"private".equals(message.path("chat").path("type").asText())) {
            log.info("Telegram update {} from a group chat ignored", updateId);
            return;
        }
        String text = message.path("text").asText("").strip();
        if (callback == null && text.startsWith("/start")) {
            start(chatId, message, text.length() > 6 ? text.substring(6).strip() : "");
            return;
        }
        if (callback == null && message.has("contact")) {
            contact(chatId, message);
            return;
        }
        Optional<TelegramStore.Link> link = store.linkByChat(chatId);
        if (link.isEmpty() || link.get().disabled()) {
            log.info("Telegram update {} from chat {}, which is linked to no active agent: ignored", updateId, chatId);
            if (unlinkedAudits.tryAcquire(Long.toString(chatId)).isEmpty()) {
                audit.append(new AuditEvent(
                        AuditType.TELEGRAM_UNLINKED_CHAT, null, null, null, "telegram chat " + chatId, "ignored"));
            }
            if (callback != null) {
                answerCallback(callback, "");
            }
            return;
        }
        MDC.put("userId", link.get().userId());
        try {
            if (callback != null) {
                button(link.get(), callback);
            } else {
                fromAgent(link.get(), updateId, message, text);
            }
        } finally {
            MDC.remove("userId");
        }
    }

    private void start(long chatId, JsonNode message, String code) {
        Optional<TelegramStore.Code> used = code.matches("[A-Za-z0-9_-]{10,64}")
                ? store.useCode(Ids.sha256Hex(code), clock.instant())
                : Optional.empty();
        String lang = languageOf(message);
        if (used.isEmpty()) {
            say(
                    chatId,
                    lang,
                    "start-" + chatId + "-" + message.path("message_id").asLong(),
                    "linkInvalid");
            return;
        }
        TelegramStore.Code c = used.get();
        switch (c.purpose()) {
            case LINK -> {
                String username = message.path("from").path("username").asText(null);
                store.link(c.userId(), chatId, username, lang, clock.instant());
                TelegramStore.Link link = store.linkOf(c.userId()).orElseThrow();
                log.info("Telegram chat {} linked to agent {}", chatId, c.userId());
                audit.append(new AuditEvent(
                        AuditType.TELEGRAM_LINKED,
                        link.userId(),
                        link.name(),
                        null,
                        link.email(),
                        "telegram chat " + chatId + (username == null ? "" : " @" + username)));
                send(
                        chatId,
                        "linked-" + chatId + "-" + message.path("message_id").asLong(),
                        text(BotTexts.format(lang, "linked", link.name())),
                        null,
                        REPLY_LIFETIME);
            }
            case PHONE -> {
                store.bindPhoneCode(Ids.sha256Hex(code), chatId);
                askForContact(
                        chatId,
                        lang,
                        "phone-ask-" + chatId + "-" + message.path("message_id").asLong(),
                        "phoneAsk");
            }
        }
    }

    private void fromAgent(TelegramStore.Link link, long updateId, JsonNode message, String text) {
        String lang = link.preferences().language();
        String command = text.startsWith("/") ? text.split("[\\s@]", 2)[0].toLowerCase(Locale.ROOT) : null;
        long replyTo = message.path("reply_to_message").path("message_id").asLong(0);
        Optional<String> conversation = replyTo == 0 ? Optional.empty() : outbox.conversationOf(link.chatId(), replyTo);
        String key = "re-" + updateId;
        if (command != null) {
            command(link, command, conversation, key);
            return;
        }
        if (conversation.isEmpty()) {
            say(link.chatId(), lang, key, "replyFirst");
            return;
        }
        Party.Agent agent = agentOf(link);
        try {
            ChatFrame.Send frame = toFrame(agent, conversation.get(), "tg-" + updateId, message, text);
            if (frame == null) {
                say(link.chatId(), lang, key, "replyFirst");
                return;
            }
            chat.send(agent, frame);
            log.info("Telegram reply of agent {} stored in conversation {}", link.userId(), conversation.get());
        } catch (AppException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                say(link.chatId(), lang, key, "conversationGone");
            } else {
                send(
                        link.chatId(),
                        key,
                        text(BotTexts.format(lang, "notDelivered", e.getMessage())),
                        null,
                        REPLY_LIFETIME);
            }
        }
    }

    /** The message as a chat frame: its text, or its photo, voice note or document fetched from Telegram. */
    private ChatFrame.Send toFrame(
            Party.Agent agent, String conversationId, String clientId, JsonNode message, String text) {
        JsonNode file = null;
        String name = null;
        String type = null;
        if (message.has("photo")
                && message.path("photo").isArray()
                && !message.path("photo").isEmpty()) {
            JsonNode photo = message.path("photo");
            file = photo.get(photo.size() - 1); // the largest size
            name = "photo.jpg";
            type = "image/jpeg";
        } else if (message.has("voice")) {
            file = message.path("voice");
            name = "voice.ogg";
            type = file.path("mime_type").asText("audio/ogg");
        } else if (message.has("document")) {
            file = message.path("document");
            name = file.path("file_name").asText("file");
            type = file.path("mime_type").asText("application/octet-stream");
        } else if (message.has("audio")) {
            file = message.path("audio");
            name = file.path("file_name").asText("audio.mp3");
            type = file.path("mime_type").asText("audio/mpeg");
        }
        String caption = message.path("caption").asText("").strip();
        if (file == null) {
            return text.isEmpty() ? null : new ChatFrame.Send(conversationId, clientId, text, null, false);
        }
        if (file.path("file_size").asLong(0) > maxAttachmentBytes) {
            throw new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "the file is too large for the chat");
        }
        try {
            JsonNode info = api.call(
                    "getFile",
                    Json.MAPPER
                            .createObjectNode()
                            .put("file_id", file.path("file_id").asText()));
            byte[] bytes = api.download(info.path("file_path").asText(), maxAttachmentBytes);
            ServerFrame.AttachmentInfo stored =
                    chat.upload(agent, conversationId, new ByteArrayInputStream(bytes), name, type);
            return new ChatFrame.Send(conversationId, clientId, caption, stored.id(), false);
        } catch (BotApiException e) {
            if (e.retryable()) {
                throw new IllegalStateException("Telegram file not available yet: " + e.getMessage());
            }
            throw new AppException(ErrorCode.INVALID_INPUT, "Telegram did not hand over the file");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching a Telegram file");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void command(TelegramStore.Link link, String command, Optional<String> conversation, String key) {
        String lang = link.preferences().language();
        switch (command) {
            case "/take", "/resolve" -> {
                if (conversation.isEmpty()) {
                    say(link.chatId(), lang, key, "replyFirst");
                    return;
                }
                conversationCommand(link, command.equals("/take") ? "take" : "resolve", conversation.get(), key);
            }
            case "/mute" -> {
                if (conversation.isPresent()) {
                    String visitor = visitorName(conversation.get());
                    boolean muted = store.toggleConversationMute(link.userId(), conversation.get());
                    send(
                            link.chatId(),
                            key,
                            text(BotTexts.format(lang, muted ? "mutedConversation" : "unmutedConversation", visitor)),
                            null,
                            REPLY_LIFETIME);
                } else {
                    boolean muted = !link.preferences().muted();
                    store.setMuted(link.userId(), muted);
                    say(link.chatId(), lang, key, muted ? "mutedAll" : "unmutedAll");
                }
            }
            case "/status" -> {
                TelegramStore.Workload w = store.workload(link.userId());
                String state = BotTexts.format(lang, link.preferences().muted() ? "off" : "on");
                send(
                        link.chatId(),
                        key,
                        text(BotTexts.format(lang, "status", w.mine(), w.unassigned(), state)),
                        null,
                        REPLY_LIFETIME);
            }
            case "/unlink", "/stop" -> {
                store.unlink(link.userId());
                audit.append(new AuditEvent(
                        AuditType.TELEGRAM_UNLINKED, link.userId(), link.name(), null, link.email(), "from Telegram"));
                say(link.chatId(), lang, key, "unlinked");
            }
            default -> say(link.chatId(), lang, key, "help");
        }
    }

    private void conversationCommand(TelegramStore.Link link, String action, String conversationId, String key) {
        String lang = link.preferences().language();
        try {
            Conversation c = "take".equals(action)
                    ? chat.assign(conversationId, link.userId())
                    : chat.setStatus(conversationId, Conversation.Status.RESOLVED);
            log.info("agent {} did {} on conversation {} from Telegram", link.userId(), action, conversationId);
            send(
                    link.chatId(),
                    key,
                    text(BotTexts.format(lang, "take".equals(action) ? "taken" : "resolved", c.visitorName())),
                    null,
                    REPLY_LIFETIME);
        } catch (AppException e) {
            say(link.chatId(), lang, key, "conversationGone");
        }
    }

    private void button(TelegramStore.Link link, JsonNode callback) {
        String data = callback.path("data").asText("");
        answerCallback(callback, "");
        if (data.startsWith("take:")) {
            String conversationId = data.substring(5);
            if (store.conversation(conversationId).isPresent()) {
                conversationCommand(
                        link,
                        "take",
                        conversationId,
                        "cb-" + callback.path("id").asText());
            }
        }
    }

    private void answerCallback(JsonNode callback, String text) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("callback_query_id", callback.path("id").asText());
        if (!text.isEmpty()) {
            p.put("text", text);
        }
        // Not through the outbox: an answer is only useful within seconds, and Telegram expires the query.
        outboxless("answerCallbackQuery", p);
    }

    private void outboxless(String method, ObjectNode params) {
        try {
            api.call(method, params);
        } catch (BotApiException e) {
            log.debug("Telegram {} failed: {}", method, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- visitors' phone numbers ---------------------------------------------------------------------

    /** Whether visitors may verify their phone through the bot here. */
    public boolean phoneVerificationEnabled() {
        return enabled() && config.visitorPhoneVerification();
    }

    /**
     * Whether a visitor is offered phone verification, and their number once verified ({@code verifiedAt}
     * null while not), for the chat page.
     */
    public record PhoneVerification(boolean offered, String phone, Instant verifiedAt) {}

    public PhoneVerification phoneVerification(Party.Visitor visitor) {
        Optional<TelegramStore.VisitorPhone> v = store.visitorPhone(visitor.id());
        Instant verifiedAt = v.map(TelegramStore.VisitorPhone::verifiedAt).orElse(null);
        return new PhoneVerification(
                phoneVerificationEnabled(), verifiedAt == null ? null : v.get().phone(), verifiedAt);
    }

    /** A one-time deep link for a visitor: opening it and sharing the contact verifies their phone number. */
    public DeepLink startPhoneVerification(Party.Visitor visitor) {
        if (!phoneVerificationEnabled()) {
            throw new AppException(ErrorCode.UNAVAILABLE, "phone verification is not offered here");
        }
        String username = botUsername();
        String code = ids.newToken().replace('+', '-').replace('/', '_').replace("=", "");
        Instant expires = clock.instant().plus(LINK_LIFETIME);
        store.insertCode(Ids.sha256Hex(code), TelegramStore.Purpose.PHONE, null, visitor.id(), expires);
        return new DeepLink("https://t.me/" + username + "?start=" + code, expires);
    }

    private void contact(long chatId, JsonNode message) {
        String lang = languageOf(message);
        String key = "contact-" + chatId + "-" + message.path("message_id").asLong();
        Optional<String> visitorId = store.phoneCodeOf(chatId, clock.instant());
        if (visitorId.isEmpty()) {
            log.info("Telegram contact from chat {} without a pending phone verification: ignored", chatId);
            return;
        }
        JsonNode contact = message.path("contact");
        if (contact.path("user_id").asLong(0) != message.path("from").path("id").asLong(-1)) {
            askForContact(chatId, lang, key, "phoneOwnOnly");
            return;
        }
        String phone = contact.path("phone_number").asText("").replaceAll("[^0-9+]", "");
        if (!phone.startsWith("+")) {
            phone = "+" + phone;
        }
        store.verifyVisitorPhone(visitorId.get(), phone, chatId, clock.instant());
        log.info("visitor {} verified a phone number through Telegram", visitorId.get());
        audit.append(new AuditEvent(
                AuditType.TELEGRAM_PHONE_VERIFIED,
                null,
                null,
                null,
                "visitor " + visitorId.get(),
                "telegram chat " + chatId));
        ObjectNode p = text(BotTexts.format(lang, "phoneVerified"));
        p.putObject("reply_markup").put("remove_keyboard", true);
        send(chatId, key, p, null, REPLY_LIFETIME);
    }

    private void askForContact(long chatId, String lang, String key, String textKey) {
        ObjectNode p = text(BotTexts.format(lang, textKey));
        ObjectNode keyboard = p.putObject("reply_markup");
        keyboard.putArray("keyboard")
                .addArray()
                .addObject()
                .put("text", BotTexts.format(lang, "phoneButton"))
                .put("request_contact", true);
        keyboard.put("one_time_keyboard", true).put("resize_keyboard", true);
        send(chatId, key, p, null, REPLY_LIFETIME);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private Party.Agent agentOf(TelegramStore.Link link) {
        return new Party.Agent(new Principal(
                link.userId(), link.name(), link.email(), link.role(), "telegram", Principal.Stage.FULL, null));
    }

    private String visitorName(String conversationId) {
        return store.conversation(conversationId)
                .map(TelegramStore.ConversationFacts::visitorName)
                .orElse("?");
    }

    private static String languageOf(JsonNode message) {
        return message.path("from").path("language_code").asText("en").startsWith("tr") ? "tr" : "en";
    }

    private static ObjectNode text(String html) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("text", html);
        p.put("parse_mode", "HTML");
        p.putObject("link_preview_options").put("is_disabled", true);
        return p;
    }

    private void say(long chatId, String lang, String key, String textKey) {
        send(chatId, key, text(BotTexts.format(lang, textKey)), null, REPLY_LIFETIME);
    }

    private void send(long chatId, String key, ObjectNode payload, String conversationId, Duration lifetime) {
        send(chatId, key, "sendMessage", payload, conversationId, lifetime);
    }

    private void send(
            long chatId, String key, String method, ObjectNode payload, String conversationId, Duration lifetime) {
        if (outbox.enqueue(key, chatId, method, payload, conversationId, lifetime)) {
            runner.wake();
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
    }

    /** Lists for tests and operators: how many calls wait in the outbox. */
    int backlog() {
        return outbox.backlog();
    }
}
