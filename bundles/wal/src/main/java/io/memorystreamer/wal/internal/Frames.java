package io.memorystreamer.wal.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Checksums and validation of frames. Stateless apart from the caller-owned {@link CRC32C}
 * variants, which exist so the append path allocates nothing.
 */
public final class Frames {
    private Frames() {
    }

    /**
     * CRC32C of a frame of {@code length} bytes at {@code offset} (covering bytes 8 .. length).
     * Allocates a small view: for recovery, verification and padding, not the append path.
     */
    public static int crc(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(offset + length).position(offset + FrameDescriptor.CRC_START);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * The same checksum with caller-owned state: {@code view} must be a duplicate of the buffer the
     * frame is in, owned by the calling thread.
     */
    public static int crc(CRC32C crc, ByteBuffer view, int offset, int length) {
        crc.reset();
        view.limit(offset + length).position(offset + FrameDescriptor.CRC_START);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * Checks the frame at {@code offset}: a length within the segment, the magic, version and
     * known flags, entries that fit the frame, and the CRC.
     *
     * @return null when valid, otherwise what is wrong, for a report
     */
    public static String validate(ByteBuffer buffer, int offset, int capacity) {
        int length = buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET);
        if (length < FrameDescriptor.HEADER_LENGTH || length > capacity - offset) {
            return "frame length " + length + " is outside " + FrameDescriptor.HEADER_LENGTH + ".." + (capacity - offset);
        }
        if (buffer.get(offset + FrameDescriptor.MAGIC_OFFSET) != FrameDescriptor.MAGIC) {
            return String.format("bad magic 0x%02X", buffer.get(offset + FrameDescriptor.MAGIC_OFFSET));
        }
        if (buffer.get(offset + FrameDescriptor.VERSION_OFFSET) != FrameDescriptor.VERSION) {
            return "unknown frame version " + buffer.get(offset + FrameDescriptor.VERSION_OFFSET);
        }
        short flags = buffer.getShort(offset + FrameDescriptor.FLAGS_OFFSET);
        if ((flags & ~FrameDescriptor.KNOWN_FLAGS) != 0) {
            return String.format("unknown flags 0x%04X", flags);
        }
        int count = buffer.getInt(offset + FrameDescriptor.COUNT_OFFSET);
        boolean padding = (flags & FrameDescriptor.FLAG_PADDING) != 0;
        int checked = padding ? FrameDescriptor.HEADER_LENGTH : length;
        int expected = buffer.getInt(offset + FrameDescriptor.CRC_OFFSET);
        int actual = crc(buffer, offset, checked);
        if (expected != actual) {
            return String.format("CRC32C mismatch (stored 0x%08X, computed 0x%08X)", expected, actual);
        }
        if (padding) {
            return count == 0 && length == capacity - offset ? null : "padding frame does not close the segment";
        }
        if (count < 1) {
            return "frame holds " + count + " records";
        }
        FrameEntries entries = new FrameEntries();
        String unreadable = entries.load(buffer, offset, length);
        if (unreadable != null) {
            return unreadable;
        }
        ByteBuffer entryBuffer = entries.buffer();
        int entry = entries.start();
        int end = entries.end();
        for (int i = 0; i < count; i++) {
            if (entry + FrameDescriptor.ENTRY_HEADER_LENGTH > end) {
                return "entry " + i + " starts past the frame's end";
            }
            int key = entryBuffer.getInt(entry + FrameDescriptor.ENTRY_KEY_LENGTH_OFFSET);
            int headers = entryBuffer.getInt(entry + FrameDescriptor.ENTRY_HEADERS_LENGTH_OFFSET);
            int payload = entryBuffer.getInt(entry + FrameDescriptor.ENTRY_PAYLOAD_LENGTH_OFFSET);
            long parts = (long) key + headers + payload;
            if (key < 0 || headers < 0 || payload < 0 || entry + FrameDescriptor.ENTRY_HEADER_LENGTH + parts > end) {
                return "entry " + i + " overruns the frame";
            }
            entry += FrameDescriptor.ENTRY_HEADER_LENGTH + (int) parts;
        }
        return entry == end ? null : "frame has " + (end - entry) + " bytes after its last entry";
    }

    /** @return whether the frame at {@code offset} (already validated or published) is padding */
    public static boolean isPadding(ByteBuffer buffer, int offset) {
        return (buffer.getShort(offset + FrameDescriptor.FLAGS_OFFSET) & FrameDescriptor.FLAG_PADDING) != 0;
    }
}
