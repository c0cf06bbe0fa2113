package io.memorystreamer.multiplexing;

import io.memorystreamer.wal.Durability;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one topic: its name, how many shards it has and how streams are placed on them,
 * when a publish counts as durable, how long messages are kept, and how large one may be.
 * Immutable; build one with {@link #builder(String)}, change one with {@link #toBuilder()}. Every
 * setting is checked when built, and a bad one is refused with a message naming it. Persisted
 * across restarts in the binary form drawn in {@link TopicSettingsFormat}.
 *
 * <p>Durability is the write-ahead log's own {@link Durability}: the broker hands it to each
 * shard's log as it is, so one word means one thing from the shell down to the fsync.
 *
 * <p>Threading: immutable, so any thread may read it; the builder is not thread-safe.
 * Invariant: every instance satisfies the rules of {@link Builder#build()}, including one decoded
 * from bytes.
 */
public final class TopicSettings {
    /** Fewest shards a topic may have. */
    public static final int MIN_SHARDS = 1;
    /** Most shards a topic may have. */
    public static final int MAX_SHARDS = 1024;
    /** Smallest limit on message size: room for the longest key and one byte of payload. */
    public static final int MIN_MAX_MESSAGE_SIZE = StreamKeys.MAX_LENGTH + 1;
    /** Largest limit on message size: 64 MiB. */
    public static final int MAX_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
    /** Default limit on message size: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    /** Longest placement name. */
    public static final int MAX_PLACEMENT_NAME_LENGTH = 64;
    /** Longest retention age: the longest number of milliseconds a signed 64-bit integer holds. */
    public static final Duration MAX_RETENTION_AGE = Duration.ofMillis(Long.MAX_VALUE);

    private final String name;
    private final int shardCount;
    private final String placement;
    private final Durability durability;
    private final Duration retentionAge;
    private final long retentionBytesPerShard;
    private final int maxMessageSize;

    private TopicSettings(Builder builder) {
        this.name = builder.name;
        this.shardCount = builder.shardCount;
        this.placement = builder.placement;
        this.durability = builder.durability;
        this.retentionAge = builder.retentionAge;
        this.retentionBytesPerShard = builder.retentionBytesPerShard;
        this.maxMessageSize = builder.maxMessageSize;
    }

    /**
     * @param name the topic's name (checked by {@link Builder#build()} with {@link TopicNames})
     * @return a builder with the defaults: 1 shard, {@value JumpHashPlacement#NAME} placement,
     *         {@link Durability#BATCH}, kept forever, messages up to 1 MiB
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return a builder holding these settings, to make changed ones */
    public Builder toBuilder() {
        Builder builder = new Builder(name);
        builder.shardCount = shardCount;
        builder.placement = placement;
        builder.durability = durability;
        builder.retentionAge = retentionAge;
        builder.retentionBytesPerShard = retentionBytesPerShard;
        builder.maxMessageSize = maxMessageSize;
        return builder;
    }

    /** @return the topic's name */
    public String name() {
        return name;
    }

    /** @return the number of shards, from {@value #MIN_SHARDS} to {@value #MAX_SHARDS} */
    public int shardCount() {
        return shardCount;
    }

    /** @return the {@linkplain StreamPlacement#name() name} of the placement that puts streams on shards */
    public String placement() {
        return placement;
    }

    /** @return when a publish to this topic counts as durable */
    public Durability durability() {
        return durability;
    }

    /** @return messages older than this may be deleted (whole segments at a time); null keeps them */
    public Duration retentionAge() {
        return retentionAge;
    }

    /**
     * @return each shard deletes its oldest messages (whole segments at a time) while its log is
     *         larger than this; 0 keeps them. Per shard, because each shard's log is trimmed on
     *         its own (as Kafka's {@code retention.bytes} is per partition): the topic as a whole
     *         may hold up to {@code shardCount} times this.
     */
    public long retentionBytesPerShard() {
        return retentionBytesPerShard;
    }

    /** @return the largest message accepted, in bytes of key, headers and payload together */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof TopicSettings)) {
            return false;
        }
        TopicSettings that = (TopicSettings) other;
        return shardCount == that.shardCount && retentionBytesPerShard == that.retentionBytesPerShard
                && maxMessageSize == that.maxMessageSize && name.equals(that.name) && placement.equals(that.placement)
                && durability == that.durability && Objects.equals(retentionAge, that.retentionAge);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, shardCount, placement, durability, retentionAge, retentionBytesPerShard, maxMessageSize);
    }

    @Override
    public String toString() {
        return "TopicSettings{" + name + ", shardCount=" + shardCount + ", placement=" + placement + ", durability=" + durability
                + ", retentionAge=" + (retentionAge == null ? "keep" : retentionAge)
                + ", retentionBytesPerShard=" + (retentionBytesPerShard == 0 ? "keep" : retentionBytesPerShard)
                + ", maxMessageSize=" + maxMessageSize + "}";
    }

    /** Builds {@link TopicSettings}. Not thread-safe; may build several. */
    public static final class Builder {
        private final String name;
        private int shardCount = 1;
        private String placement = JumpHashPlacement.NAME;
        private Durability durability = Durability.BATCH;
        private Duration retentionAge;
        private long retentionBytesPerShard;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

        private Builder(String name) {
            this.name = name;
        }

        /** @param count number of shards, {@value TopicSettings#MIN_SHARDS} to {@value TopicSettings#MAX_SHARDS} (default 1) */
        public Builder shardCount(int count) {
            this.shardCount = count;
            return this;
        }

        /**
         * @param name the persisted name of the {@link StreamPlacement} (default
         *             {@value JumpHashPlacement#NAME}): lower-case ASCII letters, digits, '.',
         *             '_' and '-', starting with a letter or digit, at most
         *             {@value TopicSettings#MAX_PLACEMENT_NAME_LENGTH} characters. Only its form is checked
         *             here: whether such a placement is installed is the broker's question.
         */
        public Builder placement(String name) {
            this.placement = Objects.requireNonNull(name, "placement");
            return this;
        }

        /** @param value when a publish counts as durable (default BATCH) */
        public Builder durability(Durability value) {
            this.durability = Objects.requireNonNull(value, "durability");
            return this;
        }

        /**
         * Sets durability from its name, as typed in the shell or a configuration file.
         *
         * @param value {@code none}, {@code batch} or {@code sync}, in any case
         * @throws IllegalArgumentException naming the setting and the accepted values
         */
        public Builder durability(String value) {
            Objects.requireNonNull(value, "durability");
            for (Durability candidate : Durability.values()) {
                if (candidate.name().equalsIgnoreCase(value.trim())) {
                    return durability(candidate);
                }
            }
            throw invalid("durability must be one of none, batch or sync, not '" + value + "'");
        }

        /**
         * @param age messages older than this may be deleted: positive, in whole milliseconds,
         *            at most {@link TopicSettings#MAX_RETENTION_AGE}; null keeps them (the default)
         */
        public Builder retentionAge(Duration age) {
            this.retentionAge = age;
            return this;
        }

        /** @param bytes each shard deletes its oldest messages while larger than this; 0 keeps them (the default) */
        public Builder retentionBytesPerShard(long bytes) {
            this.retentionBytesPerShard = bytes;
            return this;
        }

        /** @param bytes the largest message, {@value TopicSettings#MIN_MAX_MESSAGE_SIZE} B to 64 MiB (default 1 MiB) */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException naming the first invalid setting, its value and what is expected
         * @throws NullPointerException if the name is null
         */
        public TopicSettings build() {
            if (name == null) {
                throw new NullPointerException("name");
            }
            TopicNames.requireValid(name); // its message names the topic name and what is wrong
            require(shardCount >= MIN_SHARDS && shardCount <= MAX_SHARDS,
                    "shardCount must be from " + MIN_SHARDS + " to " + MAX_SHARDS + ", not " + shardCount);
            require(isPlacementName(placement), "placement must be 1 to " + MAX_PLACEMENT_NAME_LENGTH
                    + " characters from a-z 0-9 . _ -, starting with a letter or digit, not '" + placement + "'");
            if (retentionAge != null) {
                require(!retentionAge.isNegative() && !retentionAge.isZero(),
                        "retentionAge must be positive (or unset to keep messages), not " + retentionAge);
                require(retentionAge.compareTo(MAX_RETENTION_AGE) <= 0, "retentionAge must be at most " + MAX_RETENTION_AGE
                        + " (unset it to keep messages forever), not " + retentionAge);
                require(retentionAge.getNano() % 1_000_000 == 0,
                        "retentionAge must be a whole number of milliseconds, not " + retentionAge);
            }
            require(retentionBytesPerShard >= 0,
                    "retentionBytesPerShard must be 0 (keep messages) or positive, not " + retentionBytesPerShard);
            require(maxMessageSize >= MIN_MAX_MESSAGE_SIZE && maxMessageSize <= MAX_MAX_MESSAGE_SIZE, "maxMessageSize must be from "
                    + MIN_MAX_MESSAGE_SIZE + " to " + MAX_MAX_MESSAGE_SIZE + " bytes, not " + maxMessageSize);
            return new TopicSettings(this);
        }

        private String topicForMessages() {
            return TopicNames.isValid(name) ? " of topic " + name : "";
        }

        private void require(boolean condition, String message) {
            if (!condition) {
                throw invalid(message);
            }
        }

        private IllegalArgumentException invalid(String message) {
            return new IllegalArgumentException("invalid topic setting" + topicForMessages() + ": " + message);
        }

        private static boolean isPlacementName(String value) {
            if (value.isEmpty() || value.length() > MAX_PLACEMENT_NAME_LENGTH) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                if (!letterOrDigit && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
                    return false;
                }
            }
            return true;
        }
    }
}
