package io.romotica.server.bus;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.function.Consumer;

/**
 * The cluster bus on Redis pub/sub: one pattern subscription per node on {@code prefix:bus:*}; publishing
 * goes through Redis even for local subscribers, so every node sees the same stream. Lettuce re-subscribes
 * after a reconnect; events published while a node is cut off are lost for it (see {@link EventBus}).
 */
public final class RedisEventBus implements EventBus {
    private final Redis redis;
    private final String channelPrefix;
    private final Subscribers subscribers = new Subscribers();
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    public RedisEventBus(Redis redis) {
        this.redis = redis;
        this.channelPrefix = redis.key("bus:");
        this.pubSub = redis.client().connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
                subscribers.deliver(channel.substring(channelPrefix.length()), message);
            }
        });
        pubSub.sync().psubscribe(channelPrefix + "*");
    }

    @Override
    public void publish(String topic, String payload) {
        redis.sync().publish(channelPrefix + topic, payload);
    }

    @Override
    public AutoCloseable subscribe(String topic, Consumer<String> handler) {
        return subscribers.add(topic, handler);
    }

    @Override
    public boolean healthy() {
        return pubSub.isOpen() && redis.ping();
    }

    @Override
    public void close() {
        pubSub.close();
    }
}
