package io.memorystreamer.broker.internal;

import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.WriteAheadLog;

/**
 * One shard of a topic: its write-ahead log, and the state its topic's writer keeps for it (the
 * batch being built and the acknowledgements waiting for durability).
 *
 * <p>Threading: {@link #log} is thread-safe (readers poll it from delivery threads); {@link #batch}
 * and {@link #acks} belong to the topic's writer thread alone.
 */
final class Shard {
    final Topic topic;
    final int index;
    final WriteAheadLog log;
    /** Writer-owned: appends to the log. */
    final LogAppender appender;
    /** Writer-owned: the position of the last frame appended (the registry checkpoint). */
    long lastAppended;
    /** Writer-owned: the messages drained for this shard and not yet appended. */
    final RecordBatch batch = new RecordBatch(64 * 1024);
    /** Writer-owned: what the drained messages need once appended. */
    final PendingAcks staged = new PendingAcks(64);
    /** Writer-owned: appended messages waiting to be durable. */
    final PendingAcks acks = new PendingAcks(1024);

    Shard(Topic topic, int index, WriteAheadLog log) {
        this.topic = topic;
        this.index = index;
        this.log = log;
        this.appender = log.appender();
        this.lastAppended = log.publishedPosition();
    }

    @Override
    public String toString() {
        return topic.name() + "#" + index;
    }
}
