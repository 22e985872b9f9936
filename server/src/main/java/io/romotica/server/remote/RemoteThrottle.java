package io.romotica.server.remote;

import io.romotica.server.bus.AttemptCounter;
import io.romotica.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Brute-force back-off for remote sessions, shared by all nodes through {@link AttemptCounter}: failed
 * one-time passwords are counted per host ID (across every source address, TeamViewer-style) and per source
 * address key (IPv6 by /64). After the free attempts each failure doubles the wait, up to the maximum.
 * Thread-safe.
 */
public final class RemoteThrottle {
    private final AttemptCounter counter;
    private final ServerConfig.Remote config;
    private final Clock clock;

    RemoteThrottle(AttemptCounter counter, ServerConfig.Remote config, Clock clock) {
        this.counter = counter;
        this.config = config;
        this.clock = clock;
    }

    private static final String PREFIX = "remote-";
    private static final String HOST = "remote-host:";
    private static final String ADDRESS = "remote-address:";

    static String hostKey(String hostId) {
        return HOST + hostId;
    }

    static String addressKey(String address) {
        return ADDRESS + address;
    }

    /** Whether {@code key} names one of these counters (and not, say, a sign-in counter). */
    static boolean isKey(String key) {
        return key != null && (key.startsWith(HOST) || key.startsWith(ADDRESS));
    }

    /** A host ID or source address in back-off: its counter key, kind, subject, failures and end. */
    public record Lockout(
            String key, String kind, String subject, int failures, Instant lastFailure, Instant lockedUntil) {}

    /** Every host ID and address key now in back-off, on whichever node it was counted; latest end first. */
    List<Lockout> lockouts() {
        Instant now = clock.instant();
        return counter.list(PREFIX).stream()
                .filter(e -> isKey(e.key()))
                .filter(e -> e.attempts().last() != null && e.attempts().failures() > config.backoffFreeAttempts())
                .map(e -> {
                    Instant until = e.attempts().last().plus(delay(e.attempts().failures()));
                    boolean host = e.key().startsWith(HOST);
                    return new Lockout(
                            e.key(),
                            host ? "host" : "address",
                            e.key().substring(host ? HOST.length() : ADDRESS.length()),
                            e.attempts().failures(),
                            e.attempts().last(),
                            until);
                })
                .filter(l -> l.lockedUntil().isAfter(now))
                .sorted(Comparator.comparing(Lockout::lockedUntil).reversed().thenComparing(Lockout::key))
                .toList();
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

    boolean counted(String key) {
        return counter.get(key).failures() > 0;
    }

    void reset(String key) {
        counter.reset(key);
    }
}
