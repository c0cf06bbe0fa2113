package io.memorystreamer.core.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the heartbeats of agent runners and pool workers and reports the ones that stall.
 *
 * <p>Components {@link #register(String, boolean, Duration) register} a {@link Heartbeat} and
 * mark it busy and idle from their own thread. A component busy for longer than its threshold
 * (its own, or the monitor's {@link #stallThreshold()}) is {@link ComponentState#STALLED}; an idle
 * one never is. {@link #snapshot()} computes a fresh {@link HealthReport} on each call, so it is
 * always current.
 *
 * <p>The checker: {@link #start(Duration)} starts one daemon thread,
 * {@code ms-health-checker}, that calls {@link #check()} at a fixed interval. {@code check()}
 * logs a WARN once when a component becomes stalled and an INFO once when it recovers (or is
 * unregistered while stalled). A plain thread, not an agent, so that health has no dependency on
 * the agent package and keeps working when every agent is stuck. Without {@code start}, nothing
 * is logged, but {@code snapshot()} still works.
 *
 * <p>Threading: every public method is safe from any thread. Registration and {@code check()}
 * take a lock (neither is on a hot path); {@code snapshot()} reads a copy-on-write array without
 * locking. Invariants: heartbeat names are unique; the published array is never modified.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final Object lock = new Object();
    private final LongSupplier nanoClock;
    private volatile Heartbeat[] heartbeats = new Heartbeat[0];
    private volatile long stallThresholdNanos;
    private volatile boolean running;
    private Thread checker;

    /**
     * Creates a monitor; call {@link #start(Duration)} to run its checker.
     *
     * @param stallThreshold how long a component may stay busy before it is stalled, unless it
     *                       registered its own threshold
     */
    public HealthMonitor(Duration stallThreshold) {
        this(stallThreshold, System::nanoTime);
    }

    HealthMonitor(Duration stallThreshold, LongSupplier nanoClock) {
        this.stallThresholdNanos = positiveNanos(stallThreshold, "stallThreshold");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Registers a non-critical component with the monitor's threshold.
     *
     * @param name a unique name
     * @return the heartbeat the component's thread must mark
     * @throws IllegalArgumentException if the name is already registered
     */
    public Heartbeat register(String name) {
        return register(name, false, null);
    }

    /**
     * Registers a component with the monitor's threshold.
     *
     * @param name     a unique name
     * @param critical true if its stall takes the node {@link HealthState#DOWN}
     * @return the heartbeat the component's thread must mark
     * @throws IllegalArgumentException if the name is already registered
     */
    public Heartbeat register(String name, boolean critical) {
        return register(name, critical, null);
    }

    /**
     * Registers a component.
     *
     * @param name           a unique name, e.g. {@code worker-delivery-0}
     * @param critical       true if its stall takes the node {@link HealthState#DOWN}
     * @param stallThreshold its own threshold, or null for the monitor's
     * @return the heartbeat the component's thread must mark
     * @throws IllegalArgumentException if the name is already registered or the threshold is not
     *                                  positive
     */
    public Heartbeat register(String name, boolean critical, Duration stallThreshold) {
        Objects.requireNonNull(name, "name");
        if (stallThreshold != null) {
            positiveNanos(stallThreshold, "stallThreshold");
        }
        synchronized (lock) {
            Heartbeat[] current = heartbeats;
            for (Heartbeat h : current) {
                if (h.name().equals(name)) {
                    throw new IllegalArgumentException("A component named '" + name
                            + "' is already registered with the health monitor");
                }
            }
            Heartbeat created = new Heartbeat(name, critical, stallThreshold);
            Heartbeat[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = created;
            heartbeats = next;
            return created;
        }
    }

    /**
     * Stops watching a component (its thread ended). Logs an INFO if it was reported stalled.
     *
     * @param heartbeat a heartbeat from {@link #register}
     * @return true if it was registered
     */
    public boolean unregister(Heartbeat heartbeat) {
        synchronized (lock) {
            Heartbeat[] current = heartbeats;
            int index = Arrays.asList(current).indexOf(heartbeat);
            if (index < 0) {
                return false;
            }
            Heartbeat[] next = new Heartbeat[current.length - 1];
            System.arraycopy(current, 0, next, 0, index);
            System.arraycopy(current, index + 1, next, index, current.length - index - 1);
            heartbeats = next;
            if (heartbeat.reportedStalled) {
                heartbeat.reportedStalled = false;
                LOG.info("Component '{}' was unregistered while stalled", heartbeat.name());
            }
            return true;
        }
    }

    /** @return the default stall threshold */
    public Duration stallThreshold() {
        return Duration.ofNanos(stallThresholdNanos);
    }

    /**
     * Changes the default stall threshold (components with their own keep theirs).
     *
     * @param stallThreshold a positive duration
     */
    public void setStallThreshold(Duration stallThreshold) {
        stallThresholdNanos = positiveNanos(stallThreshold, "stallThreshold");
    }

    /**
     * Computes the current health of every registered component. Lock-free; the returned report is
     * immutable.
     *
     * @return the overall state and each component's state, in registration order
     */
    public HealthReport snapshot() {
        return evaluate(nanoClock.getAsLong());
    }

    /**
     * Compares every heartbeat with the clock, logs a WARN for each component that became stalled
     * since the previous check and an INFO for each that recovered. The checker thread calls this;
     * tests and tools may call it too.
     *
     * @return the number of transitions logged
     */
    public int check() {
        synchronized (lock) {
            long now = nanoClock.getAsLong();
            int transitions = 0;
            for (Heartbeat h : heartbeats) {
                long busyNanos = busyNanos(h, now);
                boolean stalled = busyNanos > thresholdNanos(h);
                if (stalled && !h.reportedStalled) {
                    h.reportedStalled = true;
                    transitions++;
                    LOG.warn("Component '{}'{} is STALLED: busy for {} ms (threshold {} ms)",
                            h.name(), h.critical() ? " (critical)" : "",
                            TimeUnit.NANOSECONDS.toMillis(busyNanos),
                            TimeUnit.NANOSECONDS.toMillis(thresholdNanos(h)));
                } else if (!stalled && h.reportedStalled) {
                    h.reportedStalled = false;
                    transitions++;
                    LOG.info("Component '{}' recovered", h.name());
                }
            }
            return transitions;
        }
    }

    /**
     * Starts the checker thread, which calls {@link #check()} every {@code interval}.
     *
     * @param interval the time between checks, e.g. a quarter of the stall threshold
     * @throws IllegalStateException if already started
     */
    public void start(Duration interval) {
        long intervalNanos = positiveNanos(interval, "interval");
        synchronized (lock) {
            if (checker != null) {
                throw new IllegalStateException("The health checker is already started");
            }
            running = true;
            checker = new Thread(() -> runChecker(intervalNanos), "ms-health-checker");
            checker.setDaemon(true);
            checker.start();
        }
    }

    /** @return true while the checker thread runs */
    public boolean isCheckerRunning() {
        Thread t;
        synchronized (lock) {
            t = checker;
        }
        return t != null && t.isAlive();
    }

    /** Stops the checker thread and waits for it (up to 5 s). Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            t = checker;
            checker = null;
            running = false;
        }
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("The health checker thread did not stop within 5 s");
        }
    }

    /** @return whether the checker has logged {@code heartbeat} as stalled (for tests) */
    boolean isReportedStalled(Heartbeat heartbeat) {
        synchronized (lock) {
            return heartbeat.reportedStalled;
        }
    }

    HealthReport evaluate(long now) {
        Heartbeat[] current = heartbeats;
        List<ComponentHealth> components = new ArrayList<>(current.length);
        int stalled = 0;
        boolean criticalStalled = false;
        for (Heartbeat h : current) {
            long since = h.busySinceNanos();
            long busyNanos = since == Heartbeat.IDLE ? 0L : Math.max(0L, now - since);
            long threshold = thresholdNanos(h);
            ComponentState state;
            if (since == Heartbeat.IDLE) {
                state = ComponentState.IDLE;
            } else if (busyNanos > threshold) {
                state = ComponentState.STALLED;
                stalled++;
                criticalStalled |= h.critical();
            } else {
                state = ComponentState.BUSY;
            }
            Duration busyFor = Duration.ofNanos(busyNanos);
            components.add(new ComponentHealth(h.name(), state, h.critical(), busyFor,
                    state == ComponentState.STALLED ? busyFor : Duration.ZERO,
                    Duration.ofNanos(threshold)));
        }
        HealthState overall;
        if (stalled == 0) {
            overall = HealthState.UP;
        } else if (criticalStalled || stalled == current.length) {
            overall = HealthState.DOWN;
        } else {
            overall = HealthState.DEGRADED;
        }
        return new HealthReport(overall, components, Instant.now());
    }

    private void runChecker(long intervalNanos) {
        while (running) {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.error("Health check failed", e);
            }
            LockSupport.parkNanos(this, intervalNanos);
        }
    }

    private long thresholdNanos(Heartbeat h) {
        long own = h.stallThresholdNanos();
        return own > 0 ? own : stallThresholdNanos;
    }

    private static long busyNanos(Heartbeat h, long now) {
        long since = h.busySinceNanos();
        return since == Heartbeat.IDLE ? 0L : Math.max(0L, now - since);
    }

    private static long positiveNanos(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d.toNanos();
    }
}
