package io.romotica.server.remote;

import io.romotica.server.bus.AttemptCounter;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Brute-force back-off for remote sessions, shared by all nodes through {@link AttemptCounter}: failed
 * one-time passwords are counted per host ID (across every source address, TeamViewer-style) and per source
 * address key (IPv6 by /64). After the free attempts each failure doubles the wait, up to the maximum.
 * Thread-safe.
 */
final class RemoteThrottle {
    private final AttemptCounter counter;
    private final ServerConfig.Remote config;
    private final Clock clock;

    RemoteThrottle(AttemptCounter counter, ServerConfig.Remote config, Clock clock) {
        this.counter = counter;
        this.config = config;
        this.clock = clock;
    }

    static String hostKey(String hostId) {
        return "remote-host:" + hostId;
    }

    static String addressKey(String address) {
        return "remote-address:" + address;
    }

    /** How long {@code key} must still wait before its next attempt; empty when it may try now. */
    Optional<Duration> wait(String key) {
        AttemptCounter.Attempts a = counter.get(key);
        if (a.last() == null || a.failures() <= config.backoffFreeAttempts()) {
            return Optional.empty();
        }
        Instant until = a.last().plus(delay(a.failures()));
        Duration left = Duration.between(clock.instant(), until);
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    /** The back-off after {@code failures} failures: base × 2^(failures − free − 1), at most max. */
    Duration delay(int failures) {
        int over = failures - config.backoffFreeAttempts();
        if (over <= 0) {
            return Duration.ZERO;
        }
        Duration d = config.backoffBase();
        for (int i = 1; i < over && d.compareTo(config.backoffMax()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.backoffMax()) > 0 ? config.backoffMax() : d;
    }

    /** Counts one failure; returns the failures now on record for {@code key}. */
    int fail(String key) {
        // Counters outlive the longest back-off, so a patient guesser still meets it.
        return counter.recordFailure(key, clock.instant(), config.backoffMax().multipliedBy(2))
                .failures();
    }

    void reset(String key) {
        counter.reset(key);
    }
}
