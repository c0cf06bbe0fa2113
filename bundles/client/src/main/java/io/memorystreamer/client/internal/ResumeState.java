package io.memorystreamer.client.internal;

import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.StartPosition;
import java.util.HashMap;
import java.util.Map;

/**
 * What a plain subscription (topic, stream or pattern) has received, so that it can resume after a
 * reconnect without losing or repeating a record: the last offset received per stream, the
 * timestamp of the last record received per shard, and when it was first accepted.
 *
 * <ul>
 * <li>A stream subscription resumes at the offset after the last one received.</li>
 * <li>A topic or pattern subscription cannot name an offset per stream (protocol version 1 has one
 * start position per subscription). Once every shard of the topic has delivered a record, it
 * resumes from the oldest of the shards' last timestamps minus the margin; before that, from its
 * original start. Records at or below a stream's last offset are then dropped
 * ({@link #accept}), so the overlap costs bandwidth, not correctness.</li>
 * <li>A subscription that started at LATEST and has nothing to resume from starts at the time it
 * was first accepted minus the margin, so records published while disconnected are not lost.</li>
 * </ul>
 *
 * <p>Confined to the event loop. Its size is one entry per stream received, plus one per shard.
 */
final class ResumeState {
    private final ConsumerConfig.Target target;
    private final StartPosition start;
    private final long marginMillis;
    private final Map<String, Long> lastOffsets = new HashMap<>();
    private final Map<Integer, Long> shardTimestamps = new HashMap<>();
    private long subscribedAtMillis = -1;

    ResumeState(ConsumerConfig.Target target, StartPosition start, long marginMillis) {
        this.target = target;
        this.start = start;
        this.marginMillis = marginMillis;
    }

    /**
     * Records a received record, or says it repeats one already received.
     *
     * @return whether to deliver it (false: at or below its stream's last offset, or below the start offset)
     */
    boolean accept(String key, long offset, int shard, long timestamp) {
        Long last = lastOffsets.get(key);
        if (last != null ? offset <= last : start.kind() == StartPosition.Kind.OFFSET && offset < start.value()) {
            return false;
        }
        lastOffsets.put(key, offset);
        shardTimestamps.put(shard, timestamp);
        return true;
    }

    /** @param nowMillis when the broker first accepted the subscription (only the first call counts) */
    void subscribed(long nowMillis) {
        if (subscribedAtMillis < 0) {
            subscribedAtMillis = nowMillis;
        }
    }

    /** @return whether {@link #resume} needs the topic's shard count (a topic or pattern subscription that received something) */
    boolean needsShardCount() {
        return target != ConsumerConfig.Target.STREAM && !shardTimestamps.isEmpty();
    }

    /**
     * @param streamKey the key of a stream subscription, else ignored
     * @param shardCount the topic's shard count, or 0 when unknown
     * @return where to subscribe now
     */
    StartPosition resume(String streamKey, int shardCount) {
        if (target == ConsumerConfig.Target.STREAM) {
            Long last = lastOffsets.get(streamKey);
            return last != null ? StartPosition.offset(last + 1) : original();
        }
        if (shardCount > 0 && everyShardSeen(shardCount)) {
            long oldest = Long.MAX_VALUE;
            for (int shard = 0; shard < shardCount; shard++) {
                oldest = Math.min(oldest, shardTimestamps.get(shard));
            }
            long from = Math.max(0, oldest - marginMillis);
            if (start.kind() == StartPosition.Kind.TIMESTAMP) {
                from = Math.max(from, start.value());
            }
            return StartPosition.timestamp(from);
        }
        return original();
    }

    private boolean everyShardSeen(int shardCount) {
        for (int shard = 0; shard < shardCount; shard++) {
            if (!shardTimestamps.containsKey(shard)) {
                return false;
            }
        }
        return true;
    }

    private StartPosition original() {
        if (start.kind() == StartPosition.Kind.LATEST && subscribedAtMillis >= 0) {
            return StartPosition.timestamp(Math.max(0, subscribedAtMillis - marginMillis));
        }
        return start;
    }

    /** @return how many streams it remembers */
    int streams() {
        return lastOffsets.size();
    }
}
