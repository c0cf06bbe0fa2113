package io.memorystreamer.broker.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The streams a writer touched in the batches it is building: for each, the next stream offset
 * to hand out (which the registry will learn only once the batch is appended) and a copy of its
 * key (for that registry update). An open-addressing table on primitive arrays, cleared after
 * every round of appends; no allocation once built.
 *
 * <p>Threading: one owner (a writer thread). Invariant: {@link #size()} never exceeds
 * {@link #capacity()} / 2; the writer appends its batches and clears the table before that.
 */
final class StagedStreams {
    static final int CAPACITY = 8192;
    private static final int MAX_KEY = 256;

    private final int[] topics = new int[CAPACITY];
    private final long[] streams = new long[CAPACITY];
    private final long[] next = new long[CAPACITY];
    private final int[] shards = new int[CAPACITY];
    private final boolean[] used = new boolean[CAPACITY];
    private final int[] keyLengths = new int[CAPACITY];
    private final byte[] keys = new byte[CAPACITY * MAX_KEY];
    private final int[] order = new int[CAPACITY];
    private final ByteBuffer keyView = ByteBuffer.wrap(keys);
    private int size;

    int capacity() {
        return CAPACITY;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size >= CAPACITY / 2;
    }

    /** @return the slot holding the stream, or -1 */
    int find(int topicId, long streamId) {
        int slot = hash(topicId, streamId);
        while (used[slot]) {
            if (streams[slot] == streamId && topics[slot] == topicId) {
                return slot;
            }
            slot = (slot + 1) & (CAPACITY - 1);
        }
        return -1;
    }

    /** Adds a stream not in the table yet and returns its slot. */
    int add(int topicId, long streamId, int shard, long nextOffset, ByteBuffer key, int keyOffset, int keyLength) {
        int slot = hash(topicId, streamId);
        while (used[slot]) {
            slot = (slot + 1) & (CAPACITY - 1);
        }
        used[slot] = true;
        topics[slot] = topicId;
        streams[slot] = streamId;
        shards[slot] = shard;
        next[slot] = nextOffset;
        keyLengths[slot] = keyLength;
        key.get(keyOffset, keys, slot * MAX_KEY, keyLength);
        order[size++] = slot;
        return slot;
    }

    /** @return the slot's next offset, then counts one more message */
    long takeOffset(int slot) {
        return next[slot]++;
    }

    int slotAt(int i) {
        return order[i];
    }

    int topic(int slot) {
        return topics[slot];
    }

    int shard(int slot) {
        return shards[slot];
    }

    long nextOffset(int slot) {
        return next[slot];
    }

    /** @return a view of the slot's key (reused: valid until the next call) */
    ByteBuffer key(int slot) {
        return keyView.limit(slot * MAX_KEY + keyLengths[slot]).position(slot * MAX_KEY);
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            used[order[i]] = false;
        }
        size = 0;
    }

    /** Forgets every stream of a topic (deleted). */
    void removeTopic(int topicId) {
        if (size == 0) {
            return;
        }
        boolean any = false;
        for (int i = 0; i < size; i++) {
            any |= topics[order[i]] == topicId;
        }
        if (any) {
            Arrays.fill(used, false);
            size = 0;
        }
    }

    private static int hash(int topicId, long streamId) {
        long h = (streamId + 31L * topicId) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (CAPACITY - 1);
    }
}
