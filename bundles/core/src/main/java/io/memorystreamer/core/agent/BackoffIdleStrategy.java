package io.memorystreamer.core.agent;

import java.util.concurrent.locks.LockSupport;

/**
 * Backs off in three phases while there is no work: spin ({@link Thread#onSpinWait()})
 * {@code maxSpins} times, then {@link Thread#yield()} {@code maxYields} times, then park with
 * {@link LockSupport#parkNanos(long)}, doubling the park time from {@code minParkNanos} up to
 * {@code maxParkNanos}. Any work resets it to the spin phase.
 *
 * <p>The default for worker pools: a busy worker reacts within nanoseconds, an idle one costs
 * almost no CPU, and a worker parked at the maximum reacts within {@code maxParkNanos} (or at once
 * when unparked).
 *
 * <p>Threading: keeps state, so each thread needs its own instance. Invariants:
 * {@code 0 <= minParkNanos <= parkNanos <= maxParkNanos}; the phase only moves forward until a
 * reset.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
    /** Default number of spins before yielding. */
    public static final int DEFAULT_MAX_SPINS = 100;
    /** Default number of yields before parking. */
    public static final int DEFAULT_MAX_YIELDS = 10;
    /** Default first park time: 1 microsecond. */
    public static final long DEFAULT_MIN_PARK_NANOS = 1_000L;
    /** Default longest park time: 1 millisecond. */
    public static final long DEFAULT_MAX_PARK_NANOS = 1_000_000L;

    /** The phases of a back-off, in order. */
    enum Phase { NOT_IDLE, SPINNING, YIELDING, PARKING }

    private final int maxSpins;
    private final int maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;

    private Phase phase = Phase.NOT_IDLE;
    private int spins;
    private int yields;
    private long parkNanos;

    /** Creates a strategy with the default limits. */
    public BackoffIdleStrategy() {
        this(DEFAULT_MAX_SPINS, DEFAULT_MAX_YIELDS, DEFAULT_MIN_PARK_NANOS, DEFAULT_MAX_PARK_NANOS);
    }

    /**
     * Creates a strategy with the given limits.
     *
     * @param maxSpins     spins before yielding ({@code >= 0})
     * @param maxYields    yields before parking ({@code >= 0})
     * @param minParkNanos the first park time ({@code >= 1})
     * @param maxParkNanos the longest park time ({@code >= minParkNanos})
     * @throws IllegalArgumentException if a limit is out of range
     */
    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        if (maxSpins < 0 || maxYields < 0) {
            throw new IllegalArgumentException("maxSpins and maxYields must be >= 0, were "
                    + maxSpins + " and " + maxYields);
        }
        if (minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("need 1 <= minParkNanos <= maxParkNanos, were "
                    + minParkNanos + " and " + maxParkNanos);
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
        if (phase == Phase.NOT_IDLE) {
            phase = Phase.SPINNING;
            spins = 0;
        }
        if (phase == Phase.SPINNING) {
            if (spins < maxSpins) {
                spins++;
                Thread.onSpinWait();
                return;
            }
            phase = Phase.YIELDING;
            yields = 0;
        }
        if (phase == Phase.YIELDING) {
            if (yields < maxYields) {
                yields++;
                Thread.yield();
                return;
            }
            phase = Phase.PARKING;
            parkNanos = minParkNanos;
        }
        LockSupport.parkNanos(parkNanos);
        parkNanos = parkNanos > (maxParkNanos >> 1) ? maxParkNanos : parkNanos << 1;
    }

    /** Returns to the not-idle state, so the next idle period starts by spinning. */
    @Override
    public void reset() {
        phase = Phase.NOT_IDLE;
        spins = 0;
        yields = 0;
        parkNanos = minParkNanos;
    }

    Phase phase() {
        return phase;
    }

    long nextParkNanos() {
        return parkNanos;
    }
}
