package io.memorystreamer.broker.internal;

import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.RecordHandler;
import io.memorystreamer.wal.RecordView;
import io.memorystreamer.wal.WriteAheadLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one shard's log for one subscription with a {@link LogCursor}, and delivers the records
 * that pass its filters, exactly up to the subscription's credit.
 *
 * <p>The shard is seen as {@code laneCount} lanes (a group member's lanes; one lane for a plain
 * subscription). For each lane the reader holds, it keeps the exact position of the lane's next
 * undelivered record: a frame position and an index in that frame, since one frame holds a batch
 * of records. A record is delivered when its lane is held, it is at or after that position, and it
 * passes the filters (one stream id, a key pattern, a minimum stream offset and a minimum
 * timestamp per lane). Positions compare as {@code (frame, index)} pairs.
 *
 * <p>Stopping mid-frame: a cursor hands out whole frames, so when the credit (or the
 * subscription) runs out in the middle of one, the reader ignores the rest of that frame and
 * starts a new cursor at the frame; the lanes' positions skip what was delivered already. That
 * costs a small allocation once per stop, never one per message.
 *
 * <p>{@link #scanned}: every frame before it has been read in full, so a lane's effective position
 * is the larger of its own and {@code (scanned, 0)} (lanes without records in a frame move on too).
 *
 * <p>Not thread-safe: owned by the delivery thread.
 */
final class ShardReader implements RecordHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);
    /** Frames one poll reads at most, to keep turns short. */
    private static final int MAX_FRAMES_PER_POLL = 64;
    /** No stream filter. */
    static final long ANY_STREAM = -1;

    private final SubscriptionImpl owner;
    private final Shard shard;
    private final WriteAheadLog log;
    private final int laneCount;
    private final KeyPattern pattern;
    private final long streamId;
    private final boolean[] held;
    private final long[] nextFrame;
    private final int[] nextIndex;
    private final long[] minOffset;
    private final long[] minTimestamp;
    private int heldCount;
    private LogCursor cursor;
    private long scanned;
    private boolean stopped;
    private long stopFrame;
    private boolean corruptionReported;

    /**
     * @param owner the subscription delivering
     * @param shard the shard to read
     * @param laneCount lanes the shard is cut into (1: no lane filter)
     * @param pattern only keys matching it, or null
     * @param streamId only this stream, or {@link #ANY_STREAM}
     */
    ShardReader(SubscriptionImpl owner, Shard shard, int laneCount, KeyPattern pattern, long streamId) {
        this.owner = owner;
        this.shard = shard;
        this.log = shard.log;
        this.laneCount = laneCount;
        this.pattern = pattern;
        this.streamId = streamId;
        this.held = new boolean[laneCount];
        this.nextFrame = new long[laneCount];
        this.nextIndex = new int[laneCount];
        this.minOffset = new long[laneCount];
        this.minTimestamp = new long[laneCount];
    }

    /**
     * Starts delivering a lane from an exact position.
     *
     * @param lane the lane in the shard
     * @param frame the frame position of the lane's next record (a frame start)
     * @param index how many records of that frame to skip
     * @param fromOffset skip records whose stream offset is below it (0 for none)
     * @param fromTimestamp skip records whose timestamp is below it ({@link Long#MIN_VALUE} for none)
     */
    void start(int lane, long frame, int index, long fromOffset, long fromTimestamp) {
        if (held[lane]) {
            stop(lane);
        }
        if (cursor == null) {
            scanned = frame;
            cursor = log.cursor(frame);
        } else if (frame < scanned) {
            // Read again from the earlier frame; the lanes already held skip what they delivered.
            for (int l = 0; l < laneCount; l++) {
                if (held[l] && before(nextFrame[l], nextIndex[l], scanned, 0)) {
                    nextFrame[l] = scanned;
                    nextIndex[l] = 0;
                }
            }
            scanned = frame;
            cursor = log.cursor(frame);
        }
        held[lane] = true;
        heldCount++;
        nextFrame[lane] = frame;
        nextIndex[lane] = index;
        minOffset[lane] = fromOffset;
        minTimestamp[lane] = fromTimestamp;
    }

    /** Stops delivering a lane (between messages). */
    void stop(int lane) {
        if (held[lane]) {
            held[lane] = false;
            heldCount--;
        }
        if (heldCount == 0) {
            cursor = null;
        }
    }

    /** @return whether it holds any lane */
    boolean holdsAny() {
        return heldCount > 0;
    }

    /** @return whether it holds the lane */
    boolean holds(int lane) {
        return held[lane];
    }

    /** @return the frame position of the lane's next undelivered record */
    long nextFrame(int lane) {
        return before(nextFrame[lane], nextIndex[lane], scanned, 0) ? scanned : nextFrame[lane];
    }

    /** @return the index in {@link #nextFrame(int)} of the lane's next undelivered record */
    int nextIndex(int lane) {
        return before(nextFrame[lane], nextIndex[lane], scanned, 0) ? 0 : nextIndex[lane];
    }

    /** @return the shard read */
    Shard shard() {
        return shard;
    }

    /**
     * Reads up to {@value #MAX_FRAMES_PER_POLL} frames while the owner may deliver.
     *
     * @return frames read
     */
    int poll() {
        if (heldCount == 0) {
            return 0;
        }
        int frames = 0;
        stopped = false;
        while (frames < MAX_FRAMES_PER_POLL && owner.canDeliver()) {
            long before = cursor.position();
            cursor.poll(this, 1);
            if (stopped) {
                scanned = stopFrame;
                cursor = log.cursor(stopFrame);
                break;
            }
            long after = cursor.position();
            if (after == before) {
                reportCorruption();
                break;
            }
            scanned = after;
            frames++;
        }
        return frames;
    }

    @Override
    public void onRecord(RecordView record) {
        if (stopped) {
            return;
        }
        if (streamId != ANY_STREAM && record.streamId() != streamId) {
            return;
        }
        int lane = laneCount == 1 ? 0 : Lanes.of(record.buffer(), record.keyOffset(), record.keyLength(), laneCount);
        if (!held[lane]) {
            return;
        }
        long frame = record.position();
        int index = record.indexInFrame();
        if (before(frame, index, nextFrame[lane], nextIndex[lane])) {
            return; // delivered before a stop or a rewind
        }
        if (record.streamOffset() < minOffset[lane] || record.timestamp() < minTimestamp[lane]) {
            return;
        }
        if (pattern != null && !pattern.matches(record.buffer(), record.keyOffset(), record.keyLength())) {
            return;
        }
        if (!owner.canDeliver()) {
            stopped = true;
            stopFrame = frame;
            return;
        }
        owner.deliver(shard.index, record, owner instanceof GroupMemberImpl ? shard.index * laneCount + lane : -1);
        nextFrame[lane] = frame;
        nextIndex[lane] = index + 1;
    }

    private void reportCorruption() {
        String corruption = cursor.corruption();
        if (corruption != null && !corruptionReported) {
            corruptionReported = true;
            LOG.error("{} cannot read shard {} past {}: {}; it waits there", owner, shard, cursor.position(), corruption);
        }
    }

    /** @return whether position (f1, i1) comes before (f2, i2) */
    static boolean before(long f1, int i1, long f2, int i2) {
        return f1 < f2 || (f1 == f2 && i1 < i2);
    }
}
