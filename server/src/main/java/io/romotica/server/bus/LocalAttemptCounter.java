package io.romotica.server.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** In-process {@link AttemptCounter}; expired entries are dropped on access and when the map grows. */
public final class LocalAttemptCounter implements AttemptCounter {
    private static final int SWEEP_ABOVE = 10_000;

    private record Entry(Attempts attempts, Instant expires) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalAttemptCounter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Attempts get(String key) {
        Entry e = entries.get(key);
        if (e == null || !e.expires().isAfter(clock.instant())) {
            return Attempts.NONE;
        }
        return e.attempts();
    }

    @Override
    public Attempts recordFailure(String key, Instant now, Duration ttl) {
        if (entries.size() > SWEEP_ABOVE) {
            entries.values().removeIf(e -> !e.expires().isAfter(now));
        }
        Entry updated = entries.compute(key, (k, old) -> {
            int before = old == null || !old.expires().isAfter(now)
                    ? 0
                    : old.attempts().failures();
            return new Entry(new Attempts(before + 1, now), now.plus(ttl));
        });
        return updated.attempts();
    }

    @Override
    public void reset(String key) {
        entries.remove(key);
    }

    @Override
    public List<Counted> list(String prefix) {
        Instant now = clock.instant();
        return entries.entrySet().stream()
                .filter(e ->
                        e.getKey().startsWith(prefix) && e.getValue().expires().isAfter(now))
                .map(e -> new Counted(e.getKey(), e.getValue().attempts()))
                .toList();
    }
}
