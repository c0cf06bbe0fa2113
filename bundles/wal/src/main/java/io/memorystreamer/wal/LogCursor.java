package io.memorystreamer.wal;

import io.memorystreamer.wal.internal.FrameDescriptor;
import io.memorystreamer.wal.internal.FrameEntries;
import io.memorystreamer.wal.internal.Frames;
import io.memorystreamer.wal.internal.Segment;
import java.nio.ByteBuffer;

/**
 * Reads a log forward from a position and follows its tail: each {@link #poll} hands the records
 * published since the last one to a handler, as views over the mapped segment (no copy), and
 * returns at once when there is nothing new (no thread per reader, no blocking).
 *
 * <p>A cursor sees a frame only once its length is published (an acquire load pairs with the
 * writer's release store), so it never sees half a frame. With {@link #verifyChecksums(boolean)}
 * it also checks every frame's CRC and stops at one that fails. When retention deleted the
 * segment it was to read next, or recovery set a corrupt one aside, it moves on to the oldest
 * position that is still there and counts what it skipped.
 *
 * <p>Not thread-safe: one cursor per reading thread; any number of cursors per log.
 */
public final class LogCursor {
    private final WriteAheadLog log;
    private final RecordView view = new RecordView();
    private final FrameEntries entries = new FrameEntries();
    private Segment segment;
    private long position;
    private long skippedBytes;
    private boolean verify;
    private String corruption;

    LogCursor(WriteAheadLog log, long position) {
        this.log = log;
        this.position = Math.max(position, 0);
    }

    /** @param value check each frame's CRC32C before handing out its records (default false) */
    public LogCursor verifyChecksums(boolean value) {
        this.verify = value;
        return this;
    }

    /** @return the position of the next frame to read */
    public long position() {
        return position;
    }

    /** @return bytes jumped over because their segment was deleted or set aside */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** @return when checksums are verified: why the cursor stopped, or null */
    public String corruption() {
        return corruption;
    }

    /**
     * Hands the records of up to {@code frameLimit} published frames to {@code handler}.
     *
     * @return the number of records handed out (0 when nothing new is published)
     */
    public int poll(RecordHandler handler, int frameLimit) {
        int records = 0;
        int frames = 0;
        while (frames < frameLimit && corruption == null) {
            if (segment == null && !locate()) {
                break;
            }
            int offset = (int) (position - segment.base());
            if (offset >= segment.capacity()) {
                segment = null;
                continue;
            }
            int length = segment.frameLengthAcquire(offset);
            if (length == 0) {
                break;
            }
            ByteBuffer buffer = segment.readOnlyBuffer();
            if (verify) {
                String problem = Frames.validate(buffer, offset, segment.capacity());
                if (problem != null) {
                    corruption = "position " + position + " in " + segment.file().getFileName() + ": " + problem;
                    break;
                }
            }
            if (Frames.isPadding(buffer, offset)) {
                position = segment.end();
                segment = null;
                continue;
            }
            String unreadable = entries.load(buffer, offset, length);
            if (unreadable != null) {
                corruption = "position " + position + " in " + segment.file().getFileName() + ": " + unreadable;
                break;
            }
            int count = buffer.getInt(offset + FrameDescriptor.COUNT_OFFSET);
            ByteBuffer entryBuffer = entries.buffer();
            int entry = entries.start();
            for (int i = 0; i < count; i++) {
                view.wrap(entryBuffer, entry, position, i, count);
                int entryLength = view.entryLength();
                handler.onRecord(view);
                entry += entryLength;
            }
            records += count;
            position += FrameDescriptor.align(length);
            frames++;
        }
        return records;
    }

    private boolean locate() {
        Segment[] segments = log.segments();
        for (Segment candidate : segments) {
            if (position >= candidate.base() && position < candidate.end()) {
                segment = candidate;
                return true;
            }
        }
        for (Segment candidate : segments) {
            if (candidate.base() > position) {
                skippedBytes += candidate.base() - position;
                position = candidate.base();
                segment = candidate;
                return true;
            }
        }
        return false;
    }
}
