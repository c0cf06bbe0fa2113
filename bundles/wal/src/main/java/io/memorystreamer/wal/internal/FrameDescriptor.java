package io.memorystreamer.wal.internal;

/**
 * The layout of a frame in a log segment: the unit of append, of checksum and of publication.
 * A frame holds one record, or a batch of records appended together under one header and one
 * CRC. Drawn here and in {@code docs/formats.md}; all integers are little-endian (the native
 * order of the machines we run on, so the mapped buffer is read without swapping).
 *
 * <pre>
 * Frame (starts at a multiple of {@value #ALIGNMENT} bytes in its segment)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  frame length: header + entries, without alignment padding.    |  0
 *  |  0 until published; written last, with a store-release        |
 *  +---------------------------------------------------------------+
 *  |  CRC32C of bytes 8 .. frame length                             |  4
 *  +---------------+---------------+-------------------------------+
 *  | magic 0x4D 'M'| version (1)   |  flags                        |  8
 *  +---------------+---------------+-------------------------------+
 *  |  record count (1 .. n; 0 for padding)                          | 12
 *  +---------------------------------------------------------------+
 *  |  entries, one per record, back to back ...                     | 16
 *  +---------------------------------------------------------------+
 *  |  zero padding up to the next multiple of 16                    |
 *  +---------------------------------------------------------------+
 *
 * Entry
 *  +---------------------------------------------------------------+
 *  |  stream id (int64)                                             |  0
 *  |  stream offset (int64)                                         |  8
 *  |  timestamp, milliseconds since the epoch (int64)               | 16
 *  |  key length (int32)                                            | 24
 *  |  headers length (int32)                                        | 28
 *  |  payload length (int32)                                        | 32
 *  |  key bytes | headers bytes | payload bytes                     | 36
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Flags: {@link #FLAG_PADDING} marks the frame that closes a segment (its length reaches the
 * segment's end; it has no entries). {@link #FLAG_LZ4} marks a batch whose entries are one LZ4
 * block: at offset 16 an int32 with their uncompressed length, from offset 20 the block (the
 * CRC covers the compressed bytes). Other bits are reserved and must be 0 (a reader refuses a
 * frame with unknown flags rather than misread it).
 *
 * <p>Publication: a writer claims the frame's space, writes everything but the length, computes
 * the CRC, then stores the length with release semantics. A reader loads the length with acquire
 * semantics: 0 means "not yet written" (segments are zero-filled when preallocated), so it never
 * sees half a frame. Recovery trusts nothing: it checks magic, version, flags, bounds and CRC.
 *
 * <p>Constants only; no state.
 */
public final class FrameDescriptor {
    /** Frames start at multiples of this many bytes, so a segment's free space is never smaller than a header. */
    public static final int ALIGNMENT = 16;
    /** Size of the frame header. */
    public static final int HEADER_LENGTH = 16;
    /** Size of an entry's fixed part. */
    public static final int ENTRY_HEADER_LENGTH = 36;

    /** Offset of the frame length (int32). */
    public static final int LENGTH_OFFSET = 0;
    /** Offset of the CRC32C (int32). */
    public static final int CRC_OFFSET = 4;
    /** Offset of the magic byte. */
    public static final int MAGIC_OFFSET = 8;
    /** Offset of the format version byte. */
    public static final int VERSION_OFFSET = 9;
    /** Offset of the flags (int16). */
    public static final int FLAGS_OFFSET = 10;
    /** Offset of the record count (int32). */
    public static final int COUNT_OFFSET = 12;
    /** The CRC covers the frame from here to its length. */
    public static final int CRC_START = MAGIC_OFFSET;

    /** Entry: stream id (int64). */
    public static final int ENTRY_STREAM_ID_OFFSET = 0;
    /** Entry: stream offset (int64). */
    public static final int ENTRY_STREAM_OFFSET_OFFSET = 8;
    /** Entry: timestamp (int64). */
    public static final int ENTRY_TIMESTAMP_OFFSET = 16;
    /** Entry: key length (int32). */
    public static final int ENTRY_KEY_LENGTH_OFFSET = 24;
    /** Entry: headers length (int32). */
    public static final int ENTRY_HEADERS_LENGTH_OFFSET = 28;
    /** Entry: payload length (int32). */
    public static final int ENTRY_PAYLOAD_LENGTH_OFFSET = 32;

    /** 'M'. */
    public static final byte MAGIC = 0x4D;
    /** The frame format version this code writes and reads. */
    public static final byte VERSION = 1;
    /** The frame pads the rest of its segment. */
    public static final short FLAG_PADDING = 0x1;
    /** The entries are one LZ4 block: an int32 of their uncompressed length, then the block. */
    public static final short FLAG_LZ4 = 0x2;
    /** Every flag this version knows. */
    public static final short KNOWN_FLAGS = FLAG_PADDING | FLAG_LZ4;
    /** Compressed frames: offset of the entries' uncompressed length (int32). */
    public static final int COMPRESSED_LENGTH_OFFSET = 16;
    /** Compressed frames: offset of the LZ4 block. */
    public static final int COMPRESSED_DATA_OFFSET = 20;
    /** No batch expands beyond this (1 GiB): a larger claim in a compressed frame is damage. */
    public static final int MAX_UNCOMPRESSED_ENTRIES = 1 << 30;

    private FrameDescriptor() {
    }

    /** @return {@code length} rounded up to the frame alignment */
    public static int align(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** @return the size of one entry with these variable parts */
    public static int entryLength(int keyLength, int headersLength, int payloadLength) {
        return ENTRY_HEADER_LENGTH + keyLength + headersLength + payloadLength;
    }
}
