package io.memorystreamer.wal;

import static io.memorystreamer.wal.internal.FrameDescriptor.COUNT_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.CRC_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.ENTRY_HEADER_LENGTH;
import static io.memorystreamer.wal.internal.FrameDescriptor.FLAGS_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.HEADER_LENGTH;
import static io.memorystreamer.wal.internal.FrameDescriptor.MAGIC;
import static io.memorystreamer.wal.internal.FrameDescriptor.MAGIC_OFFSET;
import static io.memorystreamer.wal.internal.FrameDescriptor.VERSION;
import static io.memorystreamer.wal.internal.FrameDescriptor.VERSION_OFFSET;

import io.memorystreamer.wal.internal.EntryWriter;
import io.memorystreamer.wal.internal.FrameDescriptor;
import io.memorystreamer.wal.internal.Frames;
import io.memorystreamer.wal.internal.Segment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * One producer's handle for appending to a {@link WriteAheadLog}. Many appenders append to the same
 * log at once without locks: each claims its frame's space with one atomic add on the segment's
 * tail, writes it, checksums it and publishes it with a release-store of its length.
 *
 * <p>Not thread-safe: one appender per producer thread ({@link WriteAheadLog#appender()}). It
 * owns the checksum state, buffer views and compression buffer it needs, so an append allocates
 * nothing after warm-up.
 *
 * <p>Results: a position (0 or more) where the frame starts; {@link WriteAheadLog#BACK_PRESSURED}
 * when too many bytes wait to become durable (nothing was written; try again later). Errors are
 * exceptions: {@link RecordTooLargeException} for a frame over the limit, {@link LogClosedException}
 * once the log is closed or failed, {@link java.io.UncheckedIOException} when a new segment cannot
 * be created (disk full): in every case nothing partial is visible.
 */
public final class LogAppender {
    private final WriteAheadLog log;
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestJavaInstance().fastCompressor();

    private final CRC32C crc = new CRC32C();
    private ByteBuffer compressedEntries;
    /** The segment of the last successful {@link #claim}. */
    private Segment claimed;
    private Segment viewSegment;
    private ByteBuffer view;

    LogAppender(WriteAheadLog log) {
        this.log = log;
    }

    /**
     * Appends one record. The buffers' remaining bytes are copied; their positions do not move.
     *
     * @param key may be null (empty)
     * @param headers may be null (empty)
     * @param payload may be null (empty)
     * @return the record's position, or {@link WriteAheadLog#BACK_PRESSURED}
     */
    public long append(long streamId, long streamOffset, long timestamp, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
        int keyLength = key == null ? 0 : key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        log.checkFrameLength((long) HEADER_LENGTH + ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength);
        int frameLength = HEADER_LENGTH + ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
        int at = claim(FrameDescriptor.align(frameLength));
        if (at < 0) {
            return WriteAheadLog.BACK_PRESSURED;
        }
        Segment segment = claimed;
        writeHeader(segment.buffer(), at, 1);
        EntryWriter.write(segment.buffer(), at + HEADER_LENGTH, streamId, streamOffset, timestamp, key, headers, payload);
        publish(segment, at, frameLength);
        return segment.base() + at;
    }

    /**
     * Appends every record of a batch as one frame (one claim, one CRC).
     *
     * @return the frame's position, or {@link WriteAheadLog#BACK_PRESSURED}
     * @throws IllegalArgumentException when the batch is empty
     */
    public long append(RecordBatch batch) {
        if (batch.count() == 0) {
            throw new IllegalArgumentException("cannot append an empty batch to log " + log.name());
        }
        log.checkFrameLength(batch.frameLength());
        int compressed = compress(batch);
        int frameLength = compressed < 0 ? batch.frameLength() : FrameDescriptor.COMPRESSED_DATA_OFFSET + compressed;
        int at = claim(FrameDescriptor.align(frameLength));
        if (at < 0) {
            return WriteAheadLog.BACK_PRESSURED;
        }
        Segment segment = claimed;
        ByteBuffer buffer = segment.buffer();
        writeHeader(buffer, at, batch.count());
        if (compressed < 0) {
            buffer.put(at + HEADER_LENGTH, batch.entries(), 0, batch.entriesLength());
        } else {
            buffer.putShort(at + FLAGS_OFFSET, FrameDescriptor.FLAG_LZ4);
            buffer.putInt(at + FrameDescriptor.COMPRESSED_LENGTH_OFFSET, batch.entriesLength());
            buffer.put(at + FrameDescriptor.COMPRESSED_DATA_OFFSET, compressedEntries, 0, compressed);
        }
        publish(segment, at, frameLength);
        return segment.base() + at;
    }

    /**
     * Claims {@code aligned} bytes in the active segment, rotating to the next one when the claim
     * does not fit, and leaves the segment in {@link #claimed}.
     *
     * @return the claimed offset, or -1 when the log is back-pressured (nothing claimed)
     */
    private int claim(int aligned) {
        while (true) {
            Segment segment = log.activeSegment();
            if (log.isBackPressured(segment)) {
                return -1;
            }
            long offset = segment.claim(aligned);
            if (offset + aligned <= segment.capacity()) {
                claimed = segment;
                return (int) offset;
            }
            log.rotate(segment, offset);
        }
    }

    /** Convenience: appends one record from byte arrays (null means empty). */
    public long append(long streamId, long streamOffset, long timestamp, byte[] key, byte[] headers, byte[] payload) {
        return append(streamId, streamOffset, timestamp, key == null ? null : ByteBuffer.wrap(key),
                headers == null ? null : ByteBuffer.wrap(headers), payload == null ? null : ByteBuffer.wrap(payload));
    }

    /**
     * Compresses the batch's entries into this appender's buffer when the log compresses and the
     * batch is large enough.
     *
     * @return the compressed size, or -1 to store the entries as they are (not worth it)
     */
    private int compress(RecordBatch batch) {
        if (log.config().compression() != Compression.LZ4 || batch.entriesLength() < log.config().compressionThreshold()) {
            return -1;
        }
        int bound = COMPRESSOR.maxCompressedLength(batch.entriesLength());
        if (compressedEntries == null || compressedEntries.capacity() < bound) {
            compressedEntries = ByteBuffer.allocate(Math.max(bound, 64 * 1024)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        }
        int size = COMPRESSOR.compress(batch.entries(), 0, batch.entriesLength(), compressedEntries, 0, compressedEntries.capacity());
        return size + Integer.BYTES < batch.entriesLength() ? size : -1;
    }

    private static void writeHeader(ByteBuffer buffer, int at, int count) {
        buffer.put(at + MAGIC_OFFSET, MAGIC);
        buffer.put(at + VERSION_OFFSET, VERSION);
        buffer.putShort(at + FLAGS_OFFSET, (short) 0);
        buffer.putInt(at + COUNT_OFFSET, count);
    }

    private void publish(Segment segment, int at, int frameLength) {
        if (viewSegment != segment) {
            viewSegment = segment;
            view = segment.buffer().duplicate();
        }
        segment.buffer().putInt(at + CRC_OFFSET, Frames.crc(crc, view, at, frameLength));
        segment.publishLength(at, frameLength);
    }
}
