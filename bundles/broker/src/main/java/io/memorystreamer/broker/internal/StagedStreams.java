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
    /** Second index, by key: slot + 1 (0 = empty), probed from a hash of topic and key bytes. */
    private final int[] byKey = new int[CAPACITY];
    /** Where each slot sits in {@link #byKey}, to clear it. */
    private final int[] byKeyAt = new int[CAPACITY];
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

    /**
     * Finds a stream by its key bytes, without the registry.
     *
     * @return the slot holding the stream, or -1
     */
    int findByKey(int topicId, ByteBuffer key, int keyOffset, int keyLength) {
        int at = keyHash(topicId, key, keyOffset, keyLength);
        int entry;
        while ((entry = byKey[at]) != 0) {
            int slot = entry - 1;
            if (topics[slot] == topicId && keyLengths[slot] == keyLength && sameKey(slot, key, keyOffset, keyLength)) {
                return slot;
            }
            at = (at + 1) & (CAPACITY - 1);
        }
        return -1;
    }

    private boolean sameKey(int slot, ByteBuffer key, int keyOffset, int keyLength) {
        int base = slot * MAX_KEY;
        for (int i = 0; i < keyLength; i++) {
            if (keys[base + i] != key.get(keyOffset + i)) {
                return false;
            }
        }
        return true;
    }

    private static int keyHash(int topicId, ByteBuffer key, int keyOffset, int keyLength) {
        int h = 0x811C9DC5 ^ topicId;
        for (int i = 0; i < keyLength; i++) {
            h = (h ^ key.get(keyOffset + i)) * 0x01000193;
        }
        h ^= h >>> 16;
        return h & (CAPACITY - 1);
    }

    long streamId(int slot) {
        return streams[slot];
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
        int at = keyHash(topicId, key, keyOffset, keyLength);
        while (byKey[at] != 0) {
            at = (at + 1) & (CAPACITY - 1);
        }
        byKey[at] = slot + 1;
        byKeyAt[slot] = at;
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
            byKey[byKeyAt[order[i]]] = 0;
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
            Arrays.fill(byKey, 0);
            size = 0;
        }
    }

    private static int hash(int topicId, long streamId) {
        long h = (streamId + 31L * topicId) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & (CAPACITY - 1);
    }
}
