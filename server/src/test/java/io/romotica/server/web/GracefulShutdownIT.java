package io.romotica.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.romotica.server.testing.ApiClient;
import io.romotica.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Stopping a node lets requests in flight finish; later ones get 503, none is cut off. */
class GracefulShutdownIT {
    private static final int REFUSED = -1;

    /** The status, or REFUSED when the request reached the node only after its listener closed. */
    private static int send(ApiClient c, int n) {
        try {
            return c.post("/api/auth/login", Map.of("email", "u" + n + "@example.com", "password", "some password"))
                    .status();
        } catch (java.io.UncheckedIOException e) {
            return REFUSED;
        }
    }

    @Test
    void requestsInFlightAtShutdownFinishAndLaterOnesGet503() throws Exception {
        // Sign-in limits are not what this test is about: eight failed attempts from one address must not
        // start the per-address back-off (which answers 429 once earlier failures have been counted).
        TestServer server = TestServer.builder()
                .set("auth.rate.limit.per.minute", "1000")
                .set("login.backoff.free.attempts", "100")
                .start();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                ApiClient c = server.client();
                int n = i;
                // A sign-in attempt spends ~100 ms hashing: long enough to be in flight at stop.
                answers.add(CompletableFuture.supplyAsync(() -> send(c, n), pool));
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (server.node().requestsInFlight() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            int inFlight = server.node().requestsInFlight();
            assertThat(inFlight).as("requests in flight when stopping").isGreaterThanOrEqualTo(2);
            server.close();
            int answered = 0;
            for (CompletableFuture<Integer> a : answers) {
                int status = a.get();
                assertThat(status).isIn(401, 503, REFUSED);
                if (status == 401) {
                    answered++;
                }
            }
            assertThat(answered)
                    .as("every request in flight at stop finished normally")
                    .isGreaterThanOrEqualTo(inFlight);
        }
    }
}
