package io.memorystreamer.broker.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The broker's own settings (topics carry theirs in {@code TopicSettings}): where data lives, how
 * big the shards' segments are, how many writer threads and how much room their inboxes have,
 * and the bound past which publishers are back-pressured.
 *
 * @param dataDirectory the broker's directory ({@code topics/}, {@code groups/} below it)
 * @param segmentBytes size of each shard's log segments
 * @param preallocate whether segments are allocated on disk up front
 * @param writerThreads threads that append to the logs (topics are spread over them)
 * @param inboxBytes room in each writer's inbox (power of two); publishers are back-pressured when it is full
 * @param maxUnflushedBytes per shard: appends wait while more than this is not yet durable
 * @param flushInterval the longest a batch-durability shard waits before an fsync
 * @param lanesPerShard how many lanes a consumer group cuts each shard into
 * @param busySpin whether the writer and delivery threads spin instead of backing off when idle
 *     (lowest latency, one core each)
 * @param streamsPerTopic how many streams each topic's registry is sized for (it takes up to four
 *     times as many; past that, publishing to a new stream fails with a clear error)
 */
public record BrokerConfig(Path dataDirectory, int segmentBytes, boolean preallocate, int writerThreads, int inboxBytes,
        long maxUnflushedBytes, Duration flushInterval, int lanesPerShard, boolean busySpin, long streamsPerTopic) {
    /** Defaults for a data directory. */
    public static final int DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
    /** Default inbox room per writer. */
    public static final int DEFAULT_INBOX_BYTES = 8 * 1024 * 1024;
    /** Default lanes per shard. */
    public static final int DEFAULT_LANES_PER_SHARD = 8;
    /** Default registry sizing per topic. */
    public static final long DEFAULT_STREAMS_PER_TOPIC = 1 << 20;

    /**
     * @param dataDirectory the directory
     * @param segmentBytes the segment size
     * @param preallocate whether to preallocate
     * @param writerThreads writer threads, 1 to 64
     * @param inboxBytes inbox room, a power of two from 64 KiB to 1 GiB
     * @param maxUnflushedBytes the back-pressure bound
     * @param flushInterval the flush interval
     * @param lanesPerShard lanes per shard, 1 to 256
     * @param busySpin whether to spin
     * @param streamsPerTopic the registry sizing, 1024 to 2^31
     */
    public BrokerConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(flushInterval, "flushInterval");
        require(writerThreads >= 1 && writerThreads <= 64, "writerThreads must be from 1 to 64, not " + writerThreads);
        require(inboxBytes >= 64 * 1024 && inboxBytes <= 1 << 30 && Integer.bitCount(inboxBytes) == 1,
                "inboxBytes must be a power of two from 65536 to 1073741824, not " + inboxBytes);
        require(lanesPerShard >= 1 && lanesPerShard <= 256, "lanesPerShard must be from 1 to 256, not " + lanesPerShard);
        require(segmentBytes >= 64 * 1024 && segmentBytes % 16 == 0, "segmentBytes must be a multiple of 16 and at least 65536, not " + segmentBytes);
        require(maxUnflushedBytes >= segmentBytes, "maxUnflushedBytes must be at least segmentBytes (" + segmentBytes + "), not " + maxUnflushedBytes);
        require(!flushInterval.isNegative() && !flushInterval.isZero(), "flushInterval must be positive, not " + flushInterval);
        require(streamsPerTopic >= 1024 && streamsPerTopic <= 1L << 31, "streamsPerTopic must be from 1024 to 2147483648, not " + streamsPerTopic);
    }

    /**
     * @param dataDirectory the directory
     * @return the defaults for it
     */
    public static BrokerConfig defaults(Path dataDirectory) {
        return new BrokerConfig(dataDirectory, DEFAULT_SEGMENT_BYTES, true, 1, DEFAULT_INBOX_BYTES, 256L * 1024 * 1024,
                Duration.ofMillis(5), DEFAULT_LANES_PER_SHARD, false, DEFAULT_STREAMS_PER_TOPIC);
    }

    /**
     * @param bytes segment size
     * @return this config with that segment size (and unflushed bound at least as big)
     */
    public BrokerConfig withSegmentBytes(int bytes) {
        return new BrokerConfig(dataDirectory, bytes, preallocate, writerThreads, inboxBytes, Math.max(maxUnflushedBytes, bytes),
                flushInterval, lanesPerShard, busySpin, streamsPerTopic);
    }

    /**
     * @param bytes the back-pressure bound
     * @return this config with that bound
     */
    public BrokerConfig withMaxUnflushedBytes(long bytes) {
        return new BrokerConfig(dataDirectory, segmentBytes, preallocate, writerThreads, inboxBytes, bytes, flushInterval, lanesPerShard, busySpin, streamsPerTopic);
    }

    /**
     * @param bytes inbox room
     * @return this config with that inbox
     */
    public BrokerConfig withInboxBytes(int bytes) {
        return new BrokerConfig(dataDirectory, segmentBytes, preallocate, writerThreads, bytes, maxUnflushedBytes, flushInterval, lanesPerShard, busySpin, streamsPerTopic);
    }

    /**
     * @param lanes lanes per shard
     * @return this config with that many lanes
     */
    public BrokerConfig withLanesPerShard(int lanes) {
        return new BrokerConfig(dataDirectory, segmentBytes, preallocate, writerThreads, inboxBytes, maxUnflushedBytes, flushInterval, lanes, busySpin, streamsPerTopic);
    }

    /**
     * @param spin whether to busy-spin
     * @return this config with that idle strategy
     */
    public BrokerConfig withBusySpin(boolean spin) {
        return new BrokerConfig(dataDirectory, segmentBytes, preallocate, writerThreads, inboxBytes, maxUnflushedBytes, flushInterval, lanesPerShard, spin, streamsPerTopic);
    }

    /**
     * @param value whether to preallocate segments
     * @return this config with that choice
     */
    public BrokerConfig withPreallocate(boolean value) {
        return new BrokerConfig(dataDirectory, segmentBytes, value, writerThreads, inboxBytes, maxUnflushedBytes, flushInterval, lanesPerShard, busySpin, streamsPerTopic);
    }

    /**
     * @param streams how many streams each topic's registry is sized for
     * @return this config with that sizing
     */
    public BrokerConfig withStreamsPerTopic(long streams) {
        return new BrokerConfig(dataDirectory, segmentBytes, preallocate, writerThreads, inboxBytes, maxUnflushedBytes, flushInterval, lanesPerShard, busySpin,
                streams);
    }

    /** @return the directory holding one directory per topic */
    public Path topicsDirectory() {
        return dataDirectory.resolve("topics");
    }

    /** @return the directory holding consumer groups' committed offsets */
    public Path groupsDirectory() {
        return dataDirectory.resolve("groups");
    }

    /** @return the largest message frame a shard accepts (a message alone must fit) */
    public int maxFrameBytes() {
        return segmentBytes;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid broker setting: " + message);
        }
    }
}
