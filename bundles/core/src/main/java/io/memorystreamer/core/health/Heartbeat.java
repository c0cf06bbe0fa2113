package io.memorystreamer.core.health;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;

/**
 * The heartbeat slot of one thread (an agent runner or a pool worker): when it became busy, or
 * that it is idle.
 *
 * <p>The owner calls {@link #busy()} when a duty cycle or a task begins and {@link #idle()} when
 * it ends, before it spins, yields or parks. A thread that is idle, however long, is healthy; a
 * thread busy for longer than its threshold is stalled. So a parked worker is never reported, but
 * a task that runs too long is. Only the start of the work is timed: {@code busy()} costs one
 * {@link System#nanoTime()} and one release store, {@code idle()} one release store.
 *
 * <p>Threading: {@link #busy()}, {@link #busy(long)} and {@link #idle()} are for the owner thread
 * only (single writer). {@link #busySinceNanos()} and the accessors may be called from any
 * thread. Invariants: the timestamp is padded against false sharing; it is {@link #IDLE} or a
 * {@link System#nanoTime()} value; name, criticality and threshold never change.
 */
public final class Heartbeat extends HeartbeatRhsPadding {
    /** The timestamp value meaning "not busy". */
    public static final long IDLE = Long.MIN_VALUE;

    private static final VarHandle BUSY_SINCE;

    static {
        try {
            BUSY_SINCE = MethodHandles.lookup()
                    .findVarHandle(HeartbeatValue.class, "busySinceNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final boolean critical;
    private final long stallThresholdNanos;

    /** Whether the monitor has logged this heartbeat as stalled; guarded by the monitor's lock. */
    boolean reportedStalled;

    /**
     * Creates a heartbeat that no monitor watches (a runner given none uses one of these). To be
     * watched, get it from {@link HealthMonitor#register(String, boolean, Duration)} instead.
     *
     * @param name the component's name, e.g. {@code worker-delivery-0}
     */
    public Heartbeat(String name) {
        this(name, false, null);
    }

    Heartbeat(String name, boolean critical, Duration stallThreshold) {
        this.name = Objects.requireNonNull(name, "name");
        this.critical = critical;
        this.stallThresholdNanos = stallThreshold == null ? 0L : stallThreshold.toNanos();
    }

    /** Marks the owner busy from now; owner thread only. */
    public void busy() {
        BUSY_SINCE.setRelease(this, System.nanoTime());
    }

    /**
     * Marks the owner busy from a time it has already read; owner thread only.
     *
     * @param nowNanos a {@link System#nanoTime()} value
     */
    public void busy(long nowNanos) {
        BUSY_SINCE.setRelease(this, nowNanos);
    }

    /** Marks the owner idle; owner thread only. */
    public void idle() {
        BUSY_SINCE.setRelease(this, IDLE);
    }

    /** @return the {@link System#nanoTime()} at which the owner became busy, or {@link #IDLE} */
    public long busySinceNanos() {
        return (long) BUSY_SINCE.getAcquire(this);
    }

    /** @return the component's name */
    public String name() {
        return name;
    }

    /** @return true if a stall of this component makes the whole node {@link HealthState#DOWN} */
    public boolean critical() {
        return critical;
    }

    /** @return this component's own stall threshold in nanoseconds, or 0 for the monitor's */
    public long stallThresholdNanos() {
        return stallThresholdNanos;
    }

    /** @return the name, for logs */
    @Override
    public String toString() {
        return "Heartbeat[" + name + ']';
    }
}
