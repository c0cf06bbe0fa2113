package io.memorystreamer.core.work;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A bounded, lock-free, multi-producer multi-consumer queue on a ring of slots with sequence
 * numbers; the queue behind each worker pool.
 *
 * <pre>
 *  positions grow forever; slot = position &amp; mask, capacity = mask + 1 (a power of two)
 *
 *              head (consumers CAS +1)          tail (producers CAS +1; top bit = closed)
 *               |                                |
 *   slots  ...[ h ][h+1][ ... ][t-1]  [ t ][t+1] ...
 *             full  full        full  free  free
 *
 *  sequence[slot] says whose turn the slot is, for the position p that maps to it:
 *    sequence == p              free: the producer that claims p may write it
 *    sequence == p + 1          full: written at p, the consumer that claims p may take it
 *    sequence == p + capacity   taken: free for the producer of p + capacity (next lap)
 * </pre>
 *
 * <p>A producer reads the tail, checks its slot's sequence equals the position, claims the
 * position with a CAS on the tail, writes the element (plain store) and publishes it with a
 * release store of {@code position + 1} into the sequence. A consumer does the mirror image on the
 * head and frees the slot with a release store of {@code position + capacity}. Readers load
 * sequences with acquire, so an element is always seen complete.
 *
 * <p>Closing sets the top bit of the tail with a CAS: every offer after it returns
 * {@link SubmitResult#CLOSED}, every offer before it has claimed a position below the frozen
 * tail. Consumers keep polling until {@link #isDrained()}: the head has reached the frozen tail,
 * so no accepted element is lost, even one whose producer had claimed but not yet published its
 * slot when the queue closed.
 *
 * <p>Threading: {@link #offer}, {@link #poll}, {@link #close} and the queries are safe from any
 * number of threads. Nothing allocates, locks or blocks. {@link #offer} may report
 * {@link SubmitResult#QUEUE_FULL} while a consumer is between claiming and freeing the slot a
 * lap ahead (the queue is full until that consumer finishes). Not fair: a thread may retry a CAS
 * several times under contention. Invariants: {@code head <= tail} (ignoring the closed bit);
 * {@code tail - head <= capacity}; each accepted element is returned by exactly one poll.
 *
 * @param <E> the element type
 */
public final class MpmcRingQueue<E> extends MpmcRingQueuePad2 {
    private static final long CLOSED_BIT = Long.MIN_VALUE;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(MpmcRingQueueTail.class, "tail", long.class);
            HEAD = lookup.findVarHandle(MpmcRingQueueHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int mask;
    private final long[] sequences;
    private final Object[] elements;

    /**
     * Creates an empty queue.
     *
     * @param capacity the number of slots, a power of two from 2 to 2^30
     * @throws IllegalArgumentException if it is not
     */
    public MpmcRingQueue(int capacity) {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("Queue capacity must be a power of two from 2 to "
                    + MAX_CAPACITY + ", was " + capacity);
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.sequences = new long[capacity];
        this.elements = new Object[capacity];
        for (int i = 0; i < capacity; i++) {
            sequences[i] = i;
        }
        VarHandle.releaseFence();
    }

    /**
     * Adds an element if there is room and the queue is open. Never blocks.
     *
     * @param element the element, not null
     * @return {@link SubmitResult#ACCEPTED}, {@link SubmitResult#QUEUE_FULL} or
     *         {@link SubmitResult#CLOSED}
     */
    public SubmitResult offer(E element) {
        Objects.requireNonNull(element, "element");
        long position = (long) TAIL.getVolatile(this);
        while (true) {
            if (position < 0) {
                return SubmitResult.CLOSED;
            }
            int slot = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, slot);
            long lag = sequence - position;
            if (lag == 0) {
                long witness = (long) TAIL.compareAndExchange(this, position, position + 1);
                if (witness == position) {
                    elements[slot] = element;
                    SEQUENCE.setRelease(sequences, slot, position + 1);
                    return SubmitResult.ACCEPTED;
                }
                position = witness;
            } else if (lag < 0) {
                // The slot still holds the element from one lap ago: full (or closed meanwhile).
                return (long) TAIL.getVolatile(this) < 0 ? SubmitResult.CLOSED : SubmitResult.QUEUE_FULL;
            } else {
                position = (long) TAIL.getVolatile(this); // another producer got this position
            }
        }
    }

    /**
     * Takes the oldest published element, if any. Never blocks. Works after {@link #close()} too,
     * until the queue is drained.
     *
     * @return the element, or null if none is ready
     */
    public E poll() {
        long position = (long) HEAD.getVolatile(this);
        while (true) {
            int slot = (int) position & mask;
            long sequence = (long) SEQUENCE.getAcquire(sequences, slot);
            long lag = sequence - (position + 1);
            if (lag == 0) {
                long witness = (long) HEAD.compareAndExchange(this, position, position + 1);
                if (witness == position) {
                    @SuppressWarnings("unchecked")
                    E element = (E) elements[slot];
                    elements[slot] = null;
                    SEQUENCE.setRelease(sequences, slot, position + capacity);
                    return element;
                }
                position = witness;
            } else if (lag < 0) {
                return null; // not yet published: empty, or a producer is between claim and publish
            } else {
                position = (long) HEAD.getVolatile(this); // another consumer took this position
            }
        }
    }

    /**
     * Closes the queue to producers; elements already accepted stay and can still be polled.
     * Idempotent.
     *
     * @return the number of elements ever accepted (the frozen tail)
     */
    public long close() {
        while (true) {
            long tail = (long) TAIL.getVolatile(this);
            if (tail < 0) {
                return tail & ~CLOSED_BIT;
            }
            if (TAIL.compareAndSet(this, tail, tail | CLOSED_BIT)) {
                return tail;
            }
        }
    }

    /** @return true once {@link #close()} was called */
    public boolean isClosed() {
        return (long) TAIL.getVolatile(this) < 0;
    }

    /**
     * @return true if the queue is closed and every accepted element has been taken by a consumer
     */
    public boolean isDrained() {
        long tail = (long) TAIL.getVolatile(this);
        return tail < 0 && (long) HEAD.getVolatile(this) >= (tail & ~CLOSED_BIT);
    }

    /** @return the number of elements accepted and not yet taken; a moment's estimate */
    public int size() {
        long head = (long) HEAD.getVolatile(this);
        long tail = (long) TAIL.getVolatile(this) & ~CLOSED_BIT;
        long size = tail - head;
        return (int) Math.max(0, Math.min(size, capacity));
    }

    /** @return the number of slots */
    public int capacity() {
        return capacity;
    }
}
