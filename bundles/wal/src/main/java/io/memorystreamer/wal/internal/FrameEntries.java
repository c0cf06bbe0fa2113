package io.memorystreamer.wal.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Where a frame's entries are: in the segment itself for a plain frame, or, for an LZ4-compressed
 * batch ({@link FrameDescriptor#FLAG_LZ4}), in this reader's own buffer after decompression.
 * Every reader of entries goes through it, so compression is invisible above this class.
 *
 * <p>Not thread-safe: one per reading thread (a cursor, the flusher, a recovery scan). Its buffer
 * grows to the largest batch seen and is reused, so reading allocates nothing after warm-up. The
 * entries stay valid until the next {@link #load}.
 */
public final class FrameEntries {
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestJavaInstance().safeDecompressor();

    private ByteBuffer scratch;
    private ByteBuffer scratchReadOnly;
    private ByteBuffer buffer;
    private int start;
    private int end;

    /**
     * Locates the entries of the published frame at {@code offset} of {@code segmentBuffer}.
     *
     * @param length the frame's length
     * @return null when they are ready, otherwise why they cannot be read (a damaged compressed block)
     */
    public String load(ByteBuffer segmentBuffer, int offset, int length) {
        short flags = segmentBuffer.getShort(offset + FrameDescriptor.FLAGS_OFFSET);
        if ((flags & FrameDescriptor.FLAG_LZ4) == 0) {
            buffer = segmentBuffer;
            start = offset + FrameDescriptor.HEADER_LENGTH;
            end = offset + length;
            return null;
        }
        if (length < FrameDescriptor.COMPRESSED_DATA_OFFSET) {
            return "compressed frame of " + length + " bytes is shorter than its header";
        }
        int expanded = segmentBuffer.getInt(offset + FrameDescriptor.COMPRESSED_LENGTH_OFFSET);
        if (expanded < 0 || expanded > FrameDescriptor.MAX_UNCOMPRESSED_ENTRIES) {
            return "compressed frame claims " + expanded + " bytes of entries";
        }
        if (scratch == null || scratch.capacity() < expanded) {
            scratch = ByteBuffer.allocateDirect(Math.max(expanded, 64 * 1024)).order(ByteOrder.LITTLE_ENDIAN);
            scratchReadOnly = scratch.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        int compressed = length - FrameDescriptor.COMPRESSED_DATA_OFFSET;
        int produced;
        try {
            produced = DECOMPRESSOR.decompress(segmentBuffer, offset + FrameDescriptor.COMPRESSED_DATA_OFFSET, compressed, scratch, 0,
                    expanded);
        } catch (LZ4Exception e) {
            return "compressed entries do not decompress: " + e.getMessage();
        }
        if (produced != expanded) {
            return "compressed entries expand to " + produced + " bytes, not the " + expanded + " the frame claims";
        }
        buffer = scratchReadOnly;
        start = 0;
        end = expanded;
        return null;
    }

    /** @return the buffer holding the entries (read with absolute methods only) */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** @return where the first entry starts in {@link #buffer()} */
    public int start() {
        return start;
    }

    /** @return where the entries end in {@link #buffer()} */
    public int end() {
        return end;
    }

    /** @return the length of the entry at {@code entry} (header and bytes) */
    public int entryLength(int entry) {
        return FrameDescriptor.ENTRY_HEADER_LENGTH + buffer.getInt(entry + FrameDescriptor.ENTRY_KEY_LENGTH_OFFSET)
                + buffer.getInt(entry + FrameDescriptor.ENTRY_HEADERS_LENGTH_OFFSET)
                + buffer.getInt(entry + FrameDescriptor.ENTRY_PAYLOAD_LENGTH_OFFSET);
    }
}
