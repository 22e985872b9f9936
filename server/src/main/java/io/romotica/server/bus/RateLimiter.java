package io.romotica.server.bus;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Token buckets (Bucket4j) per key, e.g. per source address: in this process on a single node, in Redis in
 * a cluster so every node draws from the same bucket. Thread-safe.
 */
public final class RateLimiter {
    private static final int SWEEP_ABOVE = 50_000;

    private final Function<String, Bucket> buckets;

    private RateLimiter(Function<String, Bucket> buckets) {
        this.buckets = buckets;
    }

    /** {@code perMinute} requests a minute per key, refilled gradually. */
    private static BucketConfiguration perMinute(int perMinute) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perMinute)
                        .refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .build();
    }

    public static RateLimiter local(int perMinute) {
        BucketConfiguration config = perMinute(perMinute);
        Map<String, Bucket> map = new ConcurrentHashMap<>();
        return new RateLimiter(key -> {
            if (map.size() > SWEEP_ABOVE) {
                // A full bucket is the same as a new one, so dropping full buckets loses nothing.
                map.values().removeIf(b -> b.getAvailableTokens() >= perMinute);
            }
            return map.computeIfAbsent(
                    key,
                    k -> Bucket.builder().addLimit(config.getBandwidths()[0]).build());
        });
    }

    public static RateLimiter redis(Redis redis, String name, int perMinute) {
        BucketConfiguration config = perMinute(perMinute);
        ProxyManager<byte[]> proxies = Bucket4jLettuce.casBasedBuilder(redis.client())
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        return new RateLimiter(key ->
                proxies.getProxy(redis.key("rate:" + name + ":" + key).getBytes(StandardCharsets.UTF_8), () -> config));
    }

    /** Takes one token; empty when allowed, else how long until a token is free. */
    public Optional<Duration> tryAcquire(String key) {
        ConsumptionProbe probe = buckets.apply(key).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
