package io.romotica.server.chat;

import io.romotica.protocol.ChatFrame;
import io.romotica.protocol.ServerFrame;
import io.romotica.protocol.ServerFrame.AttachmentInfo;
import io.romotica.protocol.ServerFrame.ChatMessage;
import io.romotica.server.common.AppException;
import io.romotica.server.common.ErrorCode;
import io.romotica.server.common.Ids;
import io.romotica.server.realtime.Broadcaster;
import io.romotica.server.realtime.Parties;
import io.romotica.server.realtime.Party;
import io.romotica.server.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live chat use cases: visitors, conversations and messages. A message is stored in one transaction that
 * takes the conversation's next sequence number under a row lock, and is acknowledged only after that
 * commit, so an acknowledged message is durable. The same {@code clientId} from the same sender returns
 * the stored message (idempotent resend). New messages are broadcast to all agents and to the
 * conversation's visitor on every node; a client that missed some asks for them by sequence number.
 * Thread-safe.
 */
public final class ChatService {
    /** Most messages one history answer carries; the client asks again from the last seq. */
    public static final int HISTORY_PAGE = 200;

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);
    private static final String NOT_FOUND_MESSAGE = "no such conversation";

    private final Jdbi jdbi;
    private final ChatRepository repository;
    private final ChatSearch search;
    private final VisitorTokens tokens;
    private final Broadcaster broadcaster;
    private final Ids ids;
    private final Clock clock;

    private final BlobStore blobs;
    private final ChatRouter router;
    private final long maxAttachmentBytes;
    private final List<java.util.function.Consumer<ChatMessage>> stored =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public ChatService(
            Jdbi jdbi,
            VisitorTokens tokens,
            Broadcaster broadcaster,
            BlobStore blobs,
            long maxAttachmentBytes,
            ChatRouter router,
            Ids ids,
            Clock clock) {
        this.router = router;
        this.jdbi = jdbi;
        this.repository = new ChatRepository(jdbi);
        this.search = new ChatSearch(jdbi);
        this.tokens = tokens;
        this.broadcaster = broadcaster;
        this.blobs = blobs;
        this.maxAttachmentBytes = maxAttachmentBytes;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Calls {@code listener} with every new message (not a resend) after it is stored and broadcast, on the
     * node that stored it (the Telegram bot's notifications). A failing listener is logged, never the sender's
     * problem.
     */
    public void onMessageStored(java.util.function.Consumer<ChatMessage> listener) {
        stored.add(listener);
    }

    private void tellStored(ChatMessage m) {
        for (var listener : stored) {
            try {
                listener.accept(m);
            } catch (RuntimeException e) {
                log.warn("a listener of new chat messages failed", e);
            }
        }
    }

    /** A new visitor identity and the token that proves it. */
    public record NewVisitor(String visitorId, String name, String token) {}

    public NewVisitor createVisitor(String name, String email, String phone) {
        String id = ids.newId();
        repository.insertVisitor(id, name, email, phone, now());
        return new NewVisitor(id, name, tokens.issue(id));
    }

    /**
     * The visitor behind a token. An expired token is {@code VISITOR_TOKEN_EXPIRED}; a forged or damaged one,
     * or one of an erased visitor, {@code UNAUTHENTICATED}. A token older than a tenth of its lifetime comes
     * back with a fresh one, so a returning visitor keeps their conversations.
     */
    public Parties.VisitorAccess visitorAccess(String token) {
        return switch (tokens.check(token)) {
            case VisitorTokens.Check.Valid valid -> {
                Party.Visitor visitor = repository
                        .visitorName(valid.visitorId())
                        .map(name -> new Party.Visitor(valid.visitorId(), name))
                        .orElseThrow(() -> new AppException(ErrorCode.UNAUTHENTICATED, "no such visitor"));
                yield new Parties.VisitorAccess(visitor, valid.renew() ? tokens.issue(visitor.id()) : null);
            }
            case VisitorTokens.Check.Expired expired ->
                throw new AppException(ErrorCode.VISITOR_TOKEN_EXPIRED, "the visitor token has expired");
            case VisitorTokens.Check.Invalid invalid ->
                throw new AppException(ErrorCode.UNAUTHENTICATED, "the visitor token is not valid");
        };
    }

    /** The visitor behind a token (see {@link #visitorAccess}); no renewal. */
    public Party.Visitor visitor(String token) {
        return visitorAccess(token).visitor();
    }

    /** A visitor opens a conversation with its first message; a retried start returns the same message. */
    public ChatMessage start(Party.Visitor visitor, String clientId, String text) {
        Optional<ChatMessage> earlier = repository.startedWith(visitor.id(), clientId);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String conversationId = ids.newId();
        Instant now = now();
        ChatMessage first = new ChatMessage(
                ids.newId(),
                conversationId,
                1,
                clientId,
                "VISITOR",
                visitor.id(),
                visitor.name(),
                "TEXT",
                text,
                null,
                now);
        jdbi.useTransaction(h -> {
            ChatRepository.insertConversation(h, conversationId, visitor.id(), now);
            ChatRepository.append(h, first);
        });
        log.info("conversation {} started by visitor {}", conversationId, visitor.id());
        broadcaster.toAgentsAndVisitor(visitor.id(), new ServerFrame.ChatNew(first));
        router.route(conversationId).ifPresent(agent -> changed(conversationId));
        tellStored(first);
        return first;
    }

    /** Appends a text message from {@code sender}; returns the stored message (the earlier one on a resend). */
    public ChatMessage send(Party sender, String conversationId, String clientId, String text) {
        return send(sender, new ChatFrame.Send(conversationId, clientId, text, null, false));
    }

    /**
     * Appends a message from {@code sender}: text, an attachment the sender uploaded into this conversation,
     * or (agents only) an internal note that visitors never see. Returns the stored message (the earlier
     * one on a resend).
     */
    public ChatMessage send(Party sender, ChatFrame.Send frame) {
        if (frame.internal() && !(sender instanceof Party.Agent)) {
            throw new AppException(ErrorCode.FORBIDDEN, "only agents write internal notes");
        }
        String conversationId = frame.conversationId();
        record Outcome(ChatMessage message, boolean created, String visitorId) {}
        Outcome outcome = jdbi.inTransaction(h -> {
            Conversation c = ChatRepository.lockConversation(h, conversationId)
                    .filter(conv -> mayAccess(sender, conv))
                    .orElseThrow(() -> new AppException(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE));
            Optional<ChatMessage> resent = ChatRepository.byClientId(h, conversationId, sender.id(), frame.clientId());
            if (resent.isPresent()) {
                return new Outcome(resent.get(), false, c.visitorId());
            }
            AttachmentInfo attachment = null;
            if (frame.attachmentId() != null) {
                attachment = ChatRepository.attachment(h, frame.attachmentId())
                        .filter(a -> a.conversationId().equals(conversationId)
                                && a.uploaderId().equals(sender.id()))
                        .orElseThrow(() -> AppException.invalid("attachmentId", "no such upload in this conversation"))
                        .info();
            }
            String kind = frame.internal() ? "NOTE" : attachment != null ? "ATTACHMENT" : "TEXT";
            ChatMessage m = new ChatMessage(
                    ids.newId(),
                    conversationId,
                    c.lastSeq() + 1,
                    frame.clientId(),
                    kindOf(sender),
                    sender.id(),
                    sender.name(),
                    kind,
                    frame.text(),
                    attachment,
                    now());
            ChatRepository.append(h, m);
            return new Outcome(m, true, c.visitorId());
        });
        if (outcome.created()) {
            ServerFrame.ChatNew news = new ServerFrame.ChatNew(outcome.message());
            if (frame.internal()) {
                broadcaster.toAgents(news);
            } else {
                broadcaster.toAgentsAndVisitor(outcome.visitorId(), news);
            }
            tellStored(outcome.message());
        }
        return outcome.message();
    }

    /**
     * Stores an upload into a conversation {@code party} may write to, after {@link AttachmentInspector}
     * accepted it; it becomes visible to the other side once a message carries it.
     */
    public AttachmentInfo upload(
            Party party, String conversationId, InputStream body, String fileName, String declaredType)
            throws IOException {
        visible(party, conversationId);
        Path raw = blobs.tempFile();
        List<Path> temporary = new ArrayList<>(List.of(raw));
        try {
            long size = copyLimited(body, raw);
            if (size == 0) {
                throw AppException.invalid("body", "the file is empty");
            }
            AttachmentInspector.Inspected kept = AttachmentInspector.inspect(raw, fileName, declaredType);
            temporary.add(kept.file());
            if (kept.thumbnail() != null) {
                temporary.add(kept.thumbnail());
            }
            String blobKey = ids.newId();
            String thumbKey = kept.thumbnail() == null ? null : ids.newId();
            long keptSize = Files.size(kept.file());
            blobs.put(blobKey, kept.file());
            if (thumbKey != null) {
                blobs.put(thumbKey, kept.thumbnail());
            }
            AttachmentInfo info = new AttachmentInfo(
                    ids.newId(),
                    kept.name(),
                    kept.contentType(),
                    keptSize,
                    kept.width(),
                    kept.height(),
                    thumbKey != null);
            repository.insertAttachment(
                    new ChatRepository.StoredAttachment(conversationId, party.id(), blobKey, thumbKey, info), now());
            log.info(
                    "attachment {} ({}, {} bytes) stored in conversation {}",
                    info.id(),
                    info.contentType(),
                    keptSize,
                    conversationId);
            return info;
        } finally {
            for (Path p : temporary) {
                Files.deleteIfExists(p);
            }
        }
    }

    private long copyLimited(InputStream in, Path target) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxAttachmentBytes) {
                    throw new AppException(
                            ErrorCode.PAYLOAD_TOO_LARGE, "attachments may be at most " + maxAttachmentBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    /** An attachment's bytes (or its thumbnail's) and what to call them. */
    public record Download(AttachmentInfo info, String contentType, InputStream body) {}

    /**
     * Opens an attachment for {@code party}: agents may read all; a visitor only attachments of their own
     * conversations that they uploaded or that were sent to them. Others look like they do not exist.
     */
    public Download download(Party party, String attachmentId, boolean thumbnail) throws IOException {
        ChatRepository.StoredAttachment a = repository
                .attachment(attachmentId)
                .filter(found -> switch (party) {
                    case Party.Agent agent -> true;
                    case Party.Visitor visitor ->
                        repository
                                        .conversation(found.conversationId())
                                        .filter(c -> mayAccess(party, c))
                                        .isPresent()
                                && (found.uploaderId().equals(visitor.id()) || repository.attachmentSent(attachmentId));
                })
                .orElseThrow(() -> AppException.notFound("attachment"));
        if (thumbnail && a.thumbKey() == null) {
            throw AppException.notFound("thumbnail");
        }
        String key = thumbnail ? a.thumbKey() : a.blobKey();
        String type =
                thumbnail ? thumbnailType(a.info().contentType()) : a.info().contentType();
        try {
            return new Download(a.info(), type, blobs.open(key));
        } catch (NoSuchFileException e) {
            log.warn("attachment {} is missing from the blob store", attachmentId);
            throw AppException.notFound("attachment");
        }
    }

    private static String thumbnailType(String imageType) {
        return "image/jpeg".equals(imageType) ? "image/jpeg" : "image/png";
    }

    /**
     * One page of a conversation for {@code reader}, oldest first, at most {@link #HISTORY_PAGE}: the messages
     * after {@code afterSeq} (a resume), or with {@code beforeSeq} the newest ones between the two (paging
     * back). Internal notes reach visitors as HIDDEN stand-ins, so their sequence stays gap-free.
     */
    public ServerFrame.ChatHistory history(Party reader, ChatFrame.Sync sync) {
        Conversation c = visible(reader, sync.conversationId());
        List<ChatMessage> rows = sync.backward()
                ? repository.before(c.id(), sync.afterSeq(), sync.beforeSeq(), HISTORY_PAGE + 1)
                : repository.after(c.id(), sync.afterSeq(), HISTORY_PAGE + 1);
        boolean more = rows.size() > HISTORY_PAGE;
        // Forward pages drop the newest row beyond the page, backward pages the oldest.
        List<ChatMessage> page =
                more ? rows.subList(sync.backward() ? 1 : 0, sync.backward() ? rows.size() : HISTORY_PAGE) : rows;
        return new ServerFrame.ChatHistory(
                c.id(),
                page.stream()
                        .map(m -> reader instanceof Party.Visitor && "NOTE".equals(m.kind()) ? m.hidden() : m)
                        .toList(),
                c.lastSeq(),
                more,
                sync.beforeSeq());
    }

    /** Relays that {@code party} is (or stopped) typing; nothing is stored. */
    public void typing(Party party, String conversationId, boolean typing) {
        Conversation c = visible(party, conversationId);
        broadcaster.toAgentsAndVisitor(
                c.visitorId(),
                new ServerFrame.ChatTyping(conversationId, kindOf(party), party.id(), party.name(), typing));
    }

    /** Records that {@code party} has seen the conversation up to {@code seq} and tells the others. */
    public void read(Party party, String conversationId, long seq) {
        Conversation c = visible(party, conversationId);
        long upTo = Math.min(seq, c.lastSeq());
        if (upTo < 1) {
            return;
        }
        repository.markRead(conversationId, party.id(), upTo);
        broadcaster.toAgentsAndVisitor(
                c.visitorId(), new ServerFrame.ChatRead(conversationId, kindOf(party), party.id(), upTo));
    }

    /** Assigns the conversation to an agent (or nobody, with null); everyone concerned is told. */
    public Conversation assign(String conversationId, String agentId) {
        Conversation c =
                repository.conversation(conversationId).orElseThrow(() -> AppException.notFound("conversation"));
        if (agentId != null && !repository.agentExists(agentId)) {
            throw AppException.invalid("agentId", "no such active agent");
        }
        repository.assign(conversationId, agentId);
        return changed(c.id());
    }

    public Conversation setStatus(String conversationId, Conversation.Status status) {
        repository.conversation(conversationId).orElseThrow(() -> AppException.notFound("conversation"));
        repository.setStatus(conversationId, status);
        Conversation now = changed(conversationId);
        if (status == Conversation.Status.RESOLVED) {
            routeWaiting(); // someone's capacity just freed up
        }
        return now;
    }

    /** Whether an agent is online to answer now. */
    public boolean agentsAvailable() {
        return router.anyAvailable();
    }

    /** Routes waiting conversations, oldest first, while someone available has room. */
    public void routeWaiting() {
        for (String id : router.waiting(50)) {
            if (router.route(id).isEmpty()) {
                return;
            }
            changed(id);
        }
    }

    private Conversation changed(String conversationId) {
        Conversation now = repository.conversation(conversationId).orElseThrow();
        broadcaster.toAgentsAndVisitor(now.visitorId(), new ServerFrame.ChatConversation(now.toInfo()));
        return now;
    }

    private Conversation visible(Party party, String conversationId) {
        return repository
                .conversation(conversationId)
                .filter(conv -> mayAccess(party, conv))
                .orElseThrow(() -> new AppException(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE));
    }

    /** Most messages a transcript holds. */
    static final int TRANSCRIPT_LIMIT = 20_000;

    /** Messages matching every word of {@code query}, newest first (agents only). */
    public List<ChatSearch.Hit> search(String query, int limit) {
        return search.search(query, limit);
    }

    public ChatRepository.VisitorDetails visitorDetails(String visitorId) {
        return repository.visitorDetails(visitorId).orElseThrow(() -> AppException.notFound("visitor"));
    }

    /** A conversation written out as text or HTML, internal notes included only when asked. */
    public String transcript(String conversationId, boolean html, boolean withNotes) {
        Conversation c =
                repository.conversation(conversationId).orElseThrow(() -> AppException.notFound("conversation"));
        ChatRepository.VisitorDetails v = visitorDetails(c.visitorId());
        List<ChatMessage> messages = repository.after(conversationId, 0, TRANSCRIPT_LIMIT).stream()
                .filter(m -> withNotes || !"NOTE".equals(m.kind()))
                .toList();
        var header = new Transcripts.Header(c, v.email(), v.phone(), clock.instant());
        return html ? Transcripts.html(header, messages) : Transcripts.text(header, messages);
    }

    public List<Conversation> conversationsOf(Party.Visitor visitor) {
        return repository.ofVisitor(visitor.id());
    }

    /** One conversation with {@code agent}'s read pointers. */
    public Conversation conversation(Party.Agent agent, String conversationId) {
        return repository
                .withReads(conversationId, agent.id())
                .orElseThrow(() -> AppException.notFound("conversation"));
    }

    /** Conversations by status, newest first, with {@code agent}'s read pointers. */
    public List<Conversation> inbox(Party.Agent agent, Conversation.Status status, int limit) {
        return repository.byStatus(status, limit, agent.id());
    }

    /** Agents see every conversation; a visitor only their own (others look like they do not exist). */
    private static boolean mayAccess(Party party, Conversation c) {
        return switch (party) {
            case Party.Agent agent -> true;
            case Party.Visitor visitor -> visitor.id().equals(c.visitorId());
        };
    }

    private static String kindOf(Party party) {
        return switch (party) {
            case Party.Agent agent -> "AGENT";
            case Party.Visitor visitor -> "VISITOR";
        };
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
