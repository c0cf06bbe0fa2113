package io.memorystreamer.core.work;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A bounded, lock-free ring of variable-length byte records in one direct buffer, written by many
 * producer threads and read by one consumer thread: a way to hand bytes to a single-writer agent
 * without allocating an object per message.
 *
 * <pre>
 *  positions (longs) grow forever; index = position &amp; (capacity - 1), capacity a power of two
 *
 *        head (consumer, release-store)          tail (producers, CAS)
 *         |                                       |
 *   ... [ record ][ record ][ padding ][ record ] [ free: every byte zero ................ ] ...
 *         committed or claimed, in claim order     up to head + capacity
 *
 *  one record, starting at an index that is a multiple of ALIGNMENT (8); ints are little-endian
 *
 *   index +0         +4         +8                              +length     next record
 *        +----------+----------+-------------------------------+-----------+
 *        |  length  |   type   |  payload (length - 8 bytes)   | 0 to 7    |
 *        |  (int)   |  (int)   |                               | unused    |
 *        +----------+----------+-------------------------------+-----------+
 *        |&lt;- HEADER_LENGTH -&gt;|
 *
 *  length  header + payload bytes, without the unused tail; 0 = claimed but not yet committed
 *  type    1 = message, -1 = padding (the consumer skips it); while the record is claimed and
 *          uncommitted the type slot holds its length, for commit and abort to find
 * </pre>
 *
 * <p>A producer claims {@code align(8 + length)} bytes with a CAS on the tail, writes its payload
 * into {@link #buffer()} with absolute puts at the index {@link #claim} returned, and calls
 * {@link #commit} (or {@link #abort}), which writes the type and then the length with a release
 * store. A record never wraps: when it does not fit before the end of the buffer, the same CAS
 * also claims the rest of the buffer, the claimer writes a padding record there, and the record
 * starts at index 0. The consumer loads each length with acquire, so it only ever sees complete
 * records; it stops at the first length of 0 (a record still being written), hands the others to
 * a {@link RingRecordHandler}, then zeroes the bytes it consumed and publishes the new head with a
 * release store. Producers keep a cache of the head and read the real one only when the cache
 * says the ring is full, so they do not pull the consumer's cache line on every claim.
 *
 * <p>Threading: {@link #claim}, {@link #commit}, {@link #abort} and the queries may be called
 * from any number of threads; a record is committed or aborted by the thread that claimed it (or
 * one it handed the index to with a happens-before edge). {@link #read} may be called by one
 * consumer thread at a time only. Nothing here allocates, locks or blocks: {@link #claim} returns
 * {@link #CLAIM_FAILED} when the ring lacks space, and the caller decides whether to retry, drop or
 * back off. A producer that claims and never commits or aborts stalls the consumer at its record
 * for good.
 *
 * <p>Invariants: {@code head <= tail <= head + capacity}; the tail and the head are multiples of
 * {@link #ALIGNMENT}; every byte between the tail and {@code head + capacity} is zero; the
 * consumer delivers each committed message exactly once, in claim order, and never the bytes of
 * an uncommitted or aborted record.
 */
public final class ManyToOneByteRing extends ManyToOneByteRingPad3 {
    /** Bytes of the header before each payload: an int length and an int type. */
    public static final int HEADER_LENGTH = 8;
    /** Records start at indexes that are multiples of this. */
    public static final int ALIGNMENT = 8;
    /** What {@link #claim} returns when the ring has not enough free space. */
    public static final int CLAIM_FAILED = -1;

    private static final int LENGTH_OFFSET = 0;
    private static final int TYPE_OFFSET = 4;
    private static final int MESSAGE_TYPE = 1;
    private static final int PADDING_TYPE = -1;
    private static final int MIN_CAPACITY = 1024;
    private static final int MAX_CAPACITY = 1 << 30;
    /** Read-only source for zeroing consumed bytes with bulk puts. */
    private static final byte[] ZEROS = new byte[4096];

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle TAIL;
    private static final VarHandle HEAD_CACHE;
    private static final VarHandle HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(ManyToOneByteRingTail.class, "tail", long.class);
            HEAD_CACHE = lookup.findVarHandle(ManyToOneByteRingHeadCache.class, "headCache", long.class);
            HEAD = lookup.findVarHandle(ManyToOneByteRingHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int mask;
    private final int maxRecordLength;
    private final ByteBuffer buffer;

    /**
     * Creates an empty ring over a new direct buffer.
     *
     * @param capacity the buffer's size in bytes, a power of two from 1024 to 2^30
     * @throws IllegalArgumentException if it is not
     */
    public ManyToOneByteRing(int capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("Ring capacity must be a power of two from " + MIN_CAPACITY
                    + " to " + MAX_CAPACITY + " bytes, was " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxRecordLength = capacity / 2 - HEADER_LENGTH;
        this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        if (buffer.alignmentOffset(0, ALIGNMENT) != 0) {
            // Atomic access to the length slots needs aligned addresses; malloc gives at least 8.
            throw new IllegalStateException("Direct buffer is not " + ALIGNMENT + "-byte aligned");
        }
        VarHandle.releaseFence();
    }

    /** @return the size of the buffer in bytes */
    public int capacity() {
        return capacity;
    }

    /** @return the largest payload one {@link #claim} may ask for: {@code capacity / 2 - HEADER_LENGTH} */
    public int maxRecordLength() {
        return maxRecordLength;
    }

    /**
     * Claims space for one record. Never blocks and never waits for the consumer. On success the
     * caller writes exactly {@code length} payload bytes into {@link #buffer()} with absolute puts
     * from the returned index on, then calls {@link #commit} or {@link #abort} with that index.
     *
     * @param length the number of payload bytes, from 0 to {@link #maxRecordLength()}
     * @return the absolute index of the payload's first byte, or {@link #CLAIM_FAILED} if the ring
     *         has not enough free space
     * @throws IllegalArgumentException if {@code length} is out of range
     */
    public int claim(int length) {
        if (length < 0 || length > maxRecordLength) {
            throw new IllegalArgumentException("Record length must be from 0 to " + maxRecordLength
                    + " bytes, was " + length);
        }
        int recordLength = HEADER_LENGTH + length;
        int alignedLength = align(recordLength);
        long head = (long) HEAD_CACHE.getAcquire(this);
        long tail;
        int padding;
        do {
            tail = (long) TAIL.getVolatile(this);
            int toEnd = capacity - ((int) tail & mask);
            padding = alignedLength > toEnd ? toEnd : 0;
            long end = tail + padding + alignedLength;
            if (end - head > capacity) {
                head = (long) HEAD.getVolatile(this);
                if (end - head > capacity) {
                    return CLAIM_FAILED;
                }
                HEAD_CACHE.setRelease(this, head);
            }
        } while (!TAIL.compareAndSet(this, tail, tail + padding + alignedLength));

        int recordIndex = (int) tail & mask;
        if (padding != 0) {
            buffer.putInt(recordIndex + TYPE_OFFSET, PADDING_TYPE);
            INT.setRelease(buffer, recordIndex + LENGTH_OFFSET, padding);
            recordIndex = 0;
        }
        buffer.putInt(recordIndex + TYPE_OFFSET, recordLength); // kept for commit / abort
        return recordIndex + HEADER_LENGTH;
    }

    /**
     * Publishes a claimed record to the consumer.
     *
     * @param index what {@link #claim} returned
     * @throws IllegalArgumentException if {@code index} cannot be a payload index of this ring
     * @throws IllegalStateException if no uncommitted claim is found there (a best-effort check:
     *         committing twice is a bug whose effects are undefined)
     */
    public void commit(int index) {
        publish(index, MESSAGE_TYPE);
    }

    /**
     * Gives up a claimed record: it is published as padding, which the consumer skips, so the
     * records claimed after it are not held up.
     *
     * @param index what {@link #claim} returned
     * @throws IllegalArgumentException if {@code index} cannot be a payload index of this ring
     * @throws IllegalStateException if no uncommitted claim is found there (best effort, as for
     *         {@link #commit})
     */
    public void abort(int index) {
        publish(index, PADDING_TYPE);
    }

    private void publish(int index, int type) {
        if (index < HEADER_LENGTH || index > capacity || (index & (ALIGNMENT - 1)) != 0) {
            throw new IllegalArgumentException("Not a record index of this ring: " + index
                    + " (must be a multiple of " + ALIGNMENT + " from " + HEADER_LENGTH + " to " + capacity + ")");
        }
        int recordIndex = index - HEADER_LENGTH;
        int recordLength = buffer.getInt(recordIndex + TYPE_OFFSET);
        if (recordLength < HEADER_LENGTH || recordLength > capacity - recordIndex
                || (int) INT.getOpaque(buffer, recordIndex + LENGTH_OFFSET) != 0) {
            throw new IllegalStateException("No claimed, uncommitted record at index " + index);
        }
        buffer.putInt(recordIndex + TYPE_OFFSET, type);
        INT.setRelease(buffer, recordIndex + LENGTH_OFFSET, recordLength);
    }

    /**
     * The buffer the records live in. Producers write their payload into it with absolute puts,
     * between {@link #claim} and {@link #commit}, and only inside the space they claimed. Nobody
     * may change its byte order; relative gets and puts are not safe across threads.
     *
     * @return the backing direct buffer, little-endian
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Hands committed records to {@code handler}, oldest first, until it has had
     * {@code recordLimit} records or the next record is claimed but not yet committed (or there is
     * none). Padding and aborted records are skipped and not counted. Then zeroes the consumed
     * bytes and moves the head past them, so producers can reuse the space. If the handler throws,
     * the records before it and the one it threw on are consumed, and the exception propagates.
     * Only one thread may call this at a time.
     *
     * @param handler receives each record's payload
     * @param recordLimit the most records to hand over, at least 1
     * @return the number of records handed to {@code handler}
     * @throws IllegalArgumentException if {@code recordLimit} is less than 1
     */
    public int read(RingRecordHandler handler, int recordLimit) {
        Objects.requireNonNull(handler, "handler");
        if (recordLimit < 1) {
            throw new IllegalArgumentException("Record limit must be at least 1, was " + recordLimit);
        }
        long head = (long) HEAD.getOpaque(this); // only this thread writes it
        // One lap at most: the bytes at head + capacity are this lap's first record, not yet zeroed.
        long limit = head + capacity;
        long position = head;
        int records = 0;
        try {
            while (records < recordLimit && position < limit) {
                int recordIndex = (int) position & mask;
                int recordLength = (int) INT.getAcquire(buffer, recordIndex + LENGTH_OFFSET);
                if (recordLength == 0) {
                    break; // claimed and not yet committed, or free
                }
                position += align(recordLength);
                if (buffer.getInt(recordIndex + TYPE_OFFSET) != PADDING_TYPE) {
                    records++;
                    handler.onRecord(buffer, recordIndex + HEADER_LENGTH, recordLength - HEADER_LENGTH);
                }
            }
        } finally {
            if (position != head) {
                zero(head, position);
                HEAD.setRelease(this, position);
            }
        }
        return records;
    }

    /**
     * @return the bytes claimed and not yet consumed, headers, padding and alignment included; a
     *         moment's estimate when other threads are claiming or reading
     */
    public long size() {
        long headAfter = (long) HEAD.getVolatile(this);
        long headBefore;
        long tail;
        do {
            headBefore = headAfter;
            tail = (long) TAIL.getVolatile(this);
            headAfter = (long) HEAD.getVolatile(this);
        } while (headAfter != headBefore);
        return Math.max(0, Math.min(tail - headAfter, capacity));
    }

    /** @return true if nothing is claimed and not yet consumed; a moment's estimate */
    public boolean isEmpty() {
        long head = (long) HEAD.getVolatile(this); // head first: tail >= head at every instant
        return (long) TAIL.getVolatile(this) == head;
    }

    private void zero(long from, long to) {
        int index = (int) from & mask;
        int length = (int) (to - from);
        int first = Math.min(length, capacity - index);
        fillZero(index, first);
        fillZero(0, length - first);
    }

    private void fillZero(int index, int length) {
        while (length > 0) {
            int chunk = Math.min(length, ZEROS.length);
            buffer.put(index, ZEROS, 0, chunk);
            index += chunk;
            length -= chunk;
        }
    }

    private static int align(int length) {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}

// The padding classes below are laid out superclass first, so the three counters land on separate
// cache lines (MpmcRingQueue's scheme). They live in this file because they serve only this class.

/**
 * Padding before the tail of a {@link ManyToOneByteRing}, so that producers' CAS on it never
 * shares a cache line with an unrelated object.
 *
 * <p>Threading: none, never read or written. Invariant: superclass fields are laid out first.
 */
abstract class ManyToOneByteRingPad0 {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The tail of a {@link ManyToOneByteRing}: the position the next claim starts at.
 *
 * <p>Threading: accessed only through the ring's VarHandle (CAS by producers).
 */
abstract class ManyToOneByteRingTail extends ManyToOneByteRingPad0 {
    volatile long tail;
}

/**
 * Padding between the tail and the head cache of a {@link ManyToOneByteRing}.
 *
 * <p>Threading: none, never read or written.
 */
abstract class ManyToOneByteRingPad1 extends ManyToOneByteRingTail {
    long p16, p17, p18, p19, p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30;
}

/**
 * The producers' cache of a {@link ManyToOneByteRing}'s head: a value the head had, never ahead of
 * it, so a claim that fits by the cache fits for certain.
 *
 * <p>Threading: accessed only through the ring's VarHandle (acquire loads and release stores by
 * producers; a stale value costs one read of the real head).
 */
abstract class ManyToOneByteRingHeadCache extends ManyToOneByteRingPad1 {
    volatile long headCache;
}

/**
 * Padding between the head cache and the head of a {@link ManyToOneByteRing}, so that the
 * consumer's stores to the head do not invalidate the line producers read on every claim.
 *
 * <p>Threading: none, never read or written.
 */
abstract class ManyToOneByteRingPad2 extends ManyToOneByteRingHeadCache {
    long p31, p32, p33, p34, p35, p36, p37, p38, p39, p40, p41, p42, p43, p44, p45;
}

/**
 * The head of a {@link ManyToOneByteRing}: the position of the oldest record not yet consumed.
 *
 * <p>Threading: written only by the consumer (release stores), read by producers when their
 * cache says the ring is full.
 */
abstract class ManyToOneByteRingHead extends ManyToOneByteRingPad2 {
    volatile long head;
}

/**
 * Padding after the head of a {@link ManyToOneByteRing}, keeping it apart from the ring's
 * read-only fields.
 *
 * <p>Threading: none, never read or written.
 */
abstract class ManyToOneByteRingPad3 extends ManyToOneByteRingHead {
    long p46, p47, p48, p49, p50, p51, p52, p53, p54, p55, p56, p57, p58, p59, p60;
}
