package io.memorystreamer.wal.internal;

import java.nio.ByteBuffer;

/**
 * Writes one entry (a record's fixed header, then key, headers and payload) as
 * {@link FrameDescriptor} lays it out. Used by a producer writing straight into its claimed
 * frame and by a batch being gathered. Stateless; writes with absolute methods only, so buffers
 * shared between threads are safe where each writes its own range.
 */
public final class EntryWriter {
    private EntryWriter() {
    }

    /**
     * Writes the entry at {@code at}. The sources' remaining bytes are copied; their positions do
     * not move. A null source is empty.
     *
     * @return the entry's length
     */
    public static int write(ByteBuffer buffer, int at, long streamId, long streamOffset, long timestamp, ByteBuffer key,
            ByteBuffer headers, ByteBuffer payload) {
        int keyLength = key == null ? 0 : key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        buffer.putLong(at + FrameDescriptor.ENTRY_STREAM_ID_OFFSET, streamId);
        buffer.putLong(at + FrameDescriptor.ENTRY_STREAM_OFFSET_OFFSET, streamOffset);
        buffer.putLong(at + FrameDescriptor.ENTRY_TIMESTAMP_OFFSET, timestamp);
        buffer.putInt(at + FrameDescriptor.ENTRY_KEY_LENGTH_OFFSET, keyLength);
        buffer.putInt(at + FrameDescriptor.ENTRY_HEADERS_LENGTH_OFFSET, headersLength);
        buffer.putInt(at + FrameDescriptor.ENTRY_PAYLOAD_LENGTH_OFFSET, payloadLength);
        int part = at + FrameDescriptor.ENTRY_HEADER_LENGTH;
        if (keyLength > 0) {
            buffer.put(part, key, key.position(), keyLength);
            part += keyLength;
        }
        if (headersLength > 0) {
            buffer.put(part, headers, headers.position(), headersLength);
            part += headersLength;
        }
        if (payloadLength > 0) {
            buffer.put(part, payload, payload.position(), payloadLength);
        }
        return FrameDescriptor.ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
    }
}
