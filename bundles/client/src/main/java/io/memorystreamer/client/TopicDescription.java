package io.memorystreamer.client;

import java.time.Duration;
import java.util.Objects;

/**
 * A topic as the broker describes it. Immutable; any thread.
 *
 * @param name the topic's name
 * @param shards how many shards
 * @param durability when a publish counts as durable
 * @param retention how long messages are kept; {@link Duration#ZERO} keeps them forever
 * @param retentionBytesPerShard how large each shard's log may grow; 0 keeps everything
 * @param maxMessageBytes the largest message accepted (the effective limit)
 * @param streams how many streams it has
 * @param bytesOnDisk the bytes its logs take
 */
public record TopicDescription(String name, int shards, Durability durability, Duration retention, long retentionBytesPerShard,
        int maxMessageBytes, long streams, long bytesOnDisk) {
    /**
     * @param name name
     * @param shards shards
     * @param durability durability
     * @param retention retention age
     * @param retentionBytesPerShard retention size
     * @param maxMessageBytes message limit
     * @param streams stream count
     * @param bytesOnDisk size on disk
     */
    public TopicDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(retention, "retention");
    }
}
