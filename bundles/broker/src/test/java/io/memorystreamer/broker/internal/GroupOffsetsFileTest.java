package io.memorystreamer.broker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offsets file format: round trip, and every kind of damage reported. */
class GroupOffsetsFileTest {
    @TempDir
    Path dir;

    private static GroupOffsetsFile.Content sample() {
        return new GroupOffsetsFile.Content("orders", 2, 3, new long[] {0, 4096, -1, 16, 32, 1L << 40}, new int[] {0, 7, 0, 1, 0, 3});
    }

    @Test
    void roundTrip() throws Exception {
        Path file = GroupOffsetsFile.pathOf(dir.resolve("groups"), "g");
        assertNull(GroupOffsetsFile.read(file));
        GroupOffsetsFile.write(file, sample());
        GroupOffsetsFile.Content read = GroupOffsetsFile.read(file);
        assertEquals("orders", read.topic());
        assertEquals(2, read.shardCount());
        assertEquals(3, read.lanesPerShard());
        assertArrayEquals(sample().frames(), read.frames());
        assertArrayEquals(sample().indexes(), read.indexes());
        assertTrue(Files.notExists(file.resolveSibling("g.offsets.tmp")));
    }

    @Test
    void damageIsReported() {
        byte[] good = GroupOffsetsFile.encode(sample());
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 1;
            assertThrows(GroupOffsetsFile.CorruptException.class, () -> GroupOffsetsFile.decode(bad), "byte " + i);
        }
        byte[] shorter = java.util.Arrays.copyOf(good, good.length - 1);
        assertTrue(assertThrows(GroupOffsetsFile.CorruptException.class, () -> GroupOffsetsFile.decode(shorter)).getMessage()
                .contains("truncated"));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(GroupOffsetsFile.CorruptException.class, () -> GroupOffsetsFile.decode(magic)).getMessage()
                .contains("magic"));
    }

    @Test
    void readNamesTheFile() throws Exception {
        Path file = dir.resolve("g.offsets");
        Files.write(file, new byte[] {1, 2});
        assertTrue(assertThrows(GroupOffsetsFile.CorruptException.class, () -> GroupOffsetsFile.read(file)).getMessage()
                .contains(file.toString()));
    }
}
