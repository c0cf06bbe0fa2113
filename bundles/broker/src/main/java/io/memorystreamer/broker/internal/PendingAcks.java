package io.memorystreamer.broker.internal;

import java.util.Arrays;

/**
 * A FIFO of acknowledgements owed to publishers, as parallel primitive arrays (no object per
 * message): which publisher, its token, the message's index in its call, the stream offset it
 * got, the log position of the frame holding it, and the call's flags ({@link InboxFormat}). It grows by doubling (rarely, while warming
 * up) and never shrinks.
 *
 * <p>Threading: one owner thread (a topic's writer). Invariant: entries are in append order, so
 * their positions never decrease from head to tail.
 */
final class PendingAcks {
    private int[] publishers;
    private long[] tokens;
    private int[] indexes;
    private long[] offsets;
    private long[] positions;
    private int[] flags;
    private int head;
    private int size;

    PendingAcks(int initialCapacity) {
        int capacity = Integer.highestOneBit(Math.max(4, initialCapacity - 1)) << 1;
        publishers = new int[capacity];
        tokens = new long[capacity];
        indexes = new int[capacity];
        offsets = new long[capacity];
        positions = new long[capacity];
        flags = new int[capacity];
    }

    void add(int publisher, long token, int index, long streamOffset, long position, int callFlags) {
        if (size == publishers.length) {
            grow();
        }
        int at = (head + size) & (publishers.length - 1);
        publishers[at] = publisher;
        tokens[at] = token;
        indexes[at] = index;
        offsets[at] = streamOffset;
        positions[at] = position;
        flags[at] = callFlags;
        size++;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int headPublisher() {
        return publishers[head];
    }

    long headToken() {
        return tokens[head];
    }

    int headIndex() {
        return indexes[head];
    }

    long headOffset() {
        return offsets[head];
    }

    long headPosition() {
        return positions[head];
    }

    int headFlags() {
        return flags[head];
    }

    void remove() {
        head = (head + 1) & (publishers.length - 1);
        size--;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        int capacity = publishers.length;
        publishers = unwrap(publishers, capacity * 2);
        tokens = unwrap(tokens, capacity * 2);
        indexes = unwrap(indexes, capacity * 2);
        offsets = unwrap(offsets, capacity * 2);
        positions = unwrap(positions, capacity * 2);
        flags = unwrap(flags, capacity * 2);
        head = 0;
    }

    private int[] unwrap(int[] from, int capacity) {
        int[] to = Arrays.copyOf(from, capacity);
        int first = from.length - head;
        System.arraycopy(from, head, to, 0, first);
        System.arraycopy(from, 0, to, first, head);
        return to;
    }

    private long[] unwrap(long[] from, int capacity) {
        long[] to = Arrays.copyOf(from, capacity);
        int first = from.length - head;
        System.arraycopy(from, head, to, 0, first);
        System.arraycopy(from, 0, to, first, head);
        return to;
    }
}
