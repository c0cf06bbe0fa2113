package io.memorystreamer.broker.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a shard into the lanes a consumer group assigns: a stream's lane is a hash of its key, so
 * a stream never leaves its lane and its messages stay in order whoever holds the lane.
 *
 * <p>The hash is 64-bit FNV-1a over the key's UTF-8 bytes, finalised with MurmurHash3's
 * {@code fmix64} (FNV alone mixes the last bytes poorly, and keys often differ only there), and
 * the lane is the high 32 bits of that, multiplied by the lane count and shifted down 32 (Lemire's
 * multiply-shift range reduction: uniform, no division). It is deliberately a different hash from
 * the one placing streams on shards (xxHash64 with jump consistent hashing), so the streams of one
 * shard spread evenly over its lanes.
 *
 * <p>The result is persisted in effect (a group's committed positions are per lane), so this code
 * must never change its output for a given key and lane count. A lane id across the whole topic is
 * {@code shard * lanesPerShard + lane}; people read it as {@code shard.lane}.
 *
 * <p>Stateless; any thread; allocation-free except {@link #name} and the {@code String} form.
 */
final class Lanes {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Lanes() {
    }

    /**
     * @param buffer holds the key (absolute reads only)
     * @param offset where the key starts
     * @param length its length in bytes
     * @param lanes the lane count, at least 1
     * @return the key's lane, in {@code [0, lanes)}
     */
    static int of(ByteBuffer buffer, int offset, int length, int lanes) {
        if (lanes == 1) {
            return 0;
        }
        long h = FNV_OFFSET_BASIS;
        for (int i = 0; i < length; i++) {
            h ^= buffer.get(offset + i) & 0xFF;
            h *= FNV_PRIME;
        }
        return reduce(fmix64(h), lanes);
    }

    /**
     * @param key the key's UTF-8 bytes
     * @param lanes the lane count, at least 1
     * @return the key's lane
     */
    static int of(byte[] key, int lanes) {
        if (lanes == 1) {
            return 0;
        }
        long h = FNV_OFFSET_BASIS;
        for (byte b : key) {
            h ^= b & 0xFF;
            h *= FNV_PRIME;
        }
        return reduce(fmix64(h), lanes);
    }

    /**
     * @param key the key as text
     * @param lanes the lane count
     * @return the key's lane (allocates)
     */
    static int of(String key, int lanes) {
        return of(key.getBytes(StandardCharsets.UTF_8), lanes);
    }

    /**
     * @param laneId a lane id across the topic
     * @param lanesPerShard the lanes per shard
     * @return the lane as people read it, {@code shard.lane}
     */
    static String name(int laneId, int lanesPerShard) {
        return laneId / lanesPerShard + "." + laneId % lanesPerShard;
    }

    private static int reduce(long hash, int lanes) {
        return (int) (((hash >>> 32) * lanes) >>> 32);
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
