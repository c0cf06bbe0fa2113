package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.multiplexing.TopicSettings;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The settings of topics as the produce path checks messages against them, read from the broker
 * at most once a second per topic ({@link Broker#topic} describes the shards too, too costly per
 * request). Topics created or deleted through this server are forgotten at once; a change made
 * elsewhere (the shell) is seen within a second. Unknown topics are not cached.
 *
 * <p>Threading: any thread.
 */
final class TopicCache {
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Entry(TopicSettings settings, long fetchedNanos) {
    }

    private final Broker broker;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** @param broker the broker */
    TopicCache(Broker broker) {
        this.broker = broker;
    }

    /**
     * @param topic a topic name
     * @return its settings, or null when there is no such topic
     */
    TopicSettings settings(String topic) {
        Entry entry = entries.get(topic);
        long now = System.nanoTime();
        if (entry != null && now - entry.fetchedNanos < TTL_NANOS) {
            return entry.settings;
        }
        Optional<TopicDescription> description = broker.topic(topic);
        if (description.isEmpty()) {
            entries.remove(topic);
            return null;
        }
        TopicSettings settings = description.get().settings();
        if (entries.size() < 100_000) {
            entries.put(topic, new Entry(settings, now));
        }
        return settings;
    }

    /** @param topic a topic created, changed or deleted */
    void forget(String topic) {
        entries.remove(topic);
    }
}
