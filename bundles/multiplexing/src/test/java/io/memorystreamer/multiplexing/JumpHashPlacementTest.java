package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The default placement: deterministic, the same for every form of a key, in range, uniform, and
 * moving only about 1/(n+1) of the streams (all to the new shard) when a shard is added.
 */
class JumpHashPlacementTest {
    private static final StreamPlacement PLACEMENT = JumpHashPlacement.INSTANCE;
    private static final int KEYS = 100_000;

    private static byte[] key(int i) {
        return ("orders/customer-" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void itsPersistedNameIsFixed() {
        assertEquals("jump-xxhash64", PLACEMENT.name());
        assertEquals(JumpHashPlacement.NAME, PLACEMENT.toString());
        assertTrue(TopicSettings.builder("t").placement(PLACEMENT.name()).build().placement().equals(JumpHashPlacement.NAME));
        assertSame(JumpHashPlacement.INSTANCE, JumpHashPlacement.INSTANCE);
    }

    /**
     * Pinned: these shards are where existing streams live; if this test fails, placement changed
     * and streams would be looked up on the wrong shard. The values were computed independently
     * (lz4-java's xxHash64 and a separate jump-hash implementation), not copied from ours.
     */
    @ParameterizedTest(name = "{0} on {1} shards is shard {2}")
    @CsvSource({
        "orders/customer-42, 1, 0",
        "orders/customer-42, 16, 2",
        "orders/customer-42, 1024, 152",
        "a, 16, 8",
        "a, 1024, 894",
        "sensors/eu-west/device-00017, 1024, 98",
    })
    void placementsArePinned(String key, int shards, int expected) {
        assertEquals(expected, PLACEMENT.shard(key, shards));
    }

    @Test
    void everyFormOfAKeyGoesToTheSameShard() {
        for (int i = 0; i < 2_000; i++) {
            byte[] key = key(i);
            int shard = PLACEMENT.shard(key, 37);
            assertEquals(shard, PLACEMENT.shard(key, 37), "deterministic");
            assertEquals(shard, PLACEMENT.shard(new String(key, StandardCharsets.UTF_8), 37), "String");
            byte[] padded = new byte[key.length + 7];
            System.arraycopy(key, 0, padded, 3, key.length);
            assertEquals(shard, PLACEMENT.shard(padded, 3, key.length, 37), "array range");
            assertEquals(shard, PLACEMENT.shard(ByteBuffer.wrap(padded, 3, key.length), 37), "heap buffer");
            ByteBuffer direct = ByteBuffer.allocateDirect(key.length).put(key).flip();
            assertEquals(shard, PLACEMENT.shard(direct, 37), "direct buffer");
            assertEquals(0, direct.position(), "the buffer's position is not moved");
        }
    }

    @Test
    void oneShardTakesEverythingAndTheEmptyKeyIsPlacedToo() {
        for (int i = 0; i < 1_000; i++) {
            assertEquals(0, PLACEMENT.shard(key(i), 1));
        }
        int shard = PLACEMENT.shard(new byte[0], 8);
        assertTrue(shard >= 0 && shard < 8);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void aShardCountBelowOneIsRefused(int shards) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> PLACEMENT.shard(key(1), shards));
        assertTrue(refused.getMessage().contains("shardCount"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PLACEMENT.shard(ByteBuffer.wrap(key(1)), shards));
    }

    /**
     * Chi-square of the shard counts against the uniform distribution. With d = shards - 1
     * degrees of freedom its mean is d and its standard deviation sqrt(2d); the bound is d plus
     * eight standard deviations (plus a constant for small d), far beyond chance, far below what a
     * biased placement gives (every key on one shard scores about KEYS * (shards - 1)).
     */
    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {2, 3, 7, 8, 16, 100, 1024})
    void streamsSpreadEvenlyOverTheShards(int shards) {
        int[] counts = new int[shards];
        for (int i = 0; i < KEYS; i++) {
            int shard = PLACEMENT.shard(key(i), shards);
            assertTrue(shard >= 0 && shard < shards, "shard " + shard + " of " + shards);
            counts[shard]++;
        }
        double expected = (double) KEYS / shards;
        double chiSquare = 0;
        for (int count : counts) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        int freedom = shards - 1;
        double bound = freedom + 8 * Math.sqrt(2.0 * freedom) + 10;
        assertTrue(chiSquare < bound, "chi-square " + chiSquare + " over " + shards + " shards, bound " + bound);
    }

    @Test
    void growingFromEightToNineShardsMovesAboutANinthOfTheStreamsAllToTheNewShard() {
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            byte[] key = key(i);
            int before = PLACEMENT.shard(key, 8);
            int after = PLACEMENT.shard(key, 9);
            if (before != after) {
                moved++;
                assertEquals(8, after, "a stream that moves goes to the new shard, never between old ones");
            }
        }
        double fraction = (double) moved / KEYS;
        assertEquals(1.0 / 9, fraction, 0.01, "fraction of streams moved from 8 to 9 shards");
    }

    @ParameterizedTest(name = "{0} to {1} shards")
    @CsvSource({"1, 2", "2, 3", "15, 16", "16, 17", "100, 101", "1023, 1024", "4, 8"})
    void changingTheShardCountMovesOnlyWhatMustMove(int from, int to) {
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            byte[] key = key(i);
            int before = PLACEMENT.shard(key, from);
            int after = PLACEMENT.shard(key, to);
            if (before != after) {
                moved++;
                assertTrue(after >= from, "growing: a moved stream lands on a new shard, not on old shard " + after);
            }
            // Shrinking back is the mirror image: only streams on the removed shards move.
            assertEquals(before, PLACEMENT.shard(key, from));
        }
        double expected = (double) (to - from) / to;
        assertEquals(expected, (double) moved / KEYS, Math.max(0.01, expected * 0.25),
                "fraction moved from " + from + " to " + to + " shards");
    }

    @Test
    void placingAnArrayOrBufferKeyAllocatesNothing() {
        byte[][] keys = new byte[256][];
        ByteBuffer[] buffers = new ByteBuffer[256];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(i);
            buffers[i] = ByteBuffer.allocateDirect(keys[i].length).put(keys[i]).flip();
        }
        int[] sink = new int[1];
        AllocationCheck.assertAllocatesNothing("placement", () -> {
            for (int round = 0; round < 100; round++) {
                for (int i = 0; i < keys.length; i++) {
                    sink[0] += PLACEMENT.shard(keys[i], 0, keys[i].length, 64);
                    sink[0] += PLACEMENT.shard(buffers[i], 64);
                }
            }
        });
        assertTrue(sink[0] >= 0);
    }
}
