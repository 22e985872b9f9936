package io.romotica.server.bus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Failure counters with a last-failure time, shared by all nodes (Redis) or kept in this process. Used for
 * sign-in back-off per account and per source address. Thread-safe.
 */
public interface AttemptCounter {

    /** Failures so far and when the latest happened ({@code last} null when none). */
    record Attempts(int failures, Instant last) {
        public static final Attempts NONE = new Attempts(0, null);
    }

    Attempts get(String key);

    /** Counts one failure at {@code now}; the counter forgets itself {@code ttl} after its last failure. */
    Attempts recordFailure(String key, Instant now, Duration ttl);

    void reset(String key);

    /** A live counter and its key. */
    record Counted(String key, Attempts attempts) {}

    /** The live counters whose key starts with {@code prefix} (for admins: who is in back-off). */
    List<Counted> list(String prefix);
}
