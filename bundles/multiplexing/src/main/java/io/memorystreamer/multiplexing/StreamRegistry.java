package io.memorystreamer.multiplexing;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The per-stream state of one topic (or one shard of it): for each stream key, the stream's id,
 * next offset, last log position and last activity (see {@link StreamState}). It is built to hold
 * millions of streams, mostly idle, at a few hundred bytes each: no object, file, thread or timer
 * per stream. It survives restarts: closed and reopened, it holds the same streams with the same
 * state.
 *
 * <p>Keys are the UTF-8 bytes of a {@linkplain StreamKeys valid stream key}. Only
 * {@code lookupOrCreate} can add a stream, and it refuses an invalid key with the
 * {@link IllegalArgumentException} of {@link StreamKeys}; the other methods simply never find
 * an invalid key.
 *
 * <p>Stream ids are dense per registry: 0, 1, 2… in order of creation, never reused.
 *
 * <p>Invariants: a stream's next offset never decreases ({@code advance} refuses it), and its
 * id never changes.
 *
 * <p>Allocation: for an existing stream, {@code lookupOrCreate}, {@code get}, {@code nextOffset}
 * and {@code advance} with {@code byte[]} or {@link ByteBuffer} keys allocate nothing (they run
 * on the publish path). The {@link String} forms encode the key and are for the shell and tests.
 *
 * <p>Threading: implementations are safe for concurrent use by any number of threads; see the
 * implementation for which locks it takes.
 */
@ProviderType
public interface StreamRegistry extends AutoCloseable {
    /** What {@link #nextOffset} and the id of an empty {@link StreamState} say when there is no such stream. */
    long NO_STREAM = -1;

    /**
     * Returns the id of the stream with this key, creating the stream (next offset 0, no last
     * position, last activity {@code nowMillis}) if it does not exist.
     *
     * @throws IllegalArgumentException if the key is not a valid stream key (nothing is created)
     * @throws IllegalStateException    if the registry is full or closed
     */
    long lookupOrCreate(byte[] key, int offset, int length, long nowMillis);

    /** As {@link #lookupOrCreate(byte[], int, int, long)}, for the key's bytes from the buffer's position to its limit (neither is moved). */
    long lookupOrCreate(ByteBuffer key, long nowMillis);

    /** As {@link #lookupOrCreate(byte[], int, int, long)}, for a key as text (allocates). */
    long lookupOrCreate(String key, long nowMillis);

    /**
     * @param into receives the stream's state; left untouched if there is no such stream
     * @return whether the stream exists
     */
    boolean get(byte[] key, int offset, int length, StreamState into);

    /** As {@link #get(byte[], int, int, StreamState)}, for the key's bytes from the buffer's position to its limit (neither is moved). */
    boolean get(ByteBuffer key, StreamState into);

    /** As {@link #get(byte[], int, int, StreamState)}, for a key as text (allocates). */
    boolean get(String key, StreamState into);

    /** @return the stream's next offset, or {@link #NO_STREAM} if there is no such stream */
    long nextOffset(byte[] key, int offset, int length);

    /**
     * Records that the stream's messages up to {@code newNextOffset} (exclusive) are in the log,
     * the last one at {@code lastPosition}, at time {@code nowMillis}.
     *
     * @return false if there is no such stream (nothing changes)
     * @throws IllegalArgumentException if {@code newNextOffset} is below the stream's next offset
     *                                  (nothing changes)
     */
    boolean advance(byte[] key, int offset, int length, long newNextOffset, long lastPosition, long nowMillis);

    /** As {@link #advance(byte[], int, int, long, long, long)}, for the key's bytes from the buffer's position to its limit (neither is moved). */
    boolean advance(ByteBuffer key, long newNextOffset, long lastPosition, long nowMillis);

    /** @return how many streams there are */
    long size();

    /**
     * Visits every stream, in no particular order, until the visitor returns false. Streams
     * created or changed meanwhile may or may not be seen. The visitor must not change this
     * registry.
     */
    void forEach(StreamVisitor visitor);

    /**
     * Visits the streams whose key matches {@code pattern}, as {@link #forEach(StreamVisitor)}.
     * A pattern is a key whose segments may be {@code *}, which matches exactly one whole segment:
     * {@code orders/*} matches {@code orders/customer-42}, not {@code orders} nor
     * {@code orders/eu/customer-42}. A pattern without {@code *} matches only its own key.
     *
     * @throws IllegalArgumentException if the pattern is not a key with {@code *} segments
     */
    void forEach(String pattern, StreamVisitor visitor);

    /** Closes the registry; its state is on disk, for the next open. Closing twice does nothing. */
    @Override
    void close();
}
