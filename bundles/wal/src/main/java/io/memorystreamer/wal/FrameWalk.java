package io.memorystreamer.wal;

import io.memorystreamer.wal.internal.FrameDescriptor;
import io.memorystreamer.wal.internal.FrameEntries;
import io.memorystreamer.wal.internal.Frames;
import io.memorystreamer.wal.internal.Segment;
import java.nio.ByteBuffer;

/** Forward walks over the published frames of a segment, for lookups. Stateless. */
final class FrameWalk {
    private FrameWalk() {
    }

    /** @return the position of the first frame at or after {@code from} holding a record at least {@code timestamp} old, or -1 */
    static long firstFrameWithTimestamp(Segment segment, int from, long timestamp) {
        ByteBuffer buffer = segment.readOnlyBuffer();
        FrameEntries entries = new FrameEntries();
        int offset = from;
        while (offset < segment.capacity()) {
            int length = segment.frameLengthAcquire(offset);
            if (length == 0 || Frames.isPadding(buffer, offset)) {
                return -1;
            }
            int count = buffer.getInt(offset + FrameDescriptor.COUNT_OFFSET);
            if (entries.load(buffer, offset, length) != null) {
                return -1;
            }
            ByteBuffer entryBuffer = entries.buffer();
            int entry = entries.start();
            for (int i = 0; i < count; i++) {
                if (entryBuffer.getLong(entry + FrameDescriptor.ENTRY_TIMESTAMP_OFFSET) >= timestamp) {
                    return segment.base() + offset;
                }
                entry += entries.entryLength(entry);
            }
            offset += FrameDescriptor.align(length);
        }
        return -1;
    }

    /** @return the position of the first frame starting at or after offset {@code target}, walking from frame {@code from}; -1 if none yet */
    static long firstFrameAtOrAfter(Segment segment, int from, int target) {
        ByteBuffer buffer = segment.readOnlyBuffer();
        int offset = from;
        while (offset < segment.capacity()) {
            if (offset >= target) {
                return segment.base() + offset;
            }
            int length = segment.frameLengthAcquire(offset);
            if (length == 0) {
                return -1;
            }
            if (Frames.isPadding(buffer, offset)) {
                return segment.end();
            }
            offset += FrameDescriptor.align(length);
        }
        return segment.end();
    }
}
