package io.romotica.server.bus;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.romotica.server.config.ServerConfig;
import java.time.Duration;

/**
 * The Redis client of this node: one shared command connection (Lettuce multiplexes it, so it is safe for
 * concurrent use) and the key prefix that keeps this installation's keys apart. Thread-safe.
 */
public final class Redis implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String prefix;

    private Redis(RedisClient client, StatefulRedisConnection<String, String> connection, String prefix) {
        this.client = client;
        this.connection = connection;
        this.prefix = prefix;
    }

    public static Redis connect(ServerConfig.Redis config) {
        RedisURI uri = RedisURI.create(config.url().value());
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        try {
            return new Redis(client, client.connect(), config.prefix());
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    public RedisClient client() {
        return client;
    }

    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    /** {@code prefix:name}, the only way keys and channels are named. */
    public String key(String name) {
        return prefix + ":" + name;
    }

    public boolean ping() {
        try {
            return "PONG".equals(connection.sync().ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
