package io.memorystreamer.wal.internal;

import java.nio.ByteBuffer;

/**
 * Validates the frames of one segment from its start, the way recovery and verification read
 * a log: trusting nothing.
 *
 * <p>Not thread-safe; one scan per call of {@link #scan(Segment)}.
 */
public final class SegmentScan {
    /** Why a scan stopped. */
    public enum Stop {
        /** The segment is complete: a padding frame, or frames up to its exact end. */
        END,
        /** A frame length of 0: nothing was published here (the end of the log, or a hole left by a crash). */
        HOLE,
        /** A frame that fails validation. */
        INVALID
    }

    private final FrameEntries entries = new FrameEntries();

    /** Where the valid prefix ends (offset in the segment). */
    public int validEnd;
    /** Why the scan stopped. */
    public Stop stop;
    /** For {@link Stop#INVALID}: what was wrong. */
    public String problem;
    /** Non-padding frames validated. */
    public long frames;
    /** Records in them. */
    public long records;
    /** Newest timestamp seen (Long.MIN_VALUE if none). */
    public long maxTimestamp;

    /** Scans {@code segment} from offset 0. */
    public SegmentScan scan(Segment segment) {
        return scan(segment, null);
    }

    /** Scans {@code segment}, telling {@code visitor} about each valid non-padding frame. */
    public SegmentScan scan(Segment segment, FrameVisitor visitor) {
        ByteBuffer buffer = segment.readOnlyBuffer();
        int capacity = segment.capacity();
        int offset = 0;
        frames = 0;
        records = 0;
        maxTimestamp = Long.MIN_VALUE;
        problem = null;
        while (true) {
            if (offset >= capacity) {
                stop = Stop.END;
                break;
            }
            int length = buffer.getInt(offset);
            if (length == 0) {
                stop = Stop.HOLE;
                break;
            }
            String invalid = Frames.validate(buffer, offset, capacity);
            if (invalid != null) {
                stop = Stop.INVALID;
                problem = invalid;
                break;
            }
            if (Frames.isPadding(buffer, offset)) {
                offset = capacity;
                continue;
            }
            int count = buffer.getInt(offset + FrameDescriptor.COUNT_OFFSET);
            frames++;
            records += count;
            entries.load(buffer, offset, length);
            ByteBuffer entryBuffer = entries.buffer();
            int entry = entries.start();
            for (int i = 0; i < count; i++) {
                maxTimestamp = Math.max(maxTimestamp, entryBuffer.getLong(entry + FrameDescriptor.ENTRY_TIMESTAMP_OFFSET));
                entry += entries.entryLength(entry);
            }
            if (visitor != null) {
                visitor.onFrame(segment, offset, length);
            }
            offset += FrameDescriptor.align(length);
        }
        validEnd = Math.min(offset, capacity);
        return this;
    }

    /**
     * For {@link Stop#HOLE}: whether any non-zero byte follows the hole (a crash left frames
     * after an unpublished one). Reads the rest of the segment, so it is asked only when needed.
     */
    public boolean dataAfterHole(Segment segment) {
        return stop == Stop.HOLE && anyNonZero(segment.readOnlyBuffer(), validEnd, segment.capacity());
    }

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    /** Compares the range with zeros in chunks ({@link ByteBuffer#mismatch} is vectorised). */
    private static boolean anyNonZero(ByteBuffer buffer, int from, int to) {
        for (int offset = from; offset < to; offset += ZEROS.capacity()) {
            int length = Math.min(ZEROS.capacity(), to - offset);
            if (buffer.slice(offset, length).mismatch(ZEROS.slice(0, length)) != -1) {
                return true;
            }
        }
        return false;
    }

    /** Told about each valid frame a scan passes. */
    @FunctionalInterface
    public interface FrameVisitor {
        /** @param segment the segment; @param offset the frame's offset; @param length its length */
        void onFrame(Segment segment, int offset, int length);
    }
}
