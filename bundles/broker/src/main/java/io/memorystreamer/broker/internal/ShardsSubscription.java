package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.wal.WriteAheadLog;

/**
 * A subscription to every stream of a topic, or to the streams whose keys match a pattern: one
 * {@link ShardReader} per shard, each with a {@link io.memorystreamer.wal.LogCursor}.
 *
 * <p>Start positions, per shard: {@code EARLIEST} = the log's start; {@code LATEST} = the log's
 * tail when subscribing (what was appended before is not delivered); {@code OFFSET n} = the log's
 * start, delivering only records whose stream offset is {@code n} or more; {@code TIMESTAMP t} =
 * the first frame holding a record of time {@code t} or later, delivering only records of time
 * {@code t} or later (timestamps are the broker's append times, in order per stream).
 *
 * <p>Ordering: per stream, as in the log (a stream lives on one shard). Shards are polled in turn,
 * starting from a different one each time, so none is starved when credit is short.
 *
 * <p>Threading: as {@link SubscriptionImpl}.
 *
 * @see io.memorystreamer.wal.LogCursor
 */
final class ShardsSubscription extends SubscriptionImpl {
    private final KeyPattern pattern;
    private final StartPosition start;
    private ShardReader[] readers;
    private int next;

    ShardsSubscription(DeliveryService service, Topic topic, KeyPattern pattern, StartPosition start, MessageHandler handler, long credit) {
        super(service, topic, handler, credit);
        this.pattern = pattern;
        this.start = start;
        this.readers = new ShardReader[topic.shards.length];
        for (Shard shard : topic.shards) {
            ShardReader reader = new ShardReader(this, shard, 1, pattern, ShardReader.ANY_STREAM);
            WriteAheadLog log = shard.log;
            switch (start.kind()) {
                case LATEST:
                    reader.start(0, log.tailPosition(), 0, 0, Long.MIN_VALUE);
                    break;
                case OFFSET:
                    reader.start(0, log.startPosition(), 0, start.value(), Long.MIN_VALUE);
                    break;
                case TIMESTAMP:
                    reader.start(0, log.positionOfTimestamp(start.value()), 0, 0, start.value());
                    break;
                default:
                    reader.start(0, log.startPosition(), 0, 0, Long.MIN_VALUE);
                    break;
            }
            readers[shard.index] = reader;
        }
    }

    @Override
    int pollRecords() {
        ShardReader[] all = readers;
        int work = 0;
        int n = all.length;
        for (int i = 0; i < n && canDeliver(); i++) {
            work += all[(next + i) % n].poll();
        }
        next = next + 1 == n ? 0 : next + 1;
        return work;
    }

    @Override
    void release() {
        readers = new ShardReader[0];
    }

    @Override
    public String toString() {
        return (pattern == null ? "subscription to topic " + topicName : "subscription to " + topicName + "/" + pattern) + " from " + start;
    }
}
