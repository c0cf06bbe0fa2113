package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds a {@link SegmentIndex} from frames seen in position order, then writes it when the
 * segment is sealed. Used by the flusher for the active segment and by recovery to rebuild a
 * missing or damaged index.
 *
 * <p>Not thread-safe: owned by one thread (the flusher, or recovery before the log opens). Its
 * arrays grow by doubling, so adding a frame allocates only when they grow.
 */
public final class SegmentIndexBuilder {
    private final int intervalBytes;
    private final FrameEntries entries = new FrameEntries();
    private int[] sparseOffsets = new int[64];
    private long[] sparseTimestamps = new long[64];
    private int sparseCount;
    private long[] streamIds = new long[1024];
    private long[] streamOffsets = new long[1024];
    private int[] frameOffsets = new int[1024];
    private int[] indexesInFrame = new int[1024];
    private int streamCount;
    /** Sorting scratch, kept between segments so sealing does not allocate once they are large enough. */
    private int[] order = new int[0];
    private int[] scratch = new int[0];
    private int nextSparseOffset;
    private long maxTimestamp = Long.MIN_VALUE;

    /** @param intervalBytes one sparse entry per this many bytes of segment */
    public SegmentIndexBuilder(int intervalBytes) {
        this.intervalBytes = intervalBytes;
    }

    /** Forgets everything: ready for the next segment. */
    public void reset() {
        sparseCount = 0;
        streamCount = 0;
        nextSparseOffset = 0;
        maxTimestamp = Long.MIN_VALUE;
    }

    /** @return the newest timestamp added so far (Long.MIN_VALUE when none) */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** @return the number of records added */
    public int records() {
        return streamCount;
    }

    /** Adds the (published, non-padding) frame at {@code offset} of {@code buffer}. */
    public void onFrame(ByteBuffer buffer, int offset) {
        int count = buffer.getInt(offset + FrameDescriptor.COUNT_OFFSET);
        if (entries.load(buffer, offset, buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET)) != null) {
            count = 0; // validated or published frames decompress; a damaged one adds no entries
        }
        ByteBuffer entryBuffer = entries.buffer();
        int entry = entries.start();
        for (int i = 0; i < count; i++) {
            long timestamp = entryBuffer.getLong(entry + FrameDescriptor.ENTRY_TIMESTAMP_OFFSET);
            maxTimestamp = Math.max(maxTimestamp, timestamp);
            addStreamEntry(entryBuffer.getLong(entry + FrameDescriptor.ENTRY_STREAM_ID_OFFSET),
                    entryBuffer.getLong(entry + FrameDescriptor.ENTRY_STREAM_OFFSET_OFFSET), offset, i);
            entry += entries.entryLength(entry);
        }
        if (offset >= nextSparseOffset) {
            if (sparseCount == sparseOffsets.length) {
                sparseOffsets = Arrays.copyOf(sparseOffsets, sparseCount * 2);
                sparseTimestamps = Arrays.copyOf(sparseTimestamps, sparseCount * 2);
            }
            sparseOffsets[sparseCount] = offset;
            sparseTimestamps[sparseCount] = maxTimestamp;
            sparseCount++;
            nextSparseOffset = offset + intervalBytes;
        } else if (sparseCount > 0) {
            sparseTimestamps[sparseCount - 1] = Math.max(sparseTimestamps[sparseCount - 1], maxTimestamp);
        }
    }

    private void addStreamEntry(long streamId, long streamOffset, int frameOffset, int indexInFrame) {
        if (streamCount == streamIds.length) {
            int grown = streamCount * 2;
            streamIds = Arrays.copyOf(streamIds, grown);
            streamOffsets = Arrays.copyOf(streamOffsets, grown);
            frameOffsets = Arrays.copyOf(frameOffsets, grown);
            indexesInFrame = Arrays.copyOf(indexesInFrame, grown);
        }
        streamIds[streamCount] = streamId;
        streamOffsets[streamCount] = streamOffset;
        frameOffsets[streamCount] = frameOffset;
        indexesInFrame[streamCount] = indexInFrame;
        streamCount++;
    }

    /**
     * Writes the index of the sealed {@code segment} (whose frames end at {@code validEnd}) and
     * maps it. Sorting reuses arrays kept from earlier segments; the file's content is one buffer
     * per seal (once per segment, never per record).
     */
    public SegmentIndex write(Segment segment, int validEnd) throws IOException {
        int[] sorted = sortedByStream();
        long size = (long) SegmentIndex.HEADER_LENGTH + (long) sparseCount * SegmentIndex.SPARSE_ENTRY_LENGTH
                + (long) streamCount * SegmentIndex.STREAM_ENTRY_LENGTH;
        ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
        int at = SegmentIndex.HEADER_LENGTH;
        for (int i = 0; i < sparseCount; i++) {
            content.putInt(at, sparseOffsets[i]);
            content.putLong(at + 8, sparseTimestamps[i]);
            at += SegmentIndex.SPARSE_ENTRY_LENGTH;
        }
        for (int k = 0; k < streamCount; k++) {
            int i = sorted[k];
            content.putLong(at, streamIds[i]);
            content.putLong(at + 8, streamOffsets[i]);
            content.putInt(at + 16, frameOffsets[i]);
            content.putInt(at + 20, indexesInFrame[i]);
            at += SegmentIndex.STREAM_ENTRY_LENGTH;
        }
        return SegmentIndex.write(segment, validEnd, maxTimestamp, sparseCount, streamCount, content,
                SegmentIndex.checksumOf(segment, validEnd));
    }

    /** A stable merge sort of entry numbers by stream id, then stream offset. */
    private int[] sortedByStream() {
        if (order.length < streamCount) {
            order = new int[streamIds.length];
            scratch = new int[streamIds.length];
        }
        for (int i = 0; i < streamCount; i++) {
            order[i] = i;
        }
        for (int width = 1; width < streamCount; width *= 2) {
            for (int low = 0; low < streamCount - width; low += 2 * width) {
                merge(low, low + width, Math.min(low + 2 * width, streamCount));
            }
        }
        return order;
    }

    private void merge(int low, int middle, int high) {
        int left = low;
        int right = middle;
        int out = low;
        while (left < middle && right < high) {
            scratch[out++] = before(order[right], order[left]) ? order[right++] : order[left++];
        }
        while (left < middle) {
            scratch[out++] = order[left++];
        }
        while (right < high) {
            scratch[out++] = order[right++];
        }
        System.arraycopy(scratch, low, order, low, high - low);
    }

    private boolean before(int a, int b) {
        return streamIds[a] < streamIds[b] || (streamIds[a] == streamIds[b] && streamOffsets[a] < streamOffsets[b]);
    }
}
