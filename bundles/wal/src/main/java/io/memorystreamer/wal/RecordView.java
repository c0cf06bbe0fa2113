package io.memorystreamer.wal;

import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_HEADERS_LENGTH_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_HEADER_LENGTH;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_KEY_LENGTH_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_PAYLOAD_LENGTH_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_STREAM_ID_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_STREAM_OFFSET_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_TIMESTAMP_OFFSET;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A read-only view of one record in the log, over the mapped buffer: nothing is copied until a
 * {@code get...} method copies it. The same view object is moved from record to record by its
 * cursor, so it is valid only while the handler runs. Offsets returned by {@code ...Offset()}
 * are absolute indexes into {@link #buffer()}.
 *
 * <p>Not thread-safe: owned by one cursor.
 */
public final class RecordView {
    private ByteBuffer buffer;
    private int entryOffset;
    private long framePosition;
    private int indexInFrame;
    private int recordsInFrame;

    /** Creates an unpositioned view (for cursors). */
    public RecordView() {
    }

    /**
     * Points the view at an entry.
     *
     * @param readOnlyBuffer the segment's buffer (read-only, little-endian)
     * @param offset the entry's offset in it
     * @param position the log position of the frame holding the entry
     * @param index the entry's index in its frame
     * @param count the number of records in the frame
     * @return this view
     */
    public RecordView wrap(ByteBuffer readOnlyBuffer, int offset, long position, int index, int count) {
        this.buffer = readOnlyBuffer;
        this.entryOffset = offset;
        this.framePosition = position;
        this.indexInFrame = index;
        this.recordsInFrame = count;
        return this;
    }

    /** @return the log position of the frame that holds this record */
    public long position() {
        return framePosition;
    }

    /** @return this record's index in its frame (0 for a single append) */
    public int indexInFrame() {
        return indexInFrame;
    }

    /** @return how many records the frame holds */
    public int recordsInFrame() {
        return recordsInFrame;
    }

    /** @return the stream the record belongs to */
    public long streamId() {
        return buffer.getLong(entryOffset + ENTRY_STREAM_ID_OFFSET);
    }

    /** @return the record's offset in its stream */
    public long streamOffset() {
        return buffer.getLong(entryOffset + ENTRY_STREAM_OFFSET_OFFSET);
    }

    /** @return milliseconds since the epoch, as appended */
    public long timestamp() {
        return buffer.getLong(entryOffset + ENTRY_TIMESTAMP_OFFSET);
    }

    /** @return key length in bytes */
    public int keyLength() {
        return buffer.getInt(entryOffset + ENTRY_KEY_LENGTH_OFFSET);
    }

    /** @return headers length in bytes */
    public int headersLength() {
        return buffer.getInt(entryOffset + ENTRY_HEADERS_LENGTH_OFFSET);
    }

    /** @return payload length in bytes */
    public int payloadLength() {
        return buffer.getInt(entryOffset + ENTRY_PAYLOAD_LENGTH_OFFSET);
    }

    /** @return the read-only buffer the offsets below index into */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** @return where the key starts in {@link #buffer()} */
    public int keyOffset() {
        return entryOffset + ENTRY_HEADER_LENGTH;
    }

    /** @return where the headers start in {@link #buffer()} */
    public int headersOffset() {
        return keyOffset() + keyLength();
    }

    /** @return where the payload starts in {@link #buffer()} */
    public int payloadOffset() {
        return headersOffset() + headersLength();
    }

    /** @return the total size of this record's entry (header and bytes) */
    public int entryLength() {
        return ENTRY_HEADER_LENGTH + keyLength() + headersLength() + payloadLength();
    }

    /** Copies the payload into {@code destination} at {@code offset}; @return bytes copied */
    public int getPayload(byte[] destination, int offset) {
        int length = payloadLength();
        buffer.get(payloadOffset(), destination, offset, length);
        return length;
    }

    /** @return a copy of the key (allocates: for tools and tests) */
    public byte[] keyBytes() {
        return copy(keyOffset(), keyLength());
    }

    /** @return a copy of the headers (allocates: for tools and tests) */
    public byte[] headersBytes() {
        return copy(headersOffset(), headersLength());
    }

    /** @return a copy of the payload (allocates: for tools and tests) */
    public byte[] payloadBytes() {
        return copy(payloadOffset(), payloadLength());
    }

    /** @return the payload decoded as UTF-8 (allocates: for tools and tests) */
    public String payloadAsString() {
        return new String(payloadBytes(), StandardCharsets.UTF_8);
    }

    private byte[] copy(int offset, int length) {
        byte[] bytes = new byte[length];
        buffer.get(offset, bytes, 0, length);
        return bytes;
    }

    @Override
    public String toString() {
        return "Record{position=" + framePosition + "#" + indexInFrame + ", stream=" + streamId() + ", offset=" + streamOffset()
                + ", timestamp=" + timestamp() + ", key=" + keyLength() + "B, headers=" + headersLength() + "B, payload="
                + payloadLength() + "B}";
    }
}
