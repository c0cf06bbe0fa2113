package io.memorystreamer.multiplexing;

/**
 * The state the {@link StreamRegistry} keeps for one stream, copied into a holder the caller owns
 * and reuses, so that reading a stream's state allocates nothing.
 *
 * <p>Fields: the stream's id (dense per registry, from 0, never reused), the offset its next
 * message will take, the log position of its last message ({@link #NO_POSITION} before the
 * first), and the time of its last activity (milliseconds since the epoch, as the broker's clock
 * gave it).
 *
 * <p>Threading: a plain mutable holder, not thread-safe; one per thread, or guarded by the caller.
 */
public final class StreamState {
    /** The {@linkplain #lastPosition() last position} of a stream that has no message yet. */
    public static final long NO_POSITION = -1;

    private long streamId = StreamRegistry.NO_STREAM;
    private long nextOffset;
    private long lastPosition = NO_POSITION;
    private long lastActivityMillis;

    /** @return the stream's id, or {@link StreamRegistry#NO_STREAM} if nothing was read into this holder */
    public long streamId() {
        return streamId;
    }

    /** @return the offset the stream's next message will take (its message count so far) */
    public long nextOffset() {
        return nextOffset;
    }

    /** @return the log position of the stream's last message, or {@link #NO_POSITION} */
    public long lastPosition() {
        return lastPosition;
    }

    /** @return when the stream was last created or advanced, in milliseconds since the epoch */
    public long lastActivityMillis() {
        return lastActivityMillis;
    }

    /**
     * Sets every field; the registry fills holders with it. Setting a holder changes nothing in
     * any registry.
     *
     * @return this holder
     */
    public StreamState set(long streamId, long nextOffset, long lastPosition, long lastActivityMillis) {
        this.streamId = streamId;
        this.nextOffset = nextOffset;
        this.lastPosition = lastPosition;
        this.lastActivityMillis = lastActivityMillis;
        return this;
    }

    @Override
    public String toString() {
        return "StreamState[id=" + streamId + ", nextOffset=" + nextOffset + ", lastPosition=" + lastPosition
                + ", lastActivityMillis=" + lastActivityMillis + "]";
    }
}
