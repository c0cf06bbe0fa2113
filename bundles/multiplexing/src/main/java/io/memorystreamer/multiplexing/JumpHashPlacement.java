package io.memorystreamer.multiplexing;

import io.memorystreamer.multiplexing.internal.XxHash64;
import java.nio.ByteBuffer;

/**
 * The default placement, named {@value #NAME}: jump consistent hashing (Lamping and Veach, "A
 * Fast, Minimal Memory, Consistent Hash Algorithm", 2014) of the xxHash64 (seed 0) of the stream
 * key's bytes.
 *
 * <p>Why this scheme. A topic's shards are numbered {@code 0 .. n-1} and each owns a log; the
 * question is only what happens when {@code n} changes. Jump hashing moves the minimum: growing
 * from {@code n} to {@code n + 1} shards moves about {@code 1/(n + 1)} of the streams, and every
 * stream that moves goes to the new shard {@code n}, none between old shards (shrinking is the
 * mirror: only the last shard's streams move, spread over the others). Modulo hashing would move
 * about {@code n/(n + 1)} of them. Against a hash ring it needs no ring in memory (no virtual
 * nodes, nothing per shard), computes in {@code O(log n)} multiply-adds, and spreads keys evenly
 * without tuning. Its limit suits us: shards can only be added or removed at the end (shard ids
 * stay dense, as a Kafka partition's do); removing a shard in the middle is not supported.
 *
 * <p>xxHash64 gives jump hashing the uniform 64-bit input it needs (see
 * {@link io.memorystreamer.multiplexing.internal.XxHash64 XxHash64}); it is published, so clients
 * and tools in other languages can compute the same shard.
 *
 * <p>Threading: stateless; any thread. Allocates nothing and takes no lock.
 */
public final class JumpHashPlacement implements StreamPlacement {
    /** The persisted name of this placement: jump hashing of xxHash64. Never reuse it for other results. */
    public static final String NAME = "jump-xxhash64";

    /** The one instance. */
    public static final JumpHashPlacement INSTANCE = new JumpHashPlacement();

    /** Multiplier of the 64-bit linear congruential generator the algorithm steps with. */
    private static final long LCG_MULTIPLIER = 2862933555777941757L;

    private JumpHashPlacement() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int shard(byte[] key, int offset, int length, int shardCount) {
        requirePositive(shardCount);
        return jump(XxHash64.hash(key, offset, length, 0), shardCount);
    }

    @Override
    public int shard(ByteBuffer key, int shardCount) {
        requirePositive(shardCount);
        return jump(XxHash64.hash(key, 0), shardCount);
    }

    /**
     * Jump consistent hashing: follows the key's pseudo-random sequence of "jumps" up the bucket
     * numbers and returns the last bucket below {@code buckets}. Each step draws from a
     * generator seeded by the key, so the same key takes the same jumps for every bucket count.
     *
     * @param key     a uniformly distributed 64-bit key
     * @param buckets the number of buckets, at least 1
     * @return the bucket, in {@code [0, buckets)}
     */
    static int jump(long key, int buckets) {
        long bucket = -1;
        long next = 0;
        while (next < buckets) {
            bucket = next;
            key = key * LCG_MULTIPLIER + 1;
            next = (long) ((bucket + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) bucket;
    }

    private static void requirePositive(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be at least 1, not " + shardCount);
        }
    }

    @Override
    public String toString() {
        return NAME;
    }
}
