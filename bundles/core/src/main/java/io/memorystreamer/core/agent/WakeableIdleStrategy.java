package io.memorystreamer.core.agent;

import java.util.concurrent.locks.LockSupport;

/**
 * A back-off idle strategy (spin, then yield, then park for growing periods) that other threads
 * can cut short: {@link #wake()} ends the current park or makes the next one return at once. A
 * thread that hands work to an idle agent calls it, so a parked agent starts within one unpark
 * instead of at the end of its park (on Linux even a 1 µs park lasts about 50 µs, and the longest
 * park is added to every hop of a message under light load).
 *
 * <p>Threading: {@link #idle(int)} and {@link #reset()} from the agent's thread only (the thread
 * that first calls {@code idle} is the one woken); {@link #wake()} from any thread. {@code wake}
 * costs a volatile read when the agent is not parked, and an unpark when it is. A wake that
 * comes while the agent parks ends the park (or the park permit makes the next one return at
 * once); one that races the very moment the agent decides to park is late by at most that one
 * park, never more: the agent looks for work after every park.
 */
public final class WakeableIdleStrategy implements IdleStrategy {
    private final int maxSpins;
    private final int maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private int spins;
    private int yields;
    private long parkNanos;
    private volatile Thread owner;
    private volatile boolean parking;

    /** Spins 100 times, yields 10 times, then parks from 1 µs doubling up to 1 ms. */
    public WakeableIdleStrategy() {
        this(BackoffIdleStrategy.DEFAULT_MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS, BackoffIdleStrategy.DEFAULT_MIN_PARK_NANOS,
                BackoffIdleStrategy.DEFAULT_MAX_PARK_NANOS);
    }

    /**
     * @param maxSpins busy spins before yielding
     * @param maxYields yields before parking
     * @param minParkNanos the first park
     * @param maxParkNanos the longest park
     */
    public WakeableIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        if (maxSpins < 0 || maxYields < 0) {
            throw new IllegalArgumentException("maxSpins and maxYields must be >= 0, were " + maxSpins + " and " + maxYields);
        }
        if (minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("need 1 <= minParkNanos <= maxParkNanos, were " + minParkNanos + " and " + maxParkNanos);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.parkNanos = minParkNanos;
    }

    /** {@inheritDoc} Takes one back-off step if there was no work, else resets. */
    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
            return;
        }
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
            return;
        }
        if (yields < maxYields) {
            yields++;
            Thread.yield();
            return;
        }
        if (owner == null) {
            owner = Thread.currentThread();
        }
        parking = true;
        LockSupport.parkNanos(this, parkNanos);
        parking = false;
        parkNanos = parkNanos > (maxParkNanos >> 1) ? maxParkNanos : parkNanos << 1;
    }

    /** Returns to the not-idle state, so the next idle period starts by spinning. */
    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNanos = minParkNanos;
    }

    /** Any thread: work was handed to the agent; if it is parked, it wakes now. */
    public void wake() {
        if (parking) {
            Thread thread = owner;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }
}
