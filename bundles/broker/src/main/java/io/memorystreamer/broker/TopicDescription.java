package io.memorystreamer.broker;

import io.memorystreamer.multiplexing.TopicSettings;
import java.util.List;

/**
 * A topic as it stands: its settings, how many streams it has, and each shard's log.
 *
 * @param settings the topic's settings
 * @param streams how many streams it has
 * @param shards each shard's log
 */
public record TopicDescription(TopicSettings settings, long streams, List<Shard> shards) {
    /**
     * @param index the shard's index
     * @param startPosition the first retained log position
     * @param publishedPosition the end of what readers can see
     * @param durablePosition the end of what is durable
     * @param segments how many segment files the log has
     * @param bytes the bytes those files take
     */
    public record Shard(int index, long startPosition, long publishedPosition, long durablePosition, int segments, long bytes) {
    }

    /** @return the topic's name */
    public String name() {
        return settings.name();
    }
}
