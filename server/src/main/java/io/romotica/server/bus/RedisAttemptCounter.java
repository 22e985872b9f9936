package io.romotica.server.bus;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link AttemptCounter} in Redis hashes ({@code prefix:attempts:<key>}), updated atomically by a script. */
public final class RedisAttemptCounter implements AttemptCounter {
    private static final String RECORD = """
            local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
            redis.call('HSET', KEYS[1], 'last', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return n
            """;

    private final Redis redis;

    public RedisAttemptCounter(Redis redis) {
        this.redis = redis;
    }

    private String key(String key) {
        return redis.key("attempts:" + key);
    }

    @Override
    public Attempts get(String key) {
        return attempts(redis.sync().hgetall(key(key)));
    }

    private static Attempts attempts(Map<String, String> h) {
        if (h == null || !h.containsKey("failures")) {
            return Attempts.NONE;
        }
        return new Attempts(Integer.parseInt(h.get("failures")), Instant.ofEpochMilli(Long.parseLong(h.get("last"))));
    }

    @Override
    public Attempts recordFailure(String key, Instant now, Duration ttl) {
        Long n = redis.sync()
                .eval(
                        RECORD,
                        ScriptOutputType.INTEGER,
                        new String[] {key(key)},
                        List.of(Long.toString(now.toEpochMilli()), Long.toString(ttl.toMillis()))
                                .toArray(String[]::new));
        return new Attempts(n.intValue(), now);
    }

    @Override
    public void reset(String key) {
        redis.sync().del(key(key));
    }

    /** SCANs (never KEYS) for the prefix; a counter that expires between SCAN and HGETALL is left out. */
    @Override
    public List<Counted> list(String prefix) {
        String base = key("");
        ScanArgs args = ScanArgs.Builder.matches(glob(base + prefix) + "*").limit(500);
        List<Counted> found = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.sync().scan(cursor, args);
            for (String k : page.getKeys()) {
                Attempts a = attempts(redis.sync().hgetall(k));
                if (a.failures() > 0) {
                    found.add(new Counted(k.substring(base.length()), a));
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        return found;
    }

    private static String glob(String literal) {
        return literal.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
    }
}
