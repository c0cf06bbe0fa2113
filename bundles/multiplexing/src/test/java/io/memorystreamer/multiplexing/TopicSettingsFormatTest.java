package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.Durability;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The persisted form of topic settings: round trips, a pinned layout, and every kind of damage reported by what it is. */
class TopicSettingsFormatTest {
    private static final TopicSettings SMALL = TopicSettings.builder("o").build();
    private static final TopicSettings FULL = TopicSettings.builder("sensors.eu-west_1").shardCount(1024).placement("kafka-murmur2")
            .durability(Durability.SYNC).retentionAge(Duration.ofDays(7)).retentionBytesPerShard(10L << 30).maxMessageSize(4096).build();
    private static final TopicSettings LONGEST = TopicSettings.builder("t".repeat(128)).placement("p".repeat(64))
            .durability(Durability.NONE).retentionAge(TopicSettings.MAX_RETENTION_AGE).retentionBytesPerShard(Long.MAX_VALUE).build();

    @Test
    void settingsRoundTrip() {
        for (TopicSettings settings : List.of(SMALL, FULL, LONGEST)) {
            byte[] record = TopicSettingsFormat.encode(settings);
            assertEquals(TopicSettingsFormat.recordLength(settings), record.length);
            assertEquals(settings, TopicSettingsFormat.decode(record));
            assertArrayEquals(record, TopicSettingsFormat.encode(TopicSettingsFormat.decode(record)), "equal settings, equal bytes");
        }
        assertEquals(TopicSettingsFormat.MIN_RECORD_LENGTH, TopicSettingsFormat.encode(TopicSettings.builder("o").placement("p").build()).length);
        assertEquals(TopicSettingsFormat.MAX_RECORD_LENGTH, TopicSettingsFormat.encode(LONGEST).length);
    }

    /** Pinned: bytes written by this version must stay readable. If this changes, bump the version. */
    @Test
    void theLayoutIsPinned() {
        TopicSettings settings = TopicSettings.builder("ab").shardCount(258).placement("j").durability(Durability.SYNC)
                .retentionAge(Duration.ofMillis(0x0102)).retentionBytesPerShard(0x0304).maxMessageSize(0x10000).build();
        String hex = HexFormat.of().formatHex(TopicSettingsFormat.encode(settings));
        assertEquals("4d535453" // magic 'MSTS'
                + "01" + "02" + "2700" // version 1, durability SYNC, record length 39
                + "0201" + "02" + "01" // 258 shards, name length 2, placement length 1
                + "00000100" // max message size 65536
                + "0201000000000000" // retention age 258 ms
                + "0403000000000000" // retention bytes 772
                + "6162" + "6a", // "ab", "j"
                hex.substring(0, hex.length() - 8));
        CRC32C crc = new CRC32C();
        byte[] record = TopicSettingsFormat.encode(settings);
        crc.update(record, 0, record.length - 4);
        assertEquals((int) crc.getValue(), ByteBuffer.wrap(record, record.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void recordsFollowOneAnotherInABufferOfAnyByteOrder() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1024).order(ByteOrder.BIG_ENDIAN);
        buffer.position(3);
        TopicSettingsFormat.encode(FULL, buffer);
        TopicSettingsFormat.encode(SMALL, buffer);
        TopicSettingsFormat.encode(LONGEST, buffer);
        assertEquals(ByteOrder.BIG_ENDIAN, buffer.order(), "the buffer's order is not changed");
        buffer.flip().position(3);
        assertEquals(FULL, TopicSettingsFormat.decode(buffer));
        assertEquals(SMALL, TopicSettingsFormat.decode(buffer));
        assertEquals(LONGEST, TopicSettingsFormat.decode(buffer));
        assertEquals(0, buffer.remaining());
    }

    @Test
    void aBufferTooSmallIsNotWrittenTo() {
        ByteBuffer small = ByteBuffer.allocate(TopicSettingsFormat.recordLength(FULL) - 1);
        assertThrows(BufferOverflowException.class, () -> TopicSettingsFormat.encode(FULL, small));
        assertEquals(0, small.position());
        assertEquals(0, small.get(0));
    }

    /** Any one bit flipped anywhere in the record is caught, and the buffer's position stays put. */
    @Test
    void everyFlippedBitIsDetected() {
        byte[] record = TopicSettingsFormat.encode(FULL);
        for (int i = 0; i < record.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] damaged = record.clone();
                damaged[i] ^= (byte) (1 << bit);
                ByteBuffer buffer = ByteBuffer.wrap(damaged);
                assertThrows(CorruptTopicSettingsException.class, () -> TopicSettingsFormat.decode(buffer), "byte " + i + " bit " + bit);
                assertEquals(0, buffer.position(), "a refused record does not move the position");
            }
        }
    }

    @Test
    void eachKindOfDamageIsNamed() {
        byte[] record = TopicSettingsFormat.encode(FULL);

        byte[] magic = record.clone();
        magic[0] = 'X';
        assertCorrupt(magic, "not a topic settings record: magic 0x53545358");

        byte[] version = record.clone();
        version[TopicSettingsFormat.VERSION_OFFSET] = 2;
        assertCorrupt(version, "format version 2 is not one this broker reads (it reads version 1)");

        byte[] crc = record.clone();
        crc[TopicSettingsFormat.NAME_OFFSET] = 'S';
        assertCorrupt(crc, "CRC32C mismatch");

        byte[] length = record.clone();
        length[TopicSettingsFormat.RECORD_LENGTH_OFFSET] = 10;
        assertCorrupt(length, "record length 10 is outside 38 .. 228");

        for (int cut = 0; cut < record.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(record, cut);
            assertCorrupt(truncated, "truncated");
        }
        byte[] longer = java.util.Arrays.copyOf(record, record.length + 2);
        assertCorrupt(longer, "2 bytes left over");
    }

    /** A record with a sound CRC but a value no topic may have (written by a bug, or by hand) is refused by that value's name. */
    @Test
    void aSoundRecordWithAnImpossibleValueIsRefusedByTheSettingsName() {
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.SHARD_COUNT_OFFSET + 1, 0), // 1024 is 0x0400: clear its high byte
                "holds a value no topic may have: invalid topic setting of topic sensors.eu-west_1: shardCount must be from 1 to 1024, not 0");
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.DURABILITY_OFFSET, 7),
                "durability code 7 is unknown (0 none, 1 batch, 2 sync)");
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.NAME_OFFSET, '/'),
                "invalid topic name \"/ensors.eu-west_1\"");
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.NAME_OFFSET, 0x80),
                "byte 0x80 at 32 is not printable ASCII");
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.RETENTION_AGE_OFFSET + 7, 0x80),
                "retention age -");
        assertCorrupt(withCrc(TopicSettingsFormat.encode(FULL), TopicSettingsFormat.NAME_LENGTH_OFFSET, 3),
                "name length 3 and placement length 13 do not add up to the record length 66");
    }

    private static byte[] withCrc(byte[] record, int offset, int value) {
        record[offset] = (byte) value;
        CRC32C crc = new CRC32C();
        crc.update(record, 0, record.length - 4);
        ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).putInt(record.length - 4, (int) crc.getValue());
        return record;
    }

    private static void assertCorrupt(byte[] bytes, String why) {
        CorruptTopicSettingsException refused = assertThrows(CorruptTopicSettingsException.class, () -> TopicSettingsFormat.decode(bytes));
        assertTrue(refused.getMessage().contains(why), "expected '" + why + "' in: " + refused.getMessage());
    }
}
