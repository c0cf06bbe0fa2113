package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.multiplexing.StreamState;
import io.memorystreamer.wal.RecordHandler;
import io.memorystreamer.wal.RecordView;
import io.memorystreamer.wal.StreamCursor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A subscription to one stream.
 *
 * <p>Where the stream is: its id comes from the topic's registry and its shard from the topic's
 * placement. A stream that does not exist yet is waited for: every tick (a few milliseconds) the
 * delivery thread looks the key up in the registry (no allocation), and once the stream exists it
 * starts from offset 0 (or the requested offset). The looks back off from every tick to every
 * 100 ms, so thousands of subscribers waiting for streams cost little.
 *
 * <p>How it reads: from a stream offset ({@code EARLIEST} = 0, {@code LATEST} = the stream's next
 * offset when subscribing, {@code OFFSET n}) through a {@link StreamCursor}, which finds the stream's
 * records in sealed segments through their index; from a time ({@code TIMESTAMP t}) through a
 * {@link ShardReader} that starts at the first frame holding a record of time {@code t} or later and
 * keeps this stream's records of time {@code t} or later. When the credit runs out in the middle of
 * a frame holding several of the stream's records, it goes on with a {@link ShardReader} from that
 * exact record (a stream cursor could only restart from the segment's start).
 *
 * <p>Threading: as {@link SubscriptionImpl}; the constructor runs on the subscribing thread, the rest
 * on the delivery thread.
 */
final class StreamSubscription extends SubscriptionImpl implements RecordHandler {
    /** The longest wait between two looks for a stream that does not exist yet. */
    private static final long MAX_CHECK_INTERVAL_NANOS = 100_000_000L;

    private final String key;
    private final ByteBuffer keyBuffer;
    private final StartPosition start;
    private final StreamState state = new StreamState();
    private long startOffset;
    private long streamId = -1;
    private Shard shard;
    private StreamCursor cursor;
    private ShardReader reader;
    private boolean stopped;
    private long stopFrame;
    private int stopIndex;
    private long stopOffset;
    private long nextCheckNanos;
    private long checkIntervalNanos = DeliveryService.TICK_NANOS;

    StreamSubscription(DeliveryService service, Topic topic, String key, StartPosition start, MessageHandler handler, long credit) {
        super(service, topic, handler, credit);
        this.key = key;
        this.keyBuffer = ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
        this.start = start;
        boolean exists = topic.registry.get(keyBuffer, state);
        switch (start.kind()) {
            case LATEST:
                startOffset = exists ? state.nextOffset() : 0;
                break;
            case OFFSET:
                startOffset = start.value();
                break;
            default:
                startOffset = 0;
                break;
        }
        if (exists) {
            open(state.streamId());
        }
    }

    /** Subscribing or delivery thread: the stream exists; set up the cursor. */
    private void open(long id) {
        streamId = id;
        shard = topic.shards[topic.placement.shard(keyBuffer, topic.shards.length)];
        if (start.kind() == StartPosition.Kind.TIMESTAMP) {
            reader = new ShardReader(this, shard, 1, null, id);
            reader.start(0, shard.log.positionOfTimestamp(start.value()), 0, 0, start.value());
        } else {
            cursor = shard.log.streamCursor(id, startOffset);
        }
    }

    @Override
    void tick(long nowNanos) {
        if (streamId >= 0 || nowNanos - nextCheckNanos < 0) {
            return;
        }
        if (topic.registry.get(keyBuffer, state)) {
            open(state.streamId());
            return;
        }
        checkIntervalNanos = Math.min(checkIntervalNanos * 2, MAX_CHECK_INTERVAL_NANOS);
        nextCheckNanos = nowNanos + checkIntervalNanos;
    }

    @Override
    int pollRecords() {
        if (reader != null) {
            return reader.poll();
        }
        if (cursor == null) {
            return 0;
        }
        stopped = false;
        int work = 0;
        while (canDeliver() && !stopped) {
            if (cursor.poll(this, remaining()) == 0) {
                break;
            }
            work++;
        }
        if (stopped) {
            reader = new ShardReader(this, shard, 1, null, streamId);
            reader.start(0, stopFrame, stopIndex, stopOffset, Long.MIN_VALUE);
            cursor = null;
        }
        return work;
    }

    @Override
    public void onRecord(RecordView record) {
        if (stopped) {
            return;
        }
        if (!canDeliver()) {
            stopped = true;
            stopFrame = record.position();
            stopIndex = record.indexInFrame();
            stopOffset = record.streamOffset();
            return;
        }
        deliver(shard.index, record, -1);
    }

    @Override
    void release() {
        cursor = null;
        reader = null;
    }

    @Override
    public String toString() {
        return "subscription to stream " + topicName + "/" + key + " from " + start;
    }
}
