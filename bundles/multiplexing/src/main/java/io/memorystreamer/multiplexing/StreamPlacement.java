package io.memorystreamer.multiplexing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Places a stream on one of its topic's shards, from the stream key's bytes and the shard count.
 * Each topic names its placement in its {@linkplain TopicSettings#placement() settings}, so
 * different topics may place differently: ours is {@link JumpHashPlacement}; a Kafka front end
 * will bring one that follows the Kafka client's partitioner, so that a Kafka partition is a shard.
 * Nothing else in the broker may assume how streams are placed.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li><b>Pure and stable</b>: the shard depends only on the key's bytes and the shard count, on
 *       every machine and in every release. The {@link #name()} is persisted with the topic; a
 *       placement whose results change must take a new name, or streams would be looked up on the
 *       wrong shard after an upgrade.</li>
 *   <li><b>Allocation-free and lock-free</b> for {@code byte[]} and {@link ByteBuffer} keys: it
 *       runs on the publish path for every message. (The {@link String} convenience encodes the
 *       key, so it allocates; it is for the shell and tests.)</li>
 *   <li>The result is in {@code [0, shardCount)}. A shard count below 1 is refused with an
 *       {@link IllegalArgumentException}.</li>
 *   <li>Keys are not validated here (see {@link StreamKeys}): placement is defined for any
 *       bytes, including the empty key.</li>
 * </ul>
 *
 * <p>Threading: implementations are stateless or immutable, so any thread may call them at once.
 */
@ConsumerType
public interface StreamPlacement {
    /**
     * @return the placement's persisted name: lower-case ASCII letters, digits, '.', '_' or '-',
     *         1 to {@value TopicSettings#MAX_PLACEMENT_NAME_LENGTH} characters, starting with a
     *         letter or digit (see {@link TopicSettings.Builder#placement(String)})
     */
    String name();

    /**
     * @param key        the array holding the stream key's bytes
     * @param offset     index of the key's first byte
     * @param length     the key's length in bytes
     * @param shardCount the topic's number of shards, at least 1
     * @return the shard, in {@code [0, shardCount)}
     */
    int shard(byte[] key, int offset, int length, int shardCount);

    /**
     * @param key        the stream key's bytes, from the buffer's position to its limit; neither is moved
     * @param shardCount the topic's number of shards, at least 1
     * @return the shard, in {@code [0, shardCount)}
     */
    int shard(ByteBuffer key, int shardCount);

    /**
     * @param key        the stream key's bytes (the whole array)
     * @param shardCount the topic's number of shards, at least 1
     * @return the shard, in {@code [0, shardCount)}
     */
    default int shard(byte[] key, int shardCount) {
        return shard(key, 0, key.length, shardCount);
    }

    /**
     * Places a key given as text, encoded in UTF-8. Allocates: for the shell and tests, not the
     * publish path.
     *
     * @param key        the stream key
     * @param shardCount the topic's number of shards, at least 1
     * @return the shard, in {@code [0, shardCount)}
     */
    default int shard(String key, int shardCount) {
        return shard(key.getBytes(StandardCharsets.UTF_8), shardCount);
    }
}
