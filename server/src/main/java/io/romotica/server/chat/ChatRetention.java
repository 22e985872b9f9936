package io.romotica.server.chat;

import io.romotica.protocol.ServerFrame;
import io.romotica.server.audit.AuditEvent;
import io.romotica.server.audit.AuditLog;
import io.romotica.server.audit.AuditType;
import io.romotica.server.common.AppException;
import io.romotica.server.common.Principal;
import io.romotica.server.common.RequestInfo;
import io.romotica.server.realtime.Broadcaster;
import io.romotica.server.storage.BlobStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long chat data lives: a scheduled cleanup removes resolved conversations and attachments past their
 * configured lifetimes (and uploads never sent within a day), and an admin can erase one contact with
 * everything they left (right to be forgotten). Rows go first, in one transaction; the blobs after the
 * commit. Every removal is audited. Running on several nodes at once is harmless (deletes are idempotent).
 */
public final class ChatRetention implements AutoCloseable {
    /** Uploads no message carries are removed after this long. */
    static final Duration UNSENT_UPLOAD_LIFETIME = Duration.ofDays(1);

    private static final Logger log = LoggerFactory.getLogger(ChatRetention.class);

    private final Jdbi jdbi;
    private final BlobStore blobs;
    private final AuditLog audit;
    private final Broadcaster broadcaster;
    private final Duration retainResolved;
    private final Duration retainAttachments;
    private final Clock clock;
    private final List<java.util.function.ToIntFunction<String>> erasers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    /** {@code retainResolved}, {@code retainAttachments}: null keeps them. */
    public ChatRetention(
            Jdbi jdbi,
            BlobStore blobs,
            AuditLog audit,
            Broadcaster broadcaster,
            Duration retainResolved,
            Duration retainAttachments,
            Clock clock) {
        this.jdbi = jdbi;
        this.blobs = blobs;
        this.audit = audit;
        this.broadcaster = broadcaster;
        this.retainResolved = retainResolved;
        this.retainAttachments = retainAttachments;
        this.clock = clock;
    }

    /** Runs the cleanup every {@code interval}, the first time shortly after start. */
    public synchronized void start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("chat-retention").daemon(true).factory());
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        cleanup();
                    } catch (RuntimeException e) {
                        log.warn("chat retention cleanup failed; will retry", e);
                    }
                },
                Math.min(60_000, interval.toMillis()),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** What one cleanup removed. */
    public record Removed(int conversations, int attachments) {}

    /** One cleanup pass; audited when it removed anything. */
    public Removed cleanup() {
        Instant now = clock.instant();
        List<String> keys = new ArrayList<>();
        Removed removed = jdbi.inTransaction(h -> {
            int conversations = 0;
            if (retainResolved != null) {
                Instant cutoff = now.minus(retainResolved);
                collectBlobs(
                        h,
                        "a.conversation_id in (select id from conversations where status = 'RESOLVED'"
                                + " and last_message_at < :p)",
                        cutoff,
                        keys);
                conversations = h.createUpdate(
                                "delete from conversations where status = 'RESOLVED' and last_message_at < :cutoff")
                        .bind("cutoff", cutoff)
                        .execute();
            }
            int attachments = 0;
            if (retainAttachments != null) {
                Instant cutoff = now.minus(retainAttachments);
                collectBlobs(h, "a.created_at < :p", cutoff, keys);
                attachments += h.createUpdate("delete from attachments where created_at < :cutoff")
                        .bind("cutoff", cutoff)
                        .execute();
            }
            String unsent = "a.created_at < :p and not exists (select 1 from messages m where m.attachment_id = a.id)";
            Instant unsentCutoff = now.minus(UNSENT_UPLOAD_LIFETIME);
            collectBlobs(h, unsent, unsentCutoff, keys);
            attachments += h.createUpdate("delete from attachments a where " + unsent)
                    .bind("p", unsentCutoff)
                    .execute();
            return new Removed(conversations, attachments);
        });
        deleteBlobs(keys);
        if (removed.conversations() > 0 || removed.attachments() > 0) {
            audit.append(new AuditEvent(
                    AuditType.CHAT_RETENTION_CLEANUP,
                    null,
                    "retention",
                    null,
                    "chat",
                    removed.conversations() + " conversations, " + removed.attachments() + " attachments removed"));
            log.info(
                    "chat retention removed {} conversations and {} attachments",
                    removed.conversations(),
                    removed.attachments());
        }
        return removed;
    }

    /**
     * Runs {@code eraser} with the visitor's id before a visitor is erased, for what other features keep of
     * them (call recordings); it returns how many items it removed, for the audit row.
     */
    public void onErase(java.util.function.ToIntFunction<String> eraser) {
        erasers.add(eraser);
    }

    /** What erasing a contact removed. */
    public record Erased(String visitorId, int conversations, long messages, int attachments) {}

    /**
     * Erases a visitor and everything they left: their conversations, messages (agents' replies included),
     * read marks, attachments and files. Their token stops working at once.
     */
    public Erased eraseVisitor(Principal admin, RequestInfo from, String visitorId) {
        boolean known = jdbi.withHandle(h -> h.createQuery("select 1 from visitors where id = :v")
                .bind("v", visitorId)
                .mapTo(Integer.class)
                .findOne()
                .isPresent());
        if (!known) {
            throw AppException.notFound("visitor");
        }
        int elsewhere = erasers.stream().mapToInt(e -> e.applyAsInt(visitorId)).sum();
        List<String> keys = new ArrayList<>();
        List<String> conversationIds = new ArrayList<>();
        Erased erased = jdbi.inTransaction(h -> {
            int attachments = collectBlobs(
                    h, "a.conversation_id in (select id from conversations where visitor_id = :p)", visitorId, keys);
            long messages = h.createQuery("select count(*) from messages m join conversations c"
                            + " on c.id = m.conversation_id where c.visitor_id = :v")
                    .bind("v", visitorId)
                    .mapTo(Long.class)
                    .one();
            conversationIds.addAll(h.createQuery("select id from conversations where visitor_id = :v")
                    .bind("v", visitorId)
                    .mapTo(String.class)
                    .list());
            int conversations = conversationIds.size();
            h.createUpdate("delete from visitors where id = :v")
                    .bind("v", visitorId)
                    .execute();
            return new Erased(visitorId, conversations, messages, attachments);
        });
        deleteBlobs(keys);
        audit.append(AuditEvent.of(
                AuditType.CHAT_CONTACT_ERASED,
                admin,
                from,
                visitorId,
                erased.conversations() + " conversations, " + erased.messages() + " messages, " + erased.attachments()
                        + " attachments, " + elsewhere + " call recordings erased"));
        log.info("visitor {} erased by {}", visitorId, admin.userId());
        broadcaster.toAgentsAndVisitor(visitorId, new ServerFrame.ChatErased(visitorId, conversationIds));
        return erased;
    }

    /** Adds the blob and thumbnail keys of the attachments {@code where} (parameter :p) selects; returns their count. */
    private static int collectBlobs(Handle h, String where, Object p, List<String> keys) {
        List<Integer> rows = h.createQuery("select a.blob_key, a.thumb_key from attachments a where " + where)
                .bind("p", p)
                .map((rs, ctx) -> {
                    keys.add(rs.getString("blob_key"));
                    if (rs.getString("thumb_key") != null) {
                        keys.add(rs.getString("thumb_key"));
                    }
                    return 1;
                })
                .list();
        return rows.size();
    }

    private void deleteBlobs(List<String> keys) {
        for (String key : keys) {
            try {
                blobs.delete(key);
            } catch (IOException | RuntimeException e) {
                log.warn("could not delete blob {}; it is no longer referenced", key, e);
            }
        }
    }
}
