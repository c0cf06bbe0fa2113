package io.memorystreamer.multiplexing.internal;

import io.memorystreamer.multiplexing.StreamKeys;
import io.memorystreamer.multiplexing.StreamRegistry;
import io.memorystreamer.multiplexing.StreamState;
import io.memorystreamer.multiplexing.StreamVisitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * A {@link StreamRegistry} over one off-heap Chronicle Map persisted to a file
 * ({@value #FILE_NAME} in the directory it is opened on), memory-mapped: the state of a million
 * streams lives in the page cache and the file, not on the Java heap.
 *
 * <p><b>Layout.</b> Key: the stream key's UTF-8 bytes, as is (1 to 255 bytes). Value: a constant
 * {@value #VALUE_SIZE} bytes, four longs in the platform's byte order: stream id, next offset,
 * last position, last activity millis. The map is sized for the expected stream count with an
 * average key of {@value #AVERAGE_KEY_SIZE} bytes (keys such as {@code orders/customer-1234567}
 * or a UUID); longer keys, up to 255 bytes, take more of the map's chunks and are as welcome.
 * Past the expected count the map grows, up to {@value #MAX_BLOAT_FACTOR} times; beyond that,
 * creating a stream fails with an {@link IllegalStateException}.
 *
 * <p><b>Threading.</b> Concurrent: any thread may call any method at any time, and this class
 * relies on Chronicle Map's own concurrency for it. A query takes the lock of the key's segment
 * (an off-heap read-write-update lock, not a Java monitor): shared for reads, exclusive for
 * {@code advance} and for the creation of a stream. Creation checks absence and inserts under
 * the segment's update lock, so two threads creating the same key get the same id. The publish
 * path is expected to be one writer per shard (the shard's thread), so these locks are
 * uncontended in practice; readers (shell, subscriptions) share them.
 *
 * <p><b>Invariants.</b> Ids are taken from {@link #nextId} while the segment is locked and only
 * when the insert follows: they are dense from 0, in creation order, unique (a failed insert,
 * the map being full, can leave one hole if another segment created a stream at that moment). On open,
 * {@link #nextId} is one past the largest id in the file. A stream's next offset never
 * decreases. Every key in the map is a {@linkplain StreamKeys valid key}.
 *
 * <p><b>Allocation.</b> Keys are copied into a per-thread scratch array wrapped once in a
 * {@link BytesStore}, and values are read straight from the map's memory or written from a
 * per-thread scratch: no allocation on the lookup and advance paths once a thread has warmed up.
 *
 * <p><b>Crashes.</b> A map that was not closed (kill -9) is reopened as is; Chronicle's
 * {@code recoverPersistedTo} (for segment locks held by a dead process) is not used yet.
 */
public final class ChronicleStreamRegistry implements StreamRegistry {
    /** The map's file in the registry's directory. */
    public static final String FILE_NAME = "streams.cmap";
    /** Bytes per value: id, next offset, last position, last activity. */
    static final int VALUE_SIZE = 4 * Long.BYTES;
    /** The average key length the map is sized for. */
    static final int AVERAGE_KEY_SIZE = 24;
    /** How far past the expected count the map may grow. */
    static final double MAX_BLOAT_FACTOR = 4.0;

    private static final int ID = 0;
    private static final int NEXT_OFFSET = 8;
    private static final int LAST_POSITION = 16;
    private static final int LAST_ACTIVITY = 24;

    private final ChronicleMap<byte[], byte[]> map;
    private final AtomicLong nextId;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** A thread's copy of the key being queried and of the value being written. */
    private static final class Scratch {
        final byte[] key = new byte[StreamKeys.MAX_LENGTH];
        final BytesStore<?, byte[]> keyStore = BytesStore.wrap(key);
        final BytesStore<?, byte[]> valueStore = BytesStore.wrap(new byte[VALUE_SIZE]);
    }

    private ChronicleStreamRegistry(ChronicleMap<byte[], byte[]> map) {
        this.map = map;
        long[] largest = {-1};
        map.forEachEntry(entry -> largest[0] = Math.max(largest[0], read(entry.value(), ID)));
        this.nextId = new AtomicLong(largest[0] + 1);
    }

    /**
     * Opens the registry in {@code directory}, creating the directory and the map if needed.
     *
     * @param name            a name for diagnostics (the topic and shard)
     * @param expectedStreams how many streams to size the map for, at least 1; ignored when the
     *                        file exists (its own sizing is kept)
     * @throws UncheckedIOException if the directory or the file cannot be opened
     */
    public static ChronicleStreamRegistry open(Path directory, String name, long expectedStreams) {
        Objects.requireNonNull(name, "name");
        if (expectedStreams < 1) {
            throw new IllegalArgumentException("expected streams must be at least 1, not " + expectedStreams);
        }
        try {
            Files.createDirectories(directory);
            ChronicleMap<byte[], byte[]> map = ChronicleMapBuilder.of(byte[].class, byte[].class)
                    .name(name)
                    .entries(expectedStreams)
                    .averageKeySize(AVERAGE_KEY_SIZE)
                    .constantValueSizeBySample(new byte[VALUE_SIZE])
                    .maxBloatFactor(MAX_BLOAT_FACTOR)
                    .createPersistedTo(directory.resolve(FILE_NAME).toFile());
            return new ChronicleStreamRegistry(map);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the stream registry " + name + " in " + directory, e);
        }
    }

    @Override
    public long lookupOrCreate(byte[] key, int offset, int length, long nowMillis) {
        StreamKeys.requireValid(key, offset, length);
        Scratch s = scratch.get();
        System.arraycopy(key, offset, s.key, 0, length);
        return lookupOrCreate(s, length, nowMillis);
    }

    @Override
    public long lookupOrCreate(ByteBuffer key, long nowMillis) {
        StreamKeys.requireValid(key);
        Scratch s = scratch.get();
        int length = key.remaining();
        key.get(key.position(), s.key, 0, length);
        return lookupOrCreate(s, length, nowMillis);
    }

    @Override
    public long lookupOrCreate(String key, long nowMillis) {
        byte[] bytes = StreamKeys.requireValid(key).getBytes(StandardCharsets.UTF_8);
        return lookupOrCreate(bytes, 0, bytes.length, nowMillis);
    }

    private long lookupOrCreate(Scratch s, int length, long nowMillis) {
        // First under the read lock: the common case, an existing stream. Chronicle cannot upgrade
        // a read lock to the update lock, so a creation queries again.
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.keyStore, 0, length)) {
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry != null) {
                return read(entry.value(), ID);
            }
        }
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.keyStore, 0, length)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry != null) {
                return read(entry.value(), ID); // created by another thread meanwhile
            }
            long id = nextId.getAndIncrement();
            try {
                c.insert(c.absentEntry(), value(c, s, id, 0, StreamState.NO_POSITION, nowMillis));
            } catch (RuntimeException e) {
                // Give the id back unless another segment took the next one meanwhile; then it stays a hole.
                nextId.compareAndSet(id + 1, id);
                throw e;
            }
            return id;
        }
    }

    @Override
    public boolean get(byte[] key, int offset, int length, StreamState into) {
        Scratch s = scratch.get();
        if (length > StreamKeys.MAX_LENGTH) {
            Objects.checkFromIndexSize(offset, length, key.length);
            return false;
        }
        System.arraycopy(key, offset, s.key, 0, length);
        return get(s, length, into);
    }

    @Override
    public boolean get(ByteBuffer key, StreamState into) {
        Scratch s = scratch.get();
        int length = key.remaining();
        if (length > StreamKeys.MAX_LENGTH) {
            return false;
        }
        key.get(key.position(), s.key, 0, length);
        return get(s, length, into);
    }

    @Override
    public boolean get(String key, StreamState into) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return get(bytes, 0, bytes.length, into);
    }

    private boolean get(Scratch s, int length, StreamState into) {
        Objects.requireNonNull(into, "into");
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.keyStore, 0, length)) {
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry == null) {
                return false;
            }
            Data<byte[]> value = entry.value();
            into.set(read(value, ID), read(value, NEXT_OFFSET), read(value, LAST_POSITION), read(value, LAST_ACTIVITY));
            return true;
        }
    }

    @Override
    public long nextOffset(byte[] key, int offset, int length) {
        Scratch s = scratch.get();
        if (length > StreamKeys.MAX_LENGTH) {
            Objects.checkFromIndexSize(offset, length, key.length);
            return NO_STREAM;
        }
        System.arraycopy(key, offset, s.key, 0, length);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.keyStore, 0, length)) {
            MapEntry<byte[], byte[]> entry = c.entry();
            return entry == null ? NO_STREAM : read(entry.value(), NEXT_OFFSET);
        }
    }

    @Override
    public boolean advance(byte[] key, int offset, int length, long newNextOffset, long lastPosition, long nowMillis) {
        Scratch s = scratch.get();
        if (length > StreamKeys.MAX_LENGTH) {
            Objects.checkFromIndexSize(offset, length, key.length);
            return false;
        }
        System.arraycopy(key, offset, s.key, 0, length);
        return advance(s, length, newNextOffset, lastPosition, nowMillis);
    }

    @Override
    public boolean advance(ByteBuffer key, long newNextOffset, long lastPosition, long nowMillis) {
        Scratch s = scratch.get();
        int length = key.remaining();
        if (length > StreamKeys.MAX_LENGTH) {
            return false;
        }
        key.get(key.position(), s.key, 0, length);
        return advance(s, length, newNextOffset, lastPosition, nowMillis);
    }

    private boolean advance(Scratch s, int length, long newNextOffset, long lastPosition, long nowMillis) {
        try (ExternalMapQueryContext<byte[], byte[], ?> c = map.queryContext(s.keyStore, 0, length)) {
            c.updateLock().lock();
            MapEntry<byte[], byte[]> entry = c.entry();
            if (entry == null) {
                return false;
            }
            Data<byte[]> value = entry.value();
            long current = read(value, NEXT_OFFSET);
            if (newNextOffset < current) {
                throw new IllegalArgumentException("a stream's next offset cannot go back: it is " + current
                        + ", not " + newNextOffset + " (stream " + read(value, ID) + ")");
            }
            c.replaceValue(entry, value(c, s, read(value, ID), newNextOffset, lastPosition, nowMillis));
            return true;
        }
    }

    @Override
    public long size() {
        return map.longSize();
    }

    @Override
    public void forEach(StreamVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        StreamState state = new StreamState();
        map.forEachEntryWhile(entry -> visit(entry, state, visitor));
    }

    @Override
    public void forEach(String pattern, StreamVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        String[] segments = StreamPatterns.parse(pattern);
        StreamState state = new StreamState();
        map.forEachEntryWhile(entry -> {
            String key = new String(entry.key().get(), StandardCharsets.UTF_8);
            return !StreamPatterns.matches(segments, key) || visit(key, entry.value(), state, visitor);
        });
    }

    private static boolean visit(MapEntry<byte[], byte[]> entry, StreamState state, StreamVisitor visitor) {
        return visit(new String(entry.key().get(), StandardCharsets.UTF_8), entry.value(), state, visitor);
    }

    private static boolean visit(String key, Data<byte[]> value, StreamState state, StreamVisitor visitor) {
        state.set(read(value, ID), read(value, NEXT_OFFSET), read(value, LAST_POSITION), read(value, LAST_ACTIVITY));
        return visitor.visit(key, state);
    }

    /** @return the map's file */
    public Path file() {
        return map.file().toPath();
    }

    /** @return the off-heap bytes the map uses (its mapped file's used part, as Chronicle counts it) */
    public long offHeapMemoryUsed() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public void close() {
        if (map.isOpen()) {
            map.close();
        }
    }

    private static long read(Data<byte[]> value, int field) {
        RandomDataInput bytes = value.bytes();
        return bytes.readLong(value.offset() + field);
    }

    private static Data<byte[]> value(ExternalMapQueryContext<byte[], byte[], ?> c, Scratch s,
            long id, long nextOffset, long lastPosition, long lastActivity) {
        BytesStore<?, byte[]> v = s.valueStore;
        v.writeLong(ID, id);
        v.writeLong(NEXT_OFFSET, nextOffset);
        v.writeLong(LAST_POSITION, lastPosition);
        v.writeLong(LAST_ACTIVITY, lastActivity);
        return c.wrapValueBytesAsData(v, 0, VALUE_SIZE);
    }
}
