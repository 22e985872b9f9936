package io.romotica.server.auth;

import io.romotica.server.bus.AttemptCounter;
import io.romotica.server.bus.AttemptCounter.Attempts;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Exponential back-off on failed sign-in attempts, counted per key (an account, or a source address keyed by
 * {@link io.romotica.server.common.ClientAddress#key}). The first few failures are free;
 * then each failure doubles the wait, up to a maximum. Counters live in an {@link AttemptCounter}, so
 * all nodes share them in a cluster. Thread-safe.
 */
public final class LoginThrottle {
    private final AttemptCounter counter;
    private final ServerConfig.Auth config;
    private final Clock clock;

    public LoginThrottle(AttemptCounter counter, ServerConfig.Auth config, Clock clock) {
        this.counter = counter;
        this.config = config;
        this.clock = clock;
    }

    /** How long {@code keys} must still wait, the longest of them; empty when an attempt is allowed now. */
    Optional<Duration> waitFor(String... keys) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        for (String key : keys) {
            Attempts a = counter.get(key);
            if (a.last() != null) {
                Duration left = delayAfter(a.failures()).minus(Duration.between(a.last(), now));
                if (left.compareTo(longest) > 0) {
                    longest = left;
                }
            }
        }
        return longest.isZero() || longest.isNegative() ? Optional.empty() : Optional.of(longest);
    }

    void failed(String... keys) {
        Instant now = clock.instant();
        // Counters live as long as the longest wait plus the time to forget: a day.
        Duration ttl = config.backoffMax().plus(Duration.ofDays(1));
        for (String key : keys) {
            counter.recordFailure(key, now, ttl);
        }
    }

    void succeeded(String key) {
        counter.reset(key);
    }

    /** The wait after {@code failures} failures: none for the free ones, then base × 2^(n−free−1), capped. */
    Duration delayAfter(int failures) {
        int over = failures - config.backoffFreeAttempts();
        if (over <= 0) {
            return Duration.ZERO;
        }
        Duration max = config.backoffMax();
        long baseMs = config.backoffBase().toMillis();
        if (over > 40) {
            return max;
        }
        long ms = baseMs << (over - 1);
        return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }
}
