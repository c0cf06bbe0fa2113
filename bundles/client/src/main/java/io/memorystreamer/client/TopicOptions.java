package io.memorystreamer.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a topic being created: shards, durability, retention by age and by size, and the
 * largest message. {@link #defaults()} is one shard, {@link Durability#BATCH}, messages kept forever
 * and the broker's default message size.
 *
 * <pre>{@code
 * TopicOptions options = TopicOptions.builder()
 *         .shards(8)
 *         .durability(Durability.SYNC)
 *         .retention(Duration.ofDays(7))
 *         .build();
 * }</pre>
 *
 * <p>Immutable; any thread. The broker checks the values (shards 1 to 1024, a message limit within
 * its range) and answers {@code INVALID_REQUEST} for others.
 *
 * @param shards how many shards, 1 to 1024
 * @param durability when a publish counts as durable
 * @param retention how long messages are kept; {@link Duration#ZERO} keeps them forever
 * @param retentionBytesPerShard how large each shard's log may grow; 0 keeps everything
 * @param maxMessageBytes the largest message (key, headers and payload); 0 for the broker's default
 */
public record TopicOptions(int shards, Durability durability, Duration retention, long retentionBytesPerShard, int maxMessageBytes) {
    /**
     * @param shards shards, 1 to 65535 on the wire (the broker allows 1 to 1024)
     * @param durability durability
     * @param retention retention age, 0 or more
     * @param retentionBytesPerShard retention size, 0 or more
     * @param maxMessageBytes message limit, 0 or more
     */
    public TopicOptions {
        if (shards < 1 || shards > 0xFFFF) {
            throw new IllegalArgumentException("shards is 1 to 1024, not " + shards);
        }
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative()) {
            throw new IllegalArgumentException("retention is 0 or more, not " + retention);
        }
        if (retentionBytesPerShard < 0) {
            throw new IllegalArgumentException("retentionBytesPerShard is 0 or more, not " + retentionBytesPerShard);
        }
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes is 0 or more, not " + maxMessageBytes);
        }
    }

    /** @return one shard, {@link Durability#BATCH}, kept forever, the broker's default message size */
    public static TopicOptions defaults() {
        return new TopicOptions(1, Durability.BATCH, Duration.ZERO, 0, 0);
    }

    /** @return a builder starting from {@link #defaults()} */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TopicOptions}. Not thread-safe. */
    public static final class Builder {
        private int shards = 1;
        private Durability durability = Durability.BATCH;
        private Duration retention = Duration.ZERO;
        private long retentionBytesPerShard;
        private int maxMessageBytes;

        private Builder() {
        }

        /**
         * @param count how many shards, 1 to 1024
         * @return this builder
         */
        public Builder shards(int count) {
            this.shards = count;
            return this;
        }

        /**
         * @param value when a publish counts as durable
         * @return this builder
         */
        public Builder durability(Durability value) {
            this.durability = value;
            return this;
        }

        /**
         * @param age how long messages are kept; {@link Duration#ZERO} keeps them forever
         * @return this builder
         */
        public Builder retention(Duration age) {
            this.retention = age;
            return this;
        }

        /**
         * @param bytes how large each shard's log may grow; 0 keeps everything
         * @return this builder
         */
        public Builder retentionBytesPerShard(long bytes) {
            this.retentionBytesPerShard = bytes;
            return this;
        }

        /**
         * @param bytes the largest message; 0 for the broker's default
         * @return this builder
         */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** @return the options */
        public TopicOptions build() {
            return new TopicOptions(shards, durability, retention, retentionBytesPerShard, maxMessageBytes);
        }
    }
}
