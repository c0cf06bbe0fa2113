package io.memorystreamer.wal;

import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_HEADER_LENGTH;
import static io.memorystreamer.wal.internal.FrameDescriptor.HEADER_LENGTH;

import io.memorystreamer.wal.internal.EntryWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Records gathered by one producer to be appended as one frame: one claim, one header, one CRC
 * for all of them ({@link LogAppender#append(RecordBatch)}). Reusable: {@link #clear()} it and
 * fill it again; it grows only when a batch is larger than any before it.
 *
 * <p>Not thread-safe: owned by one producer.
 */
public final class RecordBatch {
    private ByteBuffer entries;
    private int count;

    /** @param initialCapacity bytes of entries it holds before growing */
    public RecordBatch(int initialCapacity) {
        entries = ByteBuffer.allocate(Math.max(64, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Empties the batch, keeping its memory. */
    public RecordBatch clear() {
        entries.clear();
        count = 0;
        return this;
    }

    /**
     * Adds a record. The buffers' remaining bytes are copied; their positions do not move.
     *
     * @param key may be null (empty)
     * @param headers may be null (empty)
     * @param payload may be null (empty)
     * @return this batch
     */
    public RecordBatch add(long streamId, long streamOffset, long timestamp, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
        int keyLength = key == null ? 0 : key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        long total = (long) entries.position() + ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
        if (total > Integer.MAX_VALUE - 64) {
            throw new RecordTooLargeException("a batch of " + total + " bytes cannot be built (at most 2 GiB); nothing was added");
        }
        int needed = ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
        ensure(needed);
        int at = entries.position();
        EntryWriter.write(entries, at, streamId, streamOffset, timestamp, key, headers, payload);
        entries.position(at + needed);
        count++;
        return this;
    }

    /** Adds a record from byte arrays (null means empty). */
    public RecordBatch add(long streamId, long streamOffset, long timestamp, byte[] key, byte[] headers, byte[] payload) {
        return add(streamId, streamOffset, timestamp, key == null ? null : ByteBuffer.wrap(key),
                headers == null ? null : ByteBuffer.wrap(headers), payload == null ? null : ByteBuffer.wrap(payload));
    }

    /** @return the number of records */
    public int count() {
        return count;
    }

    /** @return the bytes of entries */
    public int entriesLength() {
        return entries.position();
    }

    /** @return the frame this batch becomes (header and entries, before alignment) */
    public int frameLength() {
        return HEADER_LENGTH + entries.position();
    }

    /** @return the entries' bytes, from index 0 to {@link #entriesLength()} (absolute reads only) */
    ByteBuffer entries() {
        return entries;
    }

    private void ensure(int needed) {
        if (entries.remaining() >= needed) {
            return;
        }
        int capacity = entries.capacity();
        while (capacity - entries.position() < needed) {
            capacity = Math.multiplyExact(capacity, 2);
        }
        ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        grown.put(0, entries, 0, entries.position());
        grown.position(entries.position());
        entries = grown;
    }
}
