package io.romotica.server.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.FakeTelegram;
import io.romotica.server.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes of one cluster (PostgreSQL + Redis in every mode) share one bot: only the lease holder talks to
 * Telegram, and the other takes over when it stops.
 */
class TelegramClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String POLLS = "(this node polls)";

    private FakeTelegram telegram;
    private TestServer nodeA;
    private TestServer nodeB;

    @BeforeEach
    void start() throws Exception {
        telegram = FakeTelegram.start();
        nodeA = TestServer.builder()
                .cluster()
                .set("telegram.bot.token", FakeTelegram.TOKEN)
                .set("telegram.api.url", telegram.url())
                .set("telegram.poll.timeout", "1s")
                .start();
        awaitPolling(nodeA);
        nodeB = TestServer.builder().joining(nodeA).start();
    }

    @AfterEach
    void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        telegram.close();
    }

    private static String telegramCheck(TestServer node) {
        return node.client()
                .get("/health/ready")
                .json()
                .at("/checks/telegram/detail")
                .asText();
    }

    private static void awaitPolling(TestServer node) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!telegramCheck(node).endsWith(POLLS)) {
            assertThat(System.nanoTime()).as("node polls Telegram").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void onlyOneNodePollsAndTheOtherTakesOverWhenItStops() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!telegramCheck(nodeB).startsWith("@")) { // B has checked the bot with getMe
            assertThat(System.nanoTime()).as("node B sees the bot").isLessThan(deadline);
            Thread.sleep(200);
        }
        for (int i = 0; i < 10; i++) { // B keeps trying for the lease every 2 s; A keeps it
            assertThat(telegramCheck(nodeA)).endsWith(POLLS);
            assertThat(telegramCheck(nodeB)).doesNotEndWith(POLLS);
            Thread.sleep(300);
        }

        nodeA.stopKeepingData(); // releases the lease
        awaitPolling(nodeB);

        // Updates are handled by the new holder: an unknown /start gets its answer from node B.
        telegram.message(4242L, "/start not-a-valid-code-at-all", 0);
        telegram.awaitSent(s -> s.chatId() == 4242L && s.text().contains("not valid"), WAIT);
        telegram.awaitConfirmed(WAIT);
    }
}
