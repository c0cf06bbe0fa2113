package io.memorystreamer.core.work;

import io.memorystreamer.core.affinity.AffinityException;
import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.agent.BackoffIdleStrategy;
import io.memorystreamer.core.agent.ErrorHandler;
import io.memorystreamer.core.agent.IdleStrategy;
import io.memorystreamer.core.agent.LoggingErrorHandler;
import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.counters.CounterRegistry;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's priority worker pools: one pool per {@link Tier}, each with its own threads and its
 * own bounded lock-free queue ({@link MpmcRingQueue}), so background work never delays the message
 * path. Registered as an OSGi service by the core bundle; built with {@link #builder()} elsewhere.
 *
 * <p>{@link #submit(Tier, Runnable)} never blocks, allocates or throws for a full queue: it returns
 * {@link SubmitResult#ACCEPTED}, {@link SubmitResult#QUEUE_FULL} (backpressure: retry later or
 * push back) or {@link SubmitResult#CLOSED}. An accepted task runs exactly once, on one of the
 * tier's workers. A task that throws is counted ({@code workers.<tier>.failed}) and logged (at most
 * once a second per worker, with the number not logged), and the worker carries on. Idle workers
 * back off ({@link BackoffIdleStrategy} by default: spin, yield, then park up to 1 ms).
 *
 * <p>Shutdown ({@link #close()} or {@link #shutdown(Duration)}): the queues close at once, so
 * later submits return {@code CLOSED}; the workers <b>drain</b> every task accepted before, then
 * exit, and are joined. If that takes longer than the timeout, the rest is <b>discarded</b>:
 * workers stop after the task in hand (they are interrupted), tasks still queued are dropped and
 * counted ({@code workers.<tier>.discarded}), and a WARN says how many.
 *
 * <p>Each worker has a {@link Heartbeat} ({@code <name>-<tier>-<i>}, critical for
 * {@link Tier#CRITICAL}) marked busy for the duration of each task, so a {@link HealthMonitor}
 * reports a task that runs too long but never an idle worker. Counters per tier, in the given
 * {@link CounterRegistry}: {@code workers.<tier>.completed}, {@code .failed}, {@code .rejected}
 * (submits answered {@code QUEUE_FULL}), {@code .discarded}.
 *
 * <p>Threading: {@code submit} and the queries are safe from any number of threads;
 * {@code shutdown} is idempotent and may be called from any thread. Invariants: the pools, their
 * threads and queues are fixed at construction; once closed, never open again.
 */
public final class WorkerPools implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPools.class);

    private final String name;
    private final WorkerPool[] pools;
    private final HealthMonitor monitor;
    private final Duration shutdownTimeout;
    private final Object lock = new Object();
    private boolean terminated;
    private boolean cleanShutdown;

    private WorkerPools(Builder b) {
        this.name = b.name;
        this.monitor = b.monitor;
        this.shutdownTimeout = b.shutdownTimeout;
        Tier[] tiers = Tier.values();
        this.pools = new WorkerPool[tiers.length];
        for (Tier tier : tiers) {
            pools[tier.ordinal()] = new WorkerPool(tier, b.threads.get(tier), b.capacities.get(tier),
                    b.cpus.get(tier), counter(b.counters, tier, "completed", "Tasks run to completion"),
                    counter(b.counters, tier, "failed", "Tasks that threw an exception"),
                    counter(b.counters, tier, "rejected", "Submits refused because the queue was full"),
                    counter(b.counters, tier, "discarded", "Queued tasks dropped at a shutdown timeout"));
        }
    }

    /** @return a builder with one thread and 1024 queue slots per tier, no pinning */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a task on a tier's pool. Never blocks; allocates nothing; throws only for null
     * arguments.
     *
     * @param tier the priority tier
     * @param task the task; it runs once on one of the tier's workers if accepted
     * @return ACCEPTED, QUEUE_FULL or CLOSED
     */
    public SubmitResult submit(Tier tier, Runnable task) {
        return pools[tier.ordinal()].submit(task);
    }

    /**
     * @param tier a tier
     * @return its number of worker threads
     */
    public int threads(Tier tier) {
        return pools[tier.ordinal()].threads().length;
    }

    /**
     * @param tier a tier
     * @return the CPUs its workers are pinned to (empty if unpinned)
     */
    public int[] cpus(Tier tier) {
        return pools[tier.ordinal()].cpus();
    }

    /**
     * @param tier a tier
     * @return its queue's capacity
     */
    public int queueCapacity(Tier tier) {
        return pools[tier.ordinal()].queue().capacity();
    }

    /**
     * @param tier a tier
     * @return the tasks waiting in its queue now (an estimate)
     */
    public int queuedTasks(Tier tier) {
        return pools[tier.ordinal()].queue().size();
    }

    /**
     * @param tier a tier
     * @return the tasks of that tier that ran to completion (the registry counter's value)
     */
    public long completedTasks(Tier tier) {
        return pools[tier.ordinal()].completed().get();
    }

    /**
     * @param tier a tier
     * @return the tasks of that tier that threw
     */
    public long failedTasks(Tier tier) {
        return pools[tier.ordinal()].failed().get();
    }

    /**
     * @param tier a tier
     * @return the submits to that tier answered QUEUE_FULL
     */
    public long rejectedTasks(Tier tier) {
        return pools[tier.ordinal()].rejected().get();
    }

    /**
     * @param tier a tier
     * @return the queued tasks of that tier dropped because a shutdown timed out
     */
    public long discardedTasks(Tier tier) {
        return pools[tier.ordinal()].discarded().get();
    }

    /** @return this set of pools' name (prefix of its thread and heartbeat names) */
    public String name() {
        return name;
    }

    /** @return true once shutdown has closed every tier's queue (all submits return CLOSED) */
    public boolean isClosed() {
        for (WorkerPool pool : pools) {
            if (!pool.queue().isClosed()) {
                return false;
            }
        }
        return true;
    }

    /** Shuts down with the configured timeout (default 5 s); see {@link #shutdown(Duration)}. */
    @Override
    public void close() {
        shutdown(shutdownTimeout);
    }

    /**
     * Stops accepting tasks, lets the workers drain what was accepted, and joins them, waiting at
     * most {@code timeout}; past it, discards what is still queued (see the class comment).
     * Idempotent: a second call waits for nothing and returns the first one's result.
     *
     * @param timeout the longest time to wait for the queues to drain
     * @return true if every accepted task ran and every worker ended within the timeout
     */
    public boolean shutdown(Duration timeout) {
        synchronized (lock) {
            if (terminated) {
                return cleanShutdown;
            }
            for (WorkerPool pool : pools) {
                pool.closeQueue();
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean interrupted = false;
            for (WorkerPool pool : pools) {
                for (Thread t : pool.threads()) {
                    interrupted |= join(t, deadline - System.nanoTime());
                }
            }
            boolean clean = !anyAlive();
            if (!clean) {
                long dropped = 0;
                for (WorkerPool pool : pools) {
                    dropped += pool.abortAndDiscard();
                }
                long secondDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                for (WorkerPool pool : pools) {
                    for (Thread t : pool.threads()) {
                        interrupted |= join(t, secondDeadline - System.nanoTime());
                    }
                }
                LOG.warn("Worker pools '{}' did not drain within {} ms: {} queued task(s) discarded,"
                        + " {} worker(s) still running a task", name, timeout.toMillis(), dropped,
                        countAlive());
            }
            unregisterHeartbeats();
            terminated = true;
            cleanShutdown = clean;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return clean;
        }
    }

    private void start(Builder b) {
        List<CountDownLatch> latches = new ArrayList<>();
        try {
            for (WorkerPool pool : pools) {
                Tier tier = pool.tier();
                for (int i = 0; i < pool.threads().length; i++) {
                    String id = name + "-" + tier.key() + "-" + i;
                    Heartbeat heartbeat = monitor != null
                            ? monitor.register(id, tier == Tier.CRITICAL, b.stallThresholds.get(tier))
                            : new Heartbeat(id);
                    CountDownLatch started = new CountDownLatch(1);
                    ErrorHandler handler = b.errorHandler != null ? b.errorHandler
                            : new LoggingErrorHandler(LOG, "Task on worker '" + id + "'", 1, TimeUnit.SECONDS);
                    Worker worker = new Worker(pool, heartbeat, Objects.requireNonNull(b.idleStrategies.get(tier).get(),
                            "idle strategy supplier returned null"), handler, pool.cpus(), started);
                    Thread thread = new Thread(worker, "ms-" + id);
                    thread.setDaemon(true);
                    pool.set(i, heartbeat, worker, thread);
                    latches.add(started);
                    thread.start();
                }
            }
            for (CountDownLatch latch : latches) {
                latch.await();
            }
        } catch (RuntimeException | InterruptedException e) {
            shutdown(Duration.ofSeconds(1));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting worker pools '" + name + "'", e);
            }
            throw (RuntimeException) e;
        }
        for (WorkerPool pool : pools) {
            for (Worker worker : pool.workers()) {
                RuntimeException failure = worker.startFailure();
                if (failure != null) {
                    shutdown(Duration.ofSeconds(1));
                    throw new AffinityException("Worker pool '" + pool.tier().key() + "' cannot pin its"
                            + " threads to CPUs " + CpuAffinity.format(pool.cpus()) + ": "
                            + failure.getMessage(), failure);
                }
            }
        }
        LOG.info("Worker pools '{}' started: {}", name, describe());
    }

    private String describe() {
        StringBuilder sb = new StringBuilder();
        for (WorkerPool pool : pools) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(pool.tier().key()).append('=').append(pool.threads().length).append(" thread(s)/")
                    .append(pool.queue().capacity()).append(" slots");
            if (pool.cpus().length > 0) {
                sb.append(" on CPUs ").append(CpuAffinity.format(pool.cpus()));
            }
        }
        return sb.toString();
    }

    private boolean anyAlive() {
        return countAlive() > 0;
    }

    private int countAlive() {
        int alive = 0;
        for (WorkerPool pool : pools) {
            for (Thread t : pool.threads()) {
                if (t != null && t.isAlive() && t != Thread.currentThread()) {
                    alive++;
                }
            }
        }
        return alive;
    }

    private void unregisterHeartbeats() {
        if (monitor == null) {
            return;
        }
        for (WorkerPool pool : pools) {
            for (Heartbeat h : pool.heartbeats()) {
                if (h != null) {
                    monitor.unregister(h);
                }
            }
        }
    }

    private static boolean join(Thread t, long remainingNanos) {
        if (t == null || t == Thread.currentThread()) {
            return false;
        }
        try {
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
            t.join(millis);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static Counter counter(CounterRegistry registry, Tier tier, String what, String description) {
        String counterName = "workers." + tier.key() + "." + what;
        return registry != null ? registry.counter(counterName, description)
                : new Counter(counterName, description, CounterRegistry.UNIT_ONE);
    }

    /**
     * Collects the settings of a {@link WorkerPools}; {@link #build()} starts the threads.
     *
     * <p>Threading: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final Map<Tier, Integer> threads = new EnumMap<>(Tier.class);
        private final Map<Tier, Integer> capacities = new EnumMap<>(Tier.class);
        private final Map<Tier, int[]> cpus = new EnumMap<>(Tier.class);
        private final Map<Tier, Duration> stallThresholds = new EnumMap<>(Tier.class);
        private String name = "worker";
        private final Map<Tier, Supplier<? extends IdleStrategy>> idleStrategies = new EnumMap<>(Tier.class);
        private ErrorHandler errorHandler;
        private CounterRegistry counters;
        private HealthMonitor monitor;
        private Duration shutdownTimeout = Duration.ofSeconds(5);

        private Builder() {
            for (Tier tier : Tier.values()) {
                threads.put(tier, 1);
                capacities.put(tier, 1024);
                cpus.put(tier, new int[0]);
                idleStrategies.put(tier, BackoffIdleStrategy::new);
            }
        }

        /**
         * @param tier  a tier
         * @param count its number of worker threads, 1 to 256 (default 1)
         * @return this builder
         */
        public Builder threads(Tier tier, int count) {
            if (count < 1 || count > 256) {
                throw new IllegalArgumentException("Threads for tier " + tier.key()
                        + " must be from 1 to 256, was " + count);
            }
            threads.put(tier, count);
            return this;
        }

        /**
         * @param capacity every tier's queue capacity, a power of two from 2 to 2^30 (default 1024)
         * @return this builder
         */
        public Builder queueCapacity(int capacity) {
            for (Tier tier : Tier.values()) {
                queueCapacity(tier, capacity);
            }
            return this;
        }

        /**
         * @param tier     a tier
         * @param capacity its queue capacity, a power of two from 2 to 2^30
         * @return this builder
         */
        public Builder queueCapacity(Tier tier, int capacity) {
            if (capacity < 2 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("Queue capacity for tier " + tier.key()
                        + " must be a power of two from 2 to 2^30, was " + capacity);
            }
            capacities.put(tier, capacity);
            return this;
        }

        /**
         * @param tier   a tier
         * @param cpuIds CPUs its workers pin themselves to at start (none: unpinned)
         * @return this builder
         * @throws AffinityException if an id is out of range for this machine
         */
        public Builder cpus(Tier tier, int... cpuIds) {
            int[] copy = cpuIds.clone();
            if (copy.length > 0) {
                CpuAffinity.system().checkCpus(copy);
            }
            cpus.put(tier, copy);
            return this;
        }

        /**
         * @param supplier makes each worker's own idle strategy, for every tier (default
         *                 {@link BackoffIdleStrategy})
         * @return this builder
         */
        public Builder idleStrategy(Supplier<? extends IdleStrategy> supplier) {
            Objects.requireNonNull(supplier, "supplier");
            for (Tier tier : Tier.values()) {
                idleStrategies.put(tier, supplier);
            }
            return this;
        }

        /**
         * @param tier     a tier
         * @param supplier makes each of its workers' own idle strategy (e.g. a busy spin for a
         *                 pinned critical tier)
         * @return this builder
         */
        public Builder idleStrategy(Tier tier, Supplier<? extends IdleStrategy> supplier) {
            idleStrategies.put(tier, Objects.requireNonNull(supplier, "supplier"));
            return this;
        }

        /**
         * @param handler receives every task failure, from all workers at once, so it must be
         *                thread-safe; default: each worker logs at WARN, at most once a second
         * @return this builder
         */
        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param registry where the per-tier counters are registered (default: unregistered ones)
         * @return this builder
         */
        public Builder counters(CounterRegistry registry) {
            this.counters = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @param healthMonitor registers a heartbeat per worker with it (default: unmonitored)
         * @return this builder
         */
        public Builder healthMonitor(HealthMonitor healthMonitor) {
            this.monitor = Objects.requireNonNull(healthMonitor, "healthMonitor");
            return this;
        }

        /**
         * @param tier      a tier
         * @param threshold how long one of its tasks may run before its worker is reported stalled
         *                  (default: the monitor's threshold)
         * @return this builder
         */
        public Builder stallThreshold(Tier tier, Duration threshold) {
            stallThresholds.put(tier, Objects.requireNonNull(threshold, "threshold"));
            return this;
        }

        /**
         * @param timeout how long {@link WorkerPools#close()} lets the workers drain (default 5 s)
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param poolsName prefix of thread ({@code ms-<name>-<tier>-<i>}) and heartbeat names
         *                  (default {@code worker}); give each instance sharing a monitor its own
         * @return this builder
         */
        public Builder name(String poolsName) {
            this.name = Objects.requireNonNull(poolsName, "poolsName");
            return this;
        }

        /**
         * Creates the pools and starts every worker thread; returns once all are running (and
         * pinned, where asked).
         *
         * @return the running pools
         * @throws AffinityException        if a worker could not pin itself
         * @throws IllegalArgumentException if a heartbeat name is already registered with the monitor
         */
        public WorkerPools build() {
            WorkerPools pools = new WorkerPools(this);
            pools.start(this);
            return pools;
        }
    }
}
