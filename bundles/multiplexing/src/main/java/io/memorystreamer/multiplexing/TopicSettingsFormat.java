package io.memorystreamer.multiplexing;

import io.memorystreamer.wal.Durability;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * The binary form of {@link TopicSettings}, in which topics are persisted across restarts: one
 * self-contained, CRC32C-checked record per topic, so records can sit one after another in a file
 * and each is read and checked alone. All integers are little-endian, as in the write-ahead log.
 *
 * <pre>
 * Topic settings record, version 1 (36 bytes + name + placement name)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |  'M' 0x4D     |  'S' 0x53     |  'T' 0x54     |  'S' 0x53     |  0  magic
 *  +---------------+---------------+---------------+---------------+
 *  | version (1)   | durability    |  record length (uint16),      |  4
 *  |               | 0 NONE 1 BATCH|  from byte 0 to the CRC's end |
 *  |               | 2 SYNC        |                               |
 *  +---------------+---------------+---------------+---------------+
 *  |  shard count (uint16)         | name length   | placement     |  8
 *  |                               | (uint8, n)    | length (p)    |
 *  +-------------------------------+---------------+---------------+
 *  |  max message size in bytes (int32)                            | 12
 *  +---------------------------------------------------------------+
 *  |  retention age in milliseconds (int64; 0 = keep)              | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  retention bytes per shard (int64; 0 = keep)                  | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  topic name, n bytes of ASCII                                 | 32
 *  +---------------------------------------------------------------+
 *  |  placement name, p bytes of ASCII                             | 32 + n
 *  +---------------------------------------------------------------+
 *  |  CRC32C of bytes 0 .. 32 + n + p (everything above)           | 32 + n + p
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Versioning: magic, version and record length keep their places in every future version, so
 * a reader can always tell what a record is, refuse a version it does not know by name, and skip
 * to the next record. A new version may add fields (before the CRC) or change the rest of the
 * layout; version 1 readers refuse it rather than misread it. Durability is stored as the code
 * drawn above, never as an enum ordinal, so reordering {@link Durability} cannot change meaning.
 *
 * <p>Reading trusts nothing: length, magic, version, record length, CRC, then every value is
 * checked again by {@link TopicSettings.Builder#build()}; any failure is a
 * {@link CorruptTopicSettingsException} saying what and where, and the buffer is left as it was.
 * Equal settings always encode to equal bytes.
 *
 * <p>Threading: stateless; any thread. For the administrative path: it allocates.
 */
public final class TopicSettingsFormat {
    /** The magic, as a little-endian int32: the bytes 'M' 'S' 'T' 'S'. */
    public static final int MAGIC = 0x5354534D;
    /** The format version written by this class, and the only one it reads. */
    public static final int VERSION = 1;
    /** Bytes before the names. */
    public static final int HEADER_LENGTH = 32;
    /** Bytes of the CRC32C at the end. */
    public static final int CRC_LENGTH = 4;
    /** The shortest record: one-character names. */
    public static final int MIN_RECORD_LENGTH = HEADER_LENGTH + 1 + 1 + CRC_LENGTH;
    /** The longest record: longest names. */
    public static final int MAX_RECORD_LENGTH = HEADER_LENGTH + TopicNames.MAX_LENGTH + TopicSettings.MAX_PLACEMENT_NAME_LENGTH + CRC_LENGTH;

    /** Offset of the magic (int32). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version (uint8). */
    public static final int VERSION_OFFSET = 4;
    /** Offset of the durability code (uint8). */
    public static final int DURABILITY_OFFSET = 5;
    /** Offset of the record length (uint16). */
    public static final int RECORD_LENGTH_OFFSET = 6;
    /** Offset of the shard count (uint16). */
    public static final int SHARD_COUNT_OFFSET = 8;
    /** Offset of the topic name's length (uint8). */
    public static final int NAME_LENGTH_OFFSET = 10;
    /** Offset of the placement name's length (uint8). */
    public static final int PLACEMENT_LENGTH_OFFSET = 11;
    /** Offset of the max message size (int32). */
    public static final int MAX_MESSAGE_SIZE_OFFSET = 12;
    /** Offset of the retention age in milliseconds (int64). */
    public static final int RETENTION_AGE_OFFSET = 16;
    /** Offset of the retention bytes per shard (int64). */
    public static final int RETENTION_BYTES_OFFSET = 24;
    /** Offset of the topic name. */
    public static final int NAME_OFFSET = HEADER_LENGTH;

    private static final int DURABILITY_NONE = 0;
    private static final int DURABILITY_BATCH = 1;
    private static final int DURABILITY_SYNC = 2;

    private TopicSettingsFormat() {
    }

    /**
     * @param settings the settings
     * @return the length of their record in bytes
     */
    public static int recordLength(TopicSettings settings) {
        return HEADER_LENGTH + settings.name().length() + settings.placement().length() + CRC_LENGTH;
    }

    /**
     * @param settings the settings
     * @return their record, in a new array
     */
    public static byte[] encode(TopicSettings settings) {
        byte[] record = new byte[recordLength(settings)];
        encode(settings, ByteBuffer.wrap(record));
        return record;
    }

    /**
     * Writes the record at the buffer's position and moves the position past it.
     *
     * @param settings the settings
     * @param buffer   where to write; its byte order is neither used nor changed
     * @throws BufferOverflowException if fewer than {@link #recordLength(TopicSettings)}
     *                                          bytes remain (nothing is written then)
     */
    public static void encode(TopicSettings settings, ByteBuffer buffer) {
        int length = recordLength(settings);
        if (buffer.remaining() < length) {
            throw new BufferOverflowException();
        }
        ByteBuffer out = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = settings.name().getBytes(StandardCharsets.US_ASCII);
        byte[] placement = settings.placement().getBytes(StandardCharsets.US_ASCII);
        out.putInt(MAGIC_OFFSET, MAGIC)
                .put(VERSION_OFFSET, (byte) VERSION)
                .put(DURABILITY_OFFSET, (byte) durabilityCode(settings.durability()))
                .putShort(RECORD_LENGTH_OFFSET, (short) length)
                .putShort(SHARD_COUNT_OFFSET, (short) settings.shardCount())
                .put(NAME_LENGTH_OFFSET, (byte) name.length)
                .put(PLACEMENT_LENGTH_OFFSET, (byte) placement.length)
                .putInt(MAX_MESSAGE_SIZE_OFFSET, settings.maxMessageSize())
                .putLong(RETENTION_AGE_OFFSET, settings.retentionAge() == null ? 0 : settings.retentionAge().toMillis())
                .putLong(RETENTION_BYTES_OFFSET, settings.retentionBytesPerShard())
                .put(NAME_OFFSET, name)
                .put(NAME_OFFSET + name.length, placement);
        int crcAt = length - CRC_LENGTH;
        out.putInt(crcAt, crc(out, crcAt));
        buffer.position(buffer.position() + length);
    }

    /**
     * @param record the bytes of one record, exactly
     * @return the settings it holds
     * @throws CorruptTopicSettingsException saying what is wrong with the bytes, including bytes
     *                                       left over after the record
     */
    public static TopicSettings decode(byte[] record) {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        TopicSettings settings = decode(buffer);
        if (buffer.hasRemaining()) {
            throw new CorruptTopicSettingsException("topic settings record of " + settings.name() + " is " + buffer.position()
                    + " bytes long, but " + record.length + " bytes were given: " + buffer.remaining() + " bytes left over");
        }
        return settings;
    }

    /**
     * Reads the record at the buffer's position and, if it is sound, moves the position past it.
     *
     * @param buffer the bytes; its byte order is neither used nor changed
     * @return the settings
     * @throws CorruptTopicSettingsException saying what is wrong; the position is not moved then
     */
    public static TopicSettings decode(ByteBuffer buffer) {
        ByteBuffer in = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
        int available = in.remaining();
        if (available < RECORD_LENGTH_OFFSET + 2) {
            throw corrupt("truncated: " + available + " bytes, but a record's header alone is " + HEADER_LENGTH + " bytes");
        }
        int magic = in.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw corrupt(String.format("not a topic settings record: magic 0x%08X, expected 0x%08X ('MSTS')", magic, MAGIC));
        }
        int version = Byte.toUnsignedInt(in.get(VERSION_OFFSET));
        if (version != VERSION) {
            throw corrupt("format version " + version + " is not one this broker reads (it reads version " + VERSION
                    + "); was the topic written by a newer broker?");
        }
        int length = Short.toUnsignedInt(in.getShort(RECORD_LENGTH_OFFSET));
        if (length < MIN_RECORD_LENGTH || length > MAX_RECORD_LENGTH) {
            throw corrupt("record length " + length + " is outside " + MIN_RECORD_LENGTH + " .. " + MAX_RECORD_LENGTH);
        }
        if (available < length) {
            throw corrupt("truncated: the record is " + length + " bytes long, but only " + available + " bytes are there");
        }
        int crcAt = length - CRC_LENGTH;
        int stored = in.getInt(crcAt);
        int computed = crc(in, crcAt);
        if (stored != computed) {
            throw corrupt(String.format("CRC32C mismatch: stored 0x%08X, computed 0x%08X over %d bytes; the record is damaged",
                    stored, computed, crcAt));
        }
        int nameLength = Byte.toUnsignedInt(in.get(NAME_LENGTH_OFFSET));
        int placementLength = Byte.toUnsignedInt(in.get(PLACEMENT_LENGTH_OFFSET));
        if (HEADER_LENGTH + nameLength + placementLength + CRC_LENGTH != length) {
            throw corrupt("name length " + nameLength + " and placement length " + placementLength
                    + " do not add up to the record length " + length);
        }
        String name = ascii(in, NAME_OFFSET, nameLength);
        String placement = ascii(in, NAME_OFFSET + nameLength, placementLength);
        long retentionMillis = in.getLong(RETENTION_AGE_OFFSET);
        if (retentionMillis < 0) {
            throw corrupt("retention age " + retentionMillis + " ms is negative");
        }
        Durability durability = durability(Byte.toUnsignedInt(in.get(DURABILITY_OFFSET)));
        TopicSettings settings;
        try {
            settings = TopicSettings.builder(name)
                    .shardCount(Short.toUnsignedInt(in.getShort(SHARD_COUNT_OFFSET)))
                    .placement(placement)
                    .durability(durability)
                    .retentionAge(retentionMillis == 0 ? null : Duration.ofMillis(retentionMillis))
                    .retentionBytesPerShard(in.getLong(RETENTION_BYTES_OFFSET))
                    .maxMessageSize(in.getInt(MAX_MESSAGE_SIZE_OFFSET))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CorruptTopicSettingsException("topic settings record holds a value no topic may have: " + e.getMessage(), e);
        }
        buffer.position(buffer.position() + length);
        return settings;
    }

    private static int durabilityCode(Durability durability) {
        switch (durability) {
            case NONE:
                return DURABILITY_NONE;
            case BATCH:
                return DURABILITY_BATCH;
            case SYNC:
                return DURABILITY_SYNC;
            default:
                throw new IllegalArgumentException("durability " + durability + " has no code in topic settings format " + VERSION);
        }
    }

    private static Durability durability(int code) {
        switch (code) {
            case DURABILITY_NONE:
                return Durability.NONE;
            case DURABILITY_BATCH:
                return Durability.BATCH;
            case DURABILITY_SYNC:
                return Durability.SYNC;
            default:
                throw corrupt("durability code " + code + " is unknown (0 none, 1 batch, 2 sync)");
        }
    }

    private static String ascii(ByteBuffer in, int offset, int length) {
        byte[] bytes = new byte[length];
        in.get(offset, bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0x20) { // negative (non-ASCII) too; the builder refuses other characters by name
                throw corrupt(String.format("byte 0x%02X at %d is not printable ASCII in a name", bytes[i], offset + i));
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int crc(ByteBuffer in, int length) {
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().position(0).limit(length));
        return (int) crc.getValue();
    }

    private static CorruptTopicSettingsException corrupt(String message) {
        return new CorruptTopicSettingsException("corrupt topic settings record: " + message);
    }
}
