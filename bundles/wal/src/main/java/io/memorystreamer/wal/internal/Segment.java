package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment file of a log, memory-mapped whole: {@code <first position, 20 digits>.log}.
 *
 * <p>Frames are laid out as {@link FrameDescriptor} draws. The tail (next free offset) is claimed
 * by many producers at once with one atomic add; the claim may run past the capacity, and the one
 * producer whose claim crosses it writes the padding frame that closes the segment.
 *
 * <p>Threading: {@link #claim(int)} is safe from any thread; a claimed range is written only by its
 * claimer; frame lengths are published with {@link #publishLength(int, int)} (release) and read
 * with {@link #frameLengthAcquire(int)} (acquire). Absolute reads of published bytes are safe from
 * any thread. Invariant: {@code base} is a multiple of nothing in particular, but every frame
 * starts at a multiple of {@link FrameDescriptor#ALIGNMENT} within the segment.
 *
 * <p>The mapping is never unmapped explicitly: a reader may still hold it when the file is deleted
 * by retention, and touching an unmapped buffer would crash the JVM. The garbage collector frees
 * it when the last reference goes.
 */
public final class Segment {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(Segment.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int ZERO_CHUNK = 1024 * 1024;

    private final Path file;
    private final long base;
    private final int capacity;
    private final FileChannel channel;
    private final MappedByteBuffer buffer;
    private final ByteBuffer readOnly;

    /** Next free offset; may exceed the capacity once the segment is full. Written only through {@link #TAIL}. */
    @SuppressWarnings("unused")
    private volatile long tail;

    /** Newest record timestamp in the segment, for retention by age. Written by one thread at a time (recovery, then the flusher). */
    private volatile long maxTimestamp = Long.MIN_VALUE;

    /** The index, once the segment is sealed and its index written or loaded; null before. */
    private volatile SegmentIndex index;

    private Segment(Path file, long base, int capacity, FileChannel channel, MappedByteBuffer buffer, long tail) {
        this.file = file;
        this.base = base;
        this.capacity = capacity;
        this.channel = channel;
        this.buffer = buffer;
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.readOnly = buffer.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.tail = tail;
    }

    /** @return the file name of the segment starting at {@code base} */
    public static String fileName(long base) {
        return String.format("%020d.log", base);
    }

    /**
     * Creates a new, empty segment file of {@code capacity} bytes and maps it.
     *
     * @param preallocate write zeros over the whole file first, so the disk blocks exist (a full
     *     disk then fails here, with an IOException, instead of crashing a writer later)
     * @throws IOException when the file exists already or cannot be written
     */
    public static Segment create(Path directory, long base, int capacity, boolean preallocate) throws IOException {
        return adopt(writeFile(directory, base, capacity, preallocate, ".creating"), base);
    }

    /**
     * Writes the file of a future segment under a temporary name ({@code <name><suffix>}), ready
     * for {@link #adopt}: the slow part of creating a segment, done without holding any lock.
     *
     * @return the temporary file
     */
    public static Path writeFile(Path directory, long base, int capacity, boolean preallocate, String suffix) throws IOException {
        Path temp = directory.resolve(fileName(base) + suffix);
        Files.deleteIfExists(temp);
        try (FileChannel creating = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (preallocate) {
                ByteBuffer zeros = ByteBuffer.allocateDirect(Math.min(ZERO_CHUNK, capacity));
                long written = 0;
                while (written < capacity) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), capacity - written));
                    written += creating.write(zeros, written);
                }
            } else {
                creating.truncate(0);
                creating.write(ByteBuffer.allocate(1), capacity - 1L);
            }
            creating.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot create segment " + directory.resolve(fileName(base)) + " (" + capacity + " bytes): "
                    + e.getMessage(), e);
        }
        return temp;
    }

    /** Gives a file written by {@link #writeFile} its segment name (durably) and maps it. */
    public static Segment adopt(Path temp, long base) throws IOException {
        Path file = temp.resolveSibling(fileName(base));
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Directories.fsync(file.getParent());
        return map(file, base, 0);
    }

    /**
     * Maps an existing segment file.
     *
     * @param tail the offset after its last valid frame (as recovery found it)
     */
    public static Segment open(Path file, long base, long tail) throws IOException {
        return map(file, base, tail);
    }

    private static Segment map(Path file, long base, long tail) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            if (size > Integer.MAX_VALUE || size < FrameDescriptor.HEADER_LENGTH) {
                throw new IOException("segment " + file + " has an impossible size of " + size + " bytes");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new Segment(file, base, (int) size, channel, mapped, tail);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return the segment's file */
    public Path file() {
        return file;
    }

    /** @return the log position of its first byte */
    public long base() {
        return base;
    }

    /** @return its size in bytes */
    public int capacity() {
        return capacity;
    }

    /** @return the log position just past its last byte */
    public long end() {
        return base + capacity;
    }

    /** @return the writable mapped buffer (little-endian); writers use absolute methods only */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** @return a read-only view of the mapped buffer for readers (little-endian; absolute methods only) */
    public ByteBuffer readOnlyBuffer() {
        return readOnly;
    }

    /**
     * Claims {@code length} bytes (a multiple of the alignment) at the tail.
     *
     * @return the claimed offset; the claim fits only if {@code offset + length <= capacity()}
     */
    public long claim(int length) {
        return (long) TAIL.getAndAdd(this, (long) length);
    }

    /** @return the tail: the offset the next claim gets (may exceed the capacity) */
    public long tail() {
        return (long) TAIL.getVolatile(this);
    }

    /** @return the frame length at {@code offset}, 0 when nothing is published there yet */
    public int frameLengthAcquire(int offset) {
        return (int) INT.getAcquire(buffer, offset);
    }

    /** Publishes a frame: its length, stored with release semantics after everything else. */
    public void publishLength(int offset, int length) {
        INT.setRelease(buffer, offset, length);
    }

    /**
     * Writes the padding frame that closes this segment from {@code offset} to its end.
     * Called by the one producer whose claim crossed the capacity.
     */
    public void writePadding(int offset) {
        int length = capacity - offset;
        buffer.put(offset + FrameDescriptor.MAGIC_OFFSET, FrameDescriptor.MAGIC);
        buffer.put(offset + FrameDescriptor.VERSION_OFFSET, FrameDescriptor.VERSION);
        buffer.putShort(offset + FrameDescriptor.FLAGS_OFFSET, FrameDescriptor.FLAG_PADDING);
        buffer.putInt(offset + FrameDescriptor.COUNT_OFFSET, 0);
        buffer.putInt(offset + FrameDescriptor.CRC_OFFSET, Frames.crc(buffer, offset, FrameDescriptor.HEADER_LENGTH));
        publishLength(offset, length);
    }

    /** Forces the bytes in {@code [from, to)} to the storage device (fsync of that range). */
    public void force(int from, int to) {
        if (to > from) {
            buffer.force(from, to - from);
        }
    }

    /** Zeroes {@code [from, capacity)} and forces it: recovery's cut of a torn tail. */
    public void zeroFrom(int from) {
        byte[] zeros = new byte[4096];
        for (int offset = from; offset < capacity; offset += zeros.length) {
            buffer.put(offset, zeros, 0, Math.min(zeros.length, capacity - offset));
        }
        force(from, capacity);
    }

    /** @return the newest record timestamp seen in this segment, or Long.MIN_VALUE when none */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** Raises the newest timestamp (single writer: recovery, then the flusher). */
    public void updateMaxTimestamp(long timestamp) {
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
        }
    }

    /** @return the sealed segment's index, or null while it is active (or its index could not be written) */
    public SegmentIndex index() {
        return index;
    }

    /** Sets the index once the segment is sealed (the flusher or recovery). */
    public void index(SegmentIndex value) {
        this.index = value;
    }

    /** Closes the file channel (the mapping stays valid until collected). */
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return file.getFileName() + "[" + base + ", " + end() + ")";
    }
}
