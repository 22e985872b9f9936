package io.romotica.server.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.romotica.server.common.Json;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the bot on this node: a lease in the database makes one node of the cluster the one that talks to
 * Telegram (long polling or registering the webhook, and sending the outbox); every node checks the bot with
 * {@code getMe} for its health report. Incoming updates are handed to the update handler once each: their
 * {@code update_id} is recorded after handling and the polling offset is stored, so a restart neither loses
 * nor repeats one (handlers are idempotent for the window in between). Telegram being unreachable only
 * delays things: loops back off and retry. Two virtual threads; stop with {@link #close()}.
 */
final class BotRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BotRunner.class);
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration IDLE = Duration.ofMillis(500);
    private static final Duration CHECK_EVERY = Duration.ofSeconds(60);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    private static final int HANDLER_ATTEMPTS = 3;
    private static final Duration KEEP_SETTLED = Duration.ofDays(30);

    /** The bot as this node last saw it: its username once known, and what is wrong, if anything. */
    record State(String username, String problem, Instant checkedAt) {}

    private final ServerConfig.Telegram config;
    private final String webhookUrl;
    private final Jdbi jdbi;
    private final BotApi api;
    private final Outbox outbox;
    private final Consumer<JsonNode> handler;
    private final String nodeId;
    private final Clock clock;
    private final Object wake = new Object();
    private final Map<Long, Integer> handlerFailures = new HashMap<>();
    private volatile State state = new State(null, "not checked yet", null);
    private volatile boolean running = true;
    private volatile boolean leader;
    private boolean pendingWork;
    private Thread poller;
    private Thread sender;

    BotRunner(
            ServerConfig.Telegram config,
            String webhookUrl,
            Jdbi jdbi,
            BotApi api,
            Outbox outbox,
            Consumer<JsonNode> handler,
            String nodeId,
            Clock clock) {
        this.config = config;
        this.webhookUrl = webhookUrl;
        this.jdbi = jdbi;
        this.api = api;
        this.outbox = outbox;
        this.handler = handler;
        this.nodeId = nodeId;
        this.clock = clock;
    }

    void start() {
        poller = Thread.ofVirtual().name("telegram-updates").start(this::receiveLoop);
        sender = Thread.ofVirtual().name("telegram-outbox").start(this::sendLoop);
    }

    State state() {
        return state;
    }

    boolean leader() {
        return leader;
    }

    /** There is something in the outbox: the sender looks now instead of at its next round. */
    void wake() {
        synchronized (wake) {
            pendingWork = true;
            wake.notifyAll();
        }
    }

    // ---- leadership ----------------------------------------------------------------------------------

    /** Takes or renews the lease; true while this node holds it. */
    private boolean holdLease() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        int n = jdbi.withHandle(h -> h.createUpdate("""
                        update telegram_poller set holder = :me, lease_until = :until
                        where id = 1 and (holder is null or holder = :me or lease_until < :now)""")
                .bind("me", nodeId)
                .bind("until", TelegramStore.time(now.plus(LEASE)))
                .bind("now", TelegramStore.time(now))
                .execute());
        boolean held = n > 0;
        if (held != leader) {
            log.info(held ? "this node now talks to Telegram" : "another node talks to Telegram now");
        }
        leader = held;
        return held;
    }

    private void releaseLease() {
        try {
            jdbi.useHandle(h -> h.createUpdate(
                            "update telegram_poller set holder = null, lease_until = null where holder = :me")
                    .bind("me", nodeId)
                    .execute());
        } catch (RuntimeException e) {
            log.warn("could not release the Telegram lease; it expires by itself", e);
        }
    }

    // ---- receiving -----------------------------------------------------------------------------------

    private void receiveLoop() {
        Duration pause = Duration.ZERO;
        boolean configured = false;
        Instant nextCheck = Instant.MIN;
        while (running) {
            try {
                sleep(pause);
                if (Instant.now().isAfter(nextCheck)) {
                    check();
                    nextCheck = Instant.now().plus(CHECK_EVERY);
                }
                if (!holdLease()) {
                    configured = false;
                    pause = IDLE.multipliedBy(4);
                    continue;
                }
                if (!configured) {
                    configureDelivery();
                    configured = true;
                }
                if (config.webhook()) {
                    pause = IDLE.multipliedBy(4);
                    continue;
                }
                poll();
                pause = Duration.ZERO;
            } catch (BotApiException e) {
                unreachable(e);
                pause = longer(pause);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Telegram update loop failed; retrying", e);
                pause = longer(pause);
            }
        }
    }

    private static Duration longer(Duration pause) {
        Duration next = pause.isZero() ? Duration.ofSeconds(1) : pause.multipliedBy(2);
        return next.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : next;
    }

    /** getMe: the bot's username (for deep links) and this node's health report. */
    private void check() throws InterruptedException {
        try {
            JsonNode me = api.call("getMe", null);
            String username = me.path("username").asText(null);
            if (state.problem() != null) {
                log.info("Telegram bot @{} reachable", username);
            }
            state = new State(username, null, clock.instant());
        } catch (BotApiException e) {
            unreachable(e);
        }
    }

    private void unreachable(BotApiException e) {
        String problem = e.errorCode() == 401 || e.errorCode() == 404
                ? "Telegram refuses the bot token (check telegram.bot.token)"
                : "Telegram unreachable: " + e.getMessage();
        if (!problem.equals(state.problem())) {
            log.warn("{}", problem);
        }
        state = new State(state.username(), problem, clock.instant());
    }

    /** Polling: no webhook may be set. Webhook: register ours with its secret. */
    private void configureDelivery() throws BotApiException, InterruptedException {
        ObjectNode params = Json.MAPPER.createObjectNode();
        if (config.webhook()) {
            params.put("url", webhookUrl);
            params.put("secret_token", config.webhookSecret().value());
            params.putArray("allowed_updates").add("message").add("callback_query");
            api.call("setWebhook", params);
            log.info("Telegram webhook registered");
        } else {
            params.put("drop_pending_updates", false);
            api.call("deleteWebhook", params);
            log.info("Telegram long polling (timeout {}s)", config.pollTimeout().toSeconds());
        }
    }

    private void poll() throws BotApiException, InterruptedException {
        long offset = jdbi.withHandle(h -> h.createQuery("select last_update_id from telegram_poller where id = 1")
                .mapTo(Long.class)
                .one());
        ObjectNode params = Json.MAPPER.createObjectNode();
        params.put("offset", offset + 1);
        params.put("timeout", config.pollTimeout().toSeconds());
        params.putArray("allowed_updates").add("message").add("callback_query");
        JsonNode updates = api.call("getUpdates", params, config.pollTimeout());
        if (state.problem() != null) {
            check();
        }
        for (JsonNode update : updates) {
            long id = update.path("update_id").asLong();
            if (!receive(update)) {
                return; // handled again at the next poll
            }
            jdbi.useHandle(h -> h.createUpdate(
                            "update telegram_poller set last_update_id = :id where id = 1 and last_update_id < :id")
                    .bind("id", id)
                    .execute());
        }
    }

    /**
     * Hands {@code update} to the handler unless it was handled before; true when it is settled (handled now
     * or before, or given up after repeated failures), false to retry it later.
     */
    boolean receive(JsonNode update) {
        long id = update.path("update_id").asLong();
        boolean seen = jdbi.withHandle(h -> h.createQuery("select count(*) from telegram_updates where update_id = :id")
                        .bind("id", id)
                        .mapTo(Integer.class)
                        .one())
                > 0;
        if (seen) {
            log.debug("Telegram update {} already handled", id);
            return true;
        }
        try {
            handler.accept(update);
        } catch (RuntimeException e) {
            int failures;
            synchronized (handlerFailures) {
                failures = handlerFailures.merge(id, 1, Integer::sum);
            }
            if (failures < HANDLER_ATTEMPTS) {
                log.warn("handling Telegram update {} failed; retrying", id, e);
                return false;
            }
            log.error("giving up on Telegram update {} after {} attempts", id, failures, e);
        }
        synchronized (handlerFailures) {
            handlerFailures.remove(id);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        try {
            jdbi.useHandle(h -> h.createUpdate("insert into telegram_updates (update_id, received_at) values (:id, :t)")
                    .bind("id", id)
                    .bind("t", TelegramStore.time(now))
                    .execute());
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            log.debug("Telegram update {} recorded by another node meanwhile", id);
        }
        return true;
    }

    // ---- sending -------------------------------------------------------------------------------------

    private void sendLoop() {
        Instant nextPrune = Instant.MIN;
        while (running) {
            try {
                if (leader) {
                    outbox.sendDue(api);
                    if (Instant.now().isAfter(nextPrune)) {
                        prune();
                        nextPrune = Instant.now().plus(Duration.ofHours(1));
                    }
                }
                synchronized (wake) {
                    if (!pendingWork) {
                        wake.wait(IDLE.toMillis());
                    }
                    pendingWork = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Telegram outbox pass failed; retrying", e);
                try {
                    sleep(Duration.ofSeconds(2));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private void prune() {
        outbox.prune(KEEP_SETTLED);
        Instant before = clock.instant().minus(KEEP_SETTLED);
        jdbi.useHandle(h -> h.createUpdate(
                        "delete from telegram_updates where received_at < :b and update_id < (select last_update_id from telegram_poller where id = 1)")
                .bind("b", TelegramStore.time(before))
                .execute());
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d);
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : new Thread[] {poller, sender}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (leader) {
            releaseLease();
        }
        api.close();
    }
}
