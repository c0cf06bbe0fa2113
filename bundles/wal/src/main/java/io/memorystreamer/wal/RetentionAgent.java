package io.memorystreamer.wal;

import io.memorystreamer.core.agent.Agent;
import io.memorystreamer.wal.internal.Segment;

/**
 * Deletes whole sealed segments, oldest first: those whose newest record is older than
 * {@link LogConfig#retentionAge()}, and while the log is larger than
 * {@link LogConfig#retentionBytes()}. Never the active segment, nor one the flusher has not
 * finished with. Readers still on a deleted segment finish it (the mapping lives on until they let
 * go) and then jump to the oldest position left.
 *
 * <p>Threading: runs on the flusher's thread (a composite agent); checks every
 * {@link LogConfig#retentionCheckInterval()}.
 */
final class RetentionAgent implements Agent {
    private final WriteAheadLog log;
    private final LogConfig config;
    private final long intervalNanos;
    private long nextCheck = System.nanoTime();

    RetentionAgent(WriteAheadLog log) {
        this.log = log;
        this.config = log.config();
        this.intervalNanos = config.retentionCheckInterval().toNanos();
    }

    @Override
    public String roleName() {
        return "wal-retention-" + config.name();
    }

    @Override
    public int doWork() {
        long now = System.nanoTime();
        if (now - nextCheck < 0 || (config.retentionAge() == null && config.retentionBytes() == 0)) {
            return 0;
        }
        nextCheck = now + intervalNanos;
        int deleted = 0;
        while (true) {
            Segment[] segments = log.segments();
            if (segments.length < 2) {
                return deleted;
            }
            Segment oldest = segments[0];
            String reason = reason(segments, oldest);
            if (reason == null || !log.deleteOldest(oldest, reason)) {
                return deleted;
            }
            deleted++;
        }
    }

    private String reason(Segment[] segments, Segment oldest) {
        if (config.retentionAge() != null) {
            long cutoff = System.currentTimeMillis() - config.retentionAge().toMillis();
            if (oldest.maxTimestamp() != Long.MIN_VALUE && oldest.maxTimestamp() < cutoff) {
                return "its newest record is older than the retention age " + config.retentionAge();
            }
        }
        if (config.retentionBytes() > 0) {
            long total = 0;
            for (Segment segment : segments) {
                total += segment.capacity();
            }
            if (total > config.retentionBytes()) {
                return "the log holds " + total + " bytes, over the retention size " + config.retentionBytes();
            }
        }
        return null;
    }
}
