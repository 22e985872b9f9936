package io.romotica.server.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue of Bot API calls the server makes (messages to agents and visitors). Any node enqueues;
 * the node holding the bot's lease sends, in enqueue order. A call that fails because Telegram is unreachable,
 * overloaded (5xx) or flood-controlled (429) is retried later: after {@code retry_after} when Telegram says so,
 * else with exponential back-off, and the pass stops so that later calls keep their order. A call Telegram
 * refuses for good (400, 403) is marked failed. Calls carry an expiry (a sign-in code is useless after five
 * minutes) after which they are dropped unsent. Enqueueing is idempotent on {@code dedupKey}, so every node
 * may enqueue the same notification and it is sent once. Thread-safe; {@link #sendDue} is called by one
 * thread of the lease holder.
 */
final class Outbox {
    private static final Logger log = LoggerFactory.getLogger(Outbox.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
    private static final int BATCH = 20;
    private static final int ERROR_TEXT = 300;

    /** One call to make. */
    record Call(long id, long chatId, String method, ObjectNode payload, int attempts, Instant expiresAt) {}

    /** What a pass achieved: calls sent, and when the next one is due if Telegram asked to wait. */
    record Pass(int sent, boolean stopped) {}

    /** Held while one call is sent and its answer recorded. */
    private final java.util.concurrent.locks.ReentrantLock inFlight = new java.util.concurrent.locks.ReentrantLock();

    /**
     * The payload key of a call that uploads a file: {@code {attachment, field, name, type}}. The bytes stay in
     * the attachment store and are read when the call is sent, so the queue holds no copies.
     */
    static final String FILE = "romotica_file";

    /** Reads a chat attachment's bytes for an upload; empty when it is gone (erased, expired). */
    interface Files {
        Optional<byte[]> read(String attachmentId);
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Files files;

    Outbox(Jdbi jdbi, Clock clock, Files files) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.files = files;
    }

    /**
     * Queues {@code method} with {@code payload} to {@code chatId}, unless a call with {@code dedupKey} was
     * queued before; {@code conversationId} remembers which conversation the message is about (replies to it
     * go there). True when this call queued it.
     */
    boolean enqueue(
            String dedupKey, long chatId, String method, ObjectNode payload, String conversationId, Duration lifetime) {
        Instant now = now();
        payload.put("chat_id", chatId);
        try {
            return jdbi.withHandle(h -> h.createUpdate("""
                                    insert into telegram_outbox (dedup_key, chat_id, method, payload, conversation_id,
                                        next_attempt_at, expires_at, created_at)
                                    select :k, :c, :m, :p, :conv, :t, :e, :t from (values (1)) as one(x)
                                    where not exists (select 1 from telegram_outbox where dedup_key = :k)""")
                            .bind("k", dedupKey)
                            .bind("c", chatId)
                            .bind("m", method)
                            .bind("p", Json.encode(payload))
                            .bind("conv", conversationId)
                            .bind("t", TelegramStore.time(now))
                            .bind("e", TelegramStore.time(now.plus(lifetime)))
                            .execute())
                    > 0;
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql
                    && sql.getSQLState().startsWith("23")) {
                return false; // another node queued the same call at the same moment
            }
            throw e;
        }
    }

    /** Sends due calls in order through {@code api}, stopping at the first one that must wait. */
    Pass sendDue(BotApi api) throws InterruptedException {
        int sent = 0;
        for (Call call : due()) {
            if (call.expiresAt().isBefore(now())) {
                failed(call, "expired before Telegram could be reached");
                continue;
            }
            inFlight.lock();
            try {
                JsonNode result = send(api, call);
                delivered(call, result.path("message_id").asLong(0));
                sent++;
            } catch (BotApiException e) {
                if (e.retryable()) {
                    Duration wait = e.retryAfter() != null ? e.retryAfter() : backoff(call.attempts() + 1);
                    retryLater(call, wait, e.getMessage());
                    log.warn(
                            "Telegram {} failed ({}); retrying call {} in {}s",
                            call.method(),
                            e.getMessage(),
                            call.id(),
                            wait.toSeconds());
                    return new Pass(sent, true);
                }
                failed(call, e.getMessage());
                log.warn("Telegram refused {} (call {}): {}", call.method(), call.id(), e.getMessage());
            } finally {
                inFlight.unlock();
            }
        }
        return new Pass(sent, false);
    }

    private JsonNode send(BotApi api, Call call) throws BotApiException, InterruptedException {
        JsonNode file = call.payload().remove(FILE);
        if (file == null) {
            return api.call(call.method(), call.payload());
        }
        byte[] bytes = files.read(file.path("attachment").asText())
                .orElseThrow(() -> new BotApiException(404, call.method() + ": the attachment is gone", null));
        return api.upload(
                call.method(),
                call.payload(),
                new BotApi.Upload(
                        file.path("field").asText(),
                        file.path("name").asText(),
                        file.path("type").asText(),
                        bytes));
    }

    static Duration backoff(int attempt) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 20));
        return d.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : d;
    }

    private List<Call> due() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, chat_id, method, payload, attempts, expires_at from telegram_outbox
                        where sent_at is null and failed_at is null and next_attempt_at <= :t
                        order by id limit :n""")
                .bind("t", TelegramStore.time(now()))
                .bind("n", BATCH)
                .map((rs, ctx) -> new Call(
                        rs.getLong("id"),
                        rs.getLong("chat_id"),
                        rs.getString("method"),
                        parse(rs.getString("payload")),
                        rs.getInt("attempts"),
                        TelegramStore.instant(rs, "expires_at")))
                .list());
    }

    private static ObjectNode parse(String payload) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delivered(Call call, long messageId) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update telegram_outbox set sent_at = :t, attempts = attempts + 1, tg_message_id = :m where id = :id")
                .bind("t", TelegramStore.time(now()))
                .bind("m", messageId == 0 ? null : messageId)
                .bind("id", call.id())
                .execute());
    }

    private void retryLater(Call call, Duration wait, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update telegram_outbox set attempts = attempts + 1, next_attempt_at = :n, last_error = :e
                        where id = :id""")
                .bind("n", TelegramStore.time(now().plus(wait)))
                .bind("e", clip(error))
                .bind("id", call.id())
                .execute());
    }

    private void failed(Call call, String error) {
        jdbi.useHandle(h -> h.createUpdate(
                        "update telegram_outbox set failed_at = :t, attempts = attempts + 1, last_error = :e where id = :id")
                .bind("t", TelegramStore.time(now()))
                .bind("e", clip(error))
                .bind("id", call.id())
                .execute());
    }

    /**
     * The conversation a message the bot sent to {@code chatId} was about, if any. Waits for a send in
     * progress on this node first: an agent can reply to a message as soon as Telegram delivers it, which may
     * be before this node has recorded the message's id from Telegram's answer.
     */
    Optional<String> conversationOf(long chatId, long messageId) {
        inFlight.lock();
        inFlight.unlock();
        return jdbi.withHandle(h -> h.createQuery("""
                        select conversation_id from telegram_outbox
                        where chat_id = :c and tg_message_id = :m and conversation_id is not null""")
                .bind("c", chatId)
                .bind("m", messageId)
                .mapTo(String.class)
                .findFirst());
    }

    /** Calls not yet sent nor given up (for health and metrics). */
    int backlog() {
        return jdbi.withHandle(
                h -> h.createQuery("select count(*) from telegram_outbox where sent_at is null and failed_at is null")
                        .mapTo(Integer.class)
                        .one());
    }

    /** Forgets calls settled more than {@code age} ago. */
    void prune(Duration age) {
        Instant before = now().minus(age);
        jdbi.useHandle(h -> h.createUpdate("delete from telegram_outbox where (sent_at < :b or failed_at < :b)")
                .bind("b", TelegramStore.time(before))
                .execute());
    }

    private static String clip(String s) {
        return s == null ? null : s.length() <= ERROR_TEXT ? s : s.substring(0, ERROR_TEXT);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
