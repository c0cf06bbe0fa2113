package io.memorystreamer.client.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The producer's bounded buffer, counted in bytes: a record takes its encoded size from
 * {@code send} until its batch is acknowledged or fails. Senders that find it full wait (up to
 * their limit) for batches to complete.
 *
 * <p>Thread-safe: {@link #acquire} from application threads, {@link #release} from the event loop.
 */
final class MemoryBudget {
    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long used;

    MemoryBudget(long capacity) {
        this.capacity = capacity;
    }

    /**
     * @param bytes how much room
     * @param maxWaitNanos how long to wait for it, 0 for not at all
     * @return whether the room was taken (false when it did not free up in time, or can never fit)
     * @throws InterruptedException when interrupted while waiting
     */
    boolean acquire(long bytes, long maxWaitNanos) throws InterruptedException {
        if (bytes > capacity) {
            return false;
        }
        lock.lock();
        try {
            long left = maxWaitNanos;
            while (used + bytes > capacity) {
                if (left <= 0) {
                    return false;
                }
                left = freed.awaitNanos(left);
            }
            used += bytes;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param bytes room given back
     */
    void release(long bytes) {
        lock.lock();
        try {
            used -= bytes;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the bytes taken */
    long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** @return the capacity */
    long capacity() {
        return capacity;
    }

    static long nanos(java.time.Duration duration) {
        return TimeUnit.NANOSECONDS.convert(duration);
    }
}
