package io.memorystreamer.broker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Messages for one publish call, copied into one reusable buffer: clear and refill it for the next
 * call, and it stops allocating once it has grown to the largest batch you build.
 *
 * <p>Layout of {@link #buffer()}, one entry per message, little-endian:
 * <pre>
 * +----------------+------------------+------------------+-----+---------+---------+
 * | key len (i32)  | headers len (i32)| payload len (i32)| key | headers | payload |
 * +----------------+------------------+------------------+-----+---------+---------+
 * </pre>
 *
 * <p>Not thread-safe: one thread fills it and publishes it.
 */
public final class PublishBatch {
    /** Bytes in front of each entry. */
    public static final int ENTRY_HEADER_LENGTH = 12;

    private ByteBuffer buffer;
    private int count;

    /** @param initialCapacity bytes to start with (it grows as needed) */
    public PublishBatch(int initialCapacity) {
        buffer = ByteBuffer.allocate(Math.max(64, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Creates a batch with a 4 KiB buffer. */
    public PublishBatch() {
        this(4096);
    }

    /** @return this batch, emptied */
    public PublishBatch clear() {
        buffer.clear();
        count = 0;
        return this;
    }

    /**
     * Adds a message (its bytes are copied; the buffers' positions are not moved).
     *
     * @param key the stream key, UTF-8, from position to limit
     * @param headers a header block ({@link MessageHeaders}), or null for none
     * @param payload the payload, or null for an empty one
     * @return this batch
     */
    public PublishBatch add(ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
        Objects.requireNonNull(key, "key");
        int keyLength = key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        long needed = (long) ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
        ensure(needed);
        int at = buffer.position();
        buffer.putInt(at, keyLength).putInt(at + 4, headersLength).putInt(at + 8, payloadLength);
        int to = at + ENTRY_HEADER_LENGTH;
        buffer.put(to, key, key.position(), keyLength);
        to += keyLength;
        if (headersLength > 0) {
            buffer.put(to, headers, headers.position(), headersLength);
            to += headersLength;
        }
        if (payloadLength > 0) {
            buffer.put(to, payload, payload.position(), payloadLength);
            to += payloadLength;
        }
        buffer.position(to);
        count++;
        return this;
    }

    /**
     * Adds a message given as arrays.
     *
     * @param key the stream key
     * @param headers a header block, or null for none
     * @param payload the payload, or null for an empty one
     * @return this batch
     */
    public PublishBatch add(String key, byte[] headers, byte[] payload) {
        Objects.requireNonNull(key, "key");
        return add(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)), headers == null ? null : ByteBuffer.wrap(headers),
                payload == null ? null : ByteBuffer.wrap(payload));
    }

    /** @return how many messages the batch holds */
    public int count() {
        return count;
    }

    /** @return the bytes the entries take */
    public int length() {
        return buffer.position();
    }

    /** @return the entries, from index 0 to {@link #length()} (read them with absolute gets) */
    public ByteBuffer buffer() {
        return buffer;
    }

    private void ensure(long needed) {
        long required = buffer.position() + needed;
        if (required > Integer.MAX_VALUE - 8) {
            throw new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, "a publish batch holds at most 2 GiB; this message does not fit");
        }
        if (required <= buffer.capacity()) {
            return;
        }
        int capacity = buffer.capacity();
        while (capacity < required) {
            capacity = (int) Math.min((long) capacity * 2, Integer.MAX_VALUE - 8);
        }
        ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        grown.put(0, buffer, 0, buffer.position());
        grown.position(buffer.position());
        buffer = grown;
    }
}
