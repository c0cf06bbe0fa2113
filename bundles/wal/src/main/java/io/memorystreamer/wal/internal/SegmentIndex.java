package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The index of a sealed segment, {@code <base>.index} beside {@code <base>.log}, memory-mapped
 * read-only: a sparse index by position and timestamp, and a stream index that finds a given
 * stream's records by stream offset without reading any other stream's records.
 *
 * <pre>
 * Header (48 bytes, little-endian)
 *   0  magic 0x5849534D ("MSIX")      int32
 *   4  version (1)                    int32
 *   8  segment base position          int64
 *  16  valid end of the segment       int32   (offset after its last frame)
 *  20  sparse entry count             int32
 *  24  stream entry count             int32
 *  28  CRC32C of the segment's bytes 0 .. valid end (when flags bit 0 is set)   int32
 *  32  newest record timestamp        int64
 *  40  CRC32C of bytes 0..39 and of everything after the header   int32
 *  44  flags: bit 0 = the segment CRC at 28 is present          int32
 * Sparse entries (16 bytes each), one per indexIntervalBytes of log, in position order:
 *   0  frame offset in the segment    int32
 *   4  reserved (0)                   int32
 *   8  newest timestamp up to here    int64   (a running maximum, so it never decreases)
 * Stream entries (24 bytes each), one per record, sorted by stream id, then position:
 *   0  stream id                      int64
 *   8  stream offset                  int64
 *  16  frame offset in the segment    int32
 *  20  index of the record in its frame   int32
 * </pre>
 *
 * <p>The segment CRC lets recovery check a sealed segment with one pass of the (vectorised)
 * checksum instead of validating it frame by frame; when it does not match, recovery falls back
 * to the frame-by-frame scan that finds where the damage is.
 *
 * <p>Immutable once written; thread-safe (absolute reads of a read-only mapping). A file that
 * fails any check (magic, version, base, valid end, size, CRC) is not used: the index is rebuilt
 * from the segment.
 */
public final class SegmentIndex {
    /** "MSIX". */
    public static final int MAGIC = 0x5849534D;
    /** Format version. */
    public static final int VERSION = 1;
    static final int HEADER_LENGTH = 48;
    static final int SPARSE_ENTRY_LENGTH = 16;
    static final int STREAM_ENTRY_LENGTH = 24;
    private static final int CRC_OFFSET = 40;
    private static final int FLAG_SEGMENT_CRC = 1;

    private final ByteBuffer buffer;
    private final int sparseCount;
    private final int streamCount;
    private final int streamStart;
    private final long maxTimestamp;

    private SegmentIndex(ByteBuffer buffer) {
        this.buffer = buffer;
        this.sparseCount = buffer.getInt(20);
        this.streamCount = buffer.getInt(24);
        this.maxTimestamp = buffer.getLong(32);
        this.streamStart = HEADER_LENGTH + sparseCount * SPARSE_ENTRY_LENGTH;
    }

    /** @return the index file name of the segment starting at {@code base} */
    public static String fileName(long base) {
        return String.format("%020d.index", base);
    }

    /** @return the index file beside a segment file */
    public static Path fileFor(Segment segment) {
        return segment.file().resolveSibling(fileName(segment.base()));
    }

    /**
     * Loads the index of {@code segment} if its file exists and is valid for a segment whose
     * frames end at {@code validEnd}.
     *
     * @return the index, or null when it is missing or damaged (the caller rebuilds it)
     */
    public static SegmentIndex load(Segment segment, int validEnd) {
        Path file = fileFor(segment);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_LENGTH || size > Integer.MAX_VALUE) {
                return null;
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            ByteBuffer buffer = mapped.order(ByteOrder.LITTLE_ENDIAN);
            if (buffer.getInt(0) != MAGIC || buffer.getInt(4) != VERSION || buffer.getLong(8) != segment.base()
                    || buffer.getInt(16) != validEnd) {
                return null;
            }
            long expectedSize = (long) HEADER_LENGTH + (long) buffer.getInt(20) * SPARSE_ENTRY_LENGTH
                    + (long) buffer.getInt(24) * STREAM_ENTRY_LENGTH;
            if (buffer.getInt(20) < 0 || buffer.getInt(24) < 0 || expectedSize != size || checksum(buffer) != buffer.getInt(CRC_OFFSET)) {
                return null;
            }
            return new SegmentIndex(buffer);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Writes an index file atomically (temporary file, fsync, rename) and maps it.
     *
     * @param content header fields and entries, already laid out after a zeroed header
     */
    static SegmentIndex write(Segment segment, int validEnd, long maxTimestamp, int sparseCount, int streamCount, ByteBuffer content,
            int segmentCrc) throws IOException {
        content.putInt(0, MAGIC);
        content.putInt(4, VERSION);
        content.putLong(8, segment.base());
        content.putInt(16, validEnd);
        content.putInt(20, sparseCount);
        content.putInt(24, streamCount);
        content.putInt(28, segmentCrc);
        content.putLong(32, maxTimestamp);
        content.putInt(44, FLAG_SEGMENT_CRC);
        content.putInt(CRC_OFFSET, checksum(content));
        Path file = fileFor(segment);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer source = content.duplicate();
            source.position(0);
            while (source.hasRemaining()) {
                channel.write(source);
            }
            channel.force(true);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Directories.fsync(file.getParent());
        SegmentIndex index = load(segment, validEnd);
        if (index == null) {
            throw new IOException("index " + file + " failed its own check right after being written");
        }
        return index;
    }

    private static int checksum(ByteBuffer buffer) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(CRC_OFFSET).position(0);
        crc.update(view);
        view.limit(buffer.capacity()).position(HEADER_LENGTH);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * @return whether the segment's bytes up to its valid end still have the checksum recorded
     *     when it was sealed (false when none was recorded, or they changed)
     */
    public boolean segmentChecksumMatches(Segment segment, int validEnd) {
        return (buffer.getInt(44) & FLAG_SEGMENT_CRC) != 0 && buffer.getInt(28) == checksumOf(segment, validEnd);
    }

    /** @return the CRC32C of a segment's bytes {@code [0, validEnd)} */
    static int checksumOf(Segment segment, int validEnd) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = segment.readOnlyBuffer().duplicate();
        view.limit(validEnd).position(0);
        crc.update(view);
        return (int) crc.getValue();
    }

    /** @return the newest record timestamp in the segment */
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** @return the number of records indexed */
    public int streamEntryCount() {
        return streamCount;
    }

    /** @return the offset of the last sparse-indexed frame at or before {@code offset} (0 when none) */
    public int floorFrameOffset(int offset) {
        int low = 0;
        int high = sparseCount - 1;
        int found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int value = buffer.getInt(HEADER_LENGTH + mid * SPARSE_ENTRY_LENGTH);
            if (value <= offset) {
                found = value;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /**
     * @return a frame offset from which a forward scan finds the first record with a timestamp
     *     of at least {@code timestamp} (the sparse entry before the first whose running maximum
     *     reaches it), or -1 when no record in the segment is that new
     */
    public int timestampScanStart(long timestamp) {
        if (maxTimestamp < timestamp) {
            return -1;
        }
        int low = 0;
        int high = sparseCount - 1;
        int first = sparseCount;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (buffer.getLong(HEADER_LENGTH + mid * SPARSE_ENTRY_LENGTH + 8) >= timestamp) {
                first = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        int start = Math.max(0, first - 1);
        return sparseCount == 0 ? 0 : buffer.getInt(HEADER_LENGTH + start * SPARSE_ENTRY_LENGTH);
    }

    /**
     * @return the first stream entry of {@code streamId} with an offset of at least
     *     {@code fromOffset}, or -1 when the segment holds none
     */
    public int findStream(long streamId, long fromOffset) {
        int low = 0;
        int high = streamCount - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long id = streamIdAt(mid);
            long offset = streamOffsetAt(mid);
            if (id > streamId || (id == streamId && offset >= fromOffset)) {
                found = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return found >= 0 && streamIdAt(found) == streamId ? found : -1;
    }

    /** @return the stream id of stream entry {@code i} */
    public long streamIdAt(int i) {
        return buffer.getLong(streamStart + i * STREAM_ENTRY_LENGTH);
    }

    /** @return the stream offset of stream entry {@code i} */
    public long streamOffsetAt(int i) {
        return buffer.getLong(streamStart + i * STREAM_ENTRY_LENGTH + 8);
    }

    /** @return the frame offset of stream entry {@code i} */
    public int frameOffsetAt(int i) {
        return buffer.getInt(streamStart + i * STREAM_ENTRY_LENGTH + 16);
    }

    /** @return the record's index in its frame, for stream entry {@code i} */
    public int indexInFrameAt(int i) {
        return buffer.getInt(streamStart + i * STREAM_ENTRY_LENGTH + 20);
    }
}
