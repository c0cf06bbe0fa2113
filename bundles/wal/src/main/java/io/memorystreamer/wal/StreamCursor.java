package io.memorystreamer.wal;

import io.memorystreamer.wal.internal.FrameDescriptor;
import io.memorystreamer.wal.internal.FrameEntries;
import io.memorystreamer.wal.internal.Frames;
import io.memorystreamer.wal.internal.Segment;
import io.memorystreamer.wal.internal.SegmentIndex;
import java.nio.ByteBuffer;

/**
 * Reads one stream's records from a stream offset on, in offset order, and follows new ones.
 *
 * <p>In sealed segments it reads only that stream's records, found through the segment's stream
 * index (no other stream's record is read). The active segment has no index yet, so there it
 * scans frames and skips other streams' records: that costs at most one segment's worth of
 * reading, and a live subscriber at the tail reads only new frames.
 *
 * <p>Not thread-safe: one cursor per reading thread.
 */
public final class StreamCursor {
    private final WriteAheadLog log;
    private final long streamId;
    private final RecordView view = new RecordView();
    private final FrameEntries entries = new FrameEntries();
    private long nextOffset;
    /** Segments below this base hold nothing more for this cursor. */
    private long searchBase;
    private Segment segment;
    private SegmentIndex index;
    private int entry;
    private int scanOffset;

    StreamCursor(WriteAheadLog log, long streamId, long fromOffset) {
        this.log = log;
        this.streamId = streamId;
        this.nextOffset = fromOffset;
    }

    /** @return the stream this cursor reads */
    public long streamId() {
        return streamId;
    }

    /** @return the offset of the next record it will hand out */
    public long nextOffset() {
        return nextOffset;
    }

    /**
     * Hands this stream's next records to {@code handler}: up to {@code recordLimit}, though a
     * batch frame in the active segment is always finished.
     *
     * @return the number of records handed out (0 when there is nothing new)
     */
    public int poll(RecordHandler handler, int recordLimit) {
        int delivered = 0;
        while (delivered < recordLimit) {
            if (segment == null && !locate()) {
                break;
            }
            int step = index != null ? fromIndex(handler) : fromScan(handler);
            if (step < 0) {
                break;
            }
            delivered += step;
        }
        return delivered;
    }

    /** Finds the next segment that may hold this stream's records from {@link #nextOffset} on. */
    private boolean locate() {
        for (Segment candidate : log.segments()) {
            if (candidate.end() <= searchBase) {
                continue;
            }
            SegmentIndex candidateIndex = candidate.index();
            if (candidateIndex == null) {
                segment = candidate;
                index = null;
                scanOffset = (int) Math.max(0, searchBase - candidate.base());
                return true;
            }
            int found = candidateIndex.findStream(streamId, nextOffset);
            if (found >= 0) {
                segment = candidate;
                index = candidateIndex;
                entry = found;
                return true;
            }
            searchBase = candidate.end();
        }
        return false;
    }

    /** @return records handed out, or 0 to move on (the segment is exhausted for this stream) */
    private int fromIndex(RecordHandler handler) {
        if (entry >= index.streamEntryCount() || index.streamIdAt(entry) != streamId) {
            leaveSegment();
            return 0;
        }
        long offset = index.streamOffsetAt(entry);
        int frame = index.frameOffsetAt(entry);
        int wanted = index.indexInFrameAt(entry);
        entry++;
        if (offset < nextOffset) {
            return 0;
        }
        ByteBuffer buffer = segment.readOnlyBuffer();
        int count = buffer.getInt(frame + FrameDescriptor.COUNT_OFFSET);
        if (entries.load(buffer, frame, segment.frameLengthAcquire(frame)) != null) {
            leaveSegment();
            return 0;
        }
        ByteBuffer entryBuffer = entries.buffer();
        int at = entries.start();
        for (int i = 0; i < wanted; i++) {
            at += entries.entryLength(at);
        }
        handler.onRecord(view.wrap(entryBuffer, at, segment.base() + frame, wanted, count));
        nextOffset = offset + 1;
        return 1;
    }

    /** @return records handed out from the next frame, 0 to go on, -1 when nothing is published yet */
    private int fromScan(RecordHandler handler) {
        if (scanOffset >= segment.capacity()) {
            leaveSegment();
            return 0;
        }
        int length = segment.frameLengthAcquire(scanOffset);
        if (length == 0) {
            return -1;
        }
        ByteBuffer buffer = segment.readOnlyBuffer();
        if (Frames.isPadding(buffer, scanOffset)) {
            leaveSegment();
            return 0;
        }
        int count = buffer.getInt(scanOffset + FrameDescriptor.COUNT_OFFSET);
        if (entries.load(buffer, scanOffset, length) != null) {
            leaveSegment();
            return 0;
        }
        ByteBuffer entryBuffer = entries.buffer();
        int at = entries.start();
        int delivered = 0;
        for (int i = 0; i < count; i++) {
            view.wrap(entryBuffer, at, segment.base() + scanOffset, i, count);
            int entryLength = view.entryLength();
            if (view.streamId() == streamId && view.streamOffset() >= nextOffset) {
                nextOffset = view.streamOffset() + 1;
                handler.onRecord(view);
                delivered++;
            }
            at += entryLength;
        }
        scanOffset += FrameDescriptor.align(length);
        return delivered;
    }

    private void leaveSegment() {
        searchBase = segment.end();
        segment = null;
        index = null;
    }
}
