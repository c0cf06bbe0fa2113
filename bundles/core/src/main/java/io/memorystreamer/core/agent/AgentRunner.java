package io.memorystreamer.core.agent;

import io.memorystreamer.core.affinity.AffinityException;
import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.health.Heartbeat;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an {@link Agent} a thread of its own and runs its duty cycle until closed.
 *
 * <p>The thread: pins itself to the configured CPUs (if any), calls {@link Agent#onStart()}, then
 * loops: mark the heartbeat busy, {@link Agent#doWork()}, mark it idle, let the
 * {@link IdleStrategy} wait if there was no work. An exception from {@code doWork()} is counted
 * ({@link #errorCount()}, and the error counter if one was given), passed to the error handler,
 * and the loop carries on with the next cycle (after an idle step, so a failing agent cannot spin
 * a core). On close the loop ends and {@link Agent#onClose()} is called on the same thread.
 *
 * <p>{@link #start()} returns once the thread is pinned and {@code onStart()} has returned; if
 * either fails, {@code start()} throws and the thread has ended. {@link #close()} asks the loop to
 * stop, wakes a parked thread, and joins it for up to the close timeout; only if it is still
 * running then is it interrupted (an interrupt would close the agent's NIO channels, so it is the
 * last resort) and joined once more.
 *
 * <p>Threading: {@code start()} and {@code close()} may be called from any thread (close is
 * idempotent and may race with start). The agent runs only on the runner's thread. Invariants: a
 * runner starts at most once; after {@code close()} returns, {@code doWork()} is not called again
 * (unless the thread ignored the interrupt, which is logged).
 */
public final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    private final Agent agent;
    private final IdleStrategy idleStrategy;
    private final ErrorHandler errorHandler;
    private final Counter errors;
    private final Heartbeat heartbeat;
    private final int[] cpus;
    private final Duration closeTimeout;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);

    private volatile boolean running = true;
    private volatile boolean startRequested;
    private volatile Throwable startFailure;

    private AgentRunner(Builder b) {
        this.agent = b.agent;
        this.idleStrategy = b.idleStrategy != null ? b.idleStrategy : new BackoffIdleStrategy();
        this.errorHandler = b.errorHandler != null ? b.errorHandler
                : new LoggingErrorHandler(LOG, "Agent '" + agent.roleName() + "'", 1, TimeUnit.SECONDS);
        this.errors = b.errorCounter != null ? b.errorCounter
                : new Counter("agent." + agent.roleName() + ".errors",
                        "Exceptions thrown by the agent's duty cycle", "1");
        this.heartbeat = b.heartbeat != null ? b.heartbeat : new Heartbeat("agent-" + agent.roleName());
        this.cpus = b.cpus;
        this.closeTimeout = b.closeTimeout;
        this.thread = new Thread(this::run, b.threadName != null ? b.threadName : "ms-agent-" + agent.roleName());
        this.thread.setDaemon(true);
    }

    /**
     * Starts building a runner for an agent.
     *
     * @param agent the agent to run
     * @return a builder with back-off idling, logging error handler, no pinning
     */
    public static Builder builder(Agent agent) {
        return new Builder(agent);
    }

    /**
     * Starts the agent's thread and waits until it is pinned and {@link Agent#onStart()} returned.
     *
     * @return this runner
     * @throws IllegalStateException if already started or closed, or if {@code onStart()} threw
     * @throws AffinityException     if the thread could not be pinned to its CPUs
     */
    public AgentRunner start() {
        synchronized (this) {
            if (startRequested) {
                throw new IllegalStateException("Agent runner '" + agent.roleName() + "' was already started");
            }
            if (!running) {
                throw new IllegalStateException("Agent runner '" + agent.roleName() + "' is closed");
            }
            startRequested = true;
            thread.start();
        }
        boolean interrupted = false;
        while (true) {
            try {
                started.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failure = startFailure;
        if (failure instanceof AffinityException) {
            throw new AffinityException("Agent '" + agent.roleName() + "' cannot start: "
                    + failure.getMessage(), failure);
        }
        if (failure != null) {
            throw new IllegalStateException("Agent '" + agent.roleName() + "' failed in onStart(): "
                    + failure, failure);
        }
        return this;
    }

    /** @return true from {@link #start()} until the loop ends */
    public boolean isRunning() {
        return thread.isAlive() && running;
    }

    /** @return how many exceptions {@link Agent#doWork()} has thrown */
    public long errorCount() {
        return errors.get();
    }

    /** @return the agent this runner runs */
    public Agent agent() {
        return agent;
    }

    /** @return the heartbeat marked every duty cycle */
    public Heartbeat heartbeat() {
        return heartbeat;
    }

    /** @return the runner's thread (for diagnostics; do not interrupt or join it) */
    public Thread thread() {
        return thread;
    }

    /**
     * Stops the loop, waits for {@link Agent#onClose()} and the thread to end (see the class
     * comment for the timeout and interrupt rules). Idempotent; safe from any thread except the
     * runner's own.
     */
    @Override
    public void close() {
        synchronized (this) {
            running = false;
            if (!startRequested) {
                return;
            }
        }
        if (Thread.currentThread() == thread) {
            return; // an agent closing its own runner: the loop ends after this cycle
        }
        LockSupport.unpark(thread);
        long timeoutMillis = Math.max(1, closeTimeout.toMillis());
        boolean interrupted = join(timeoutMillis);
        if (thread.isAlive()) {
            LOG.warn("Agent '{}' did not stop within {} ms; interrupting its thread",
                    agent.roleName(), timeoutMillis);
            thread.interrupt();
            interrupted |= join(timeoutMillis);
            if (thread.isAlive()) {
                LOG.error("Agent '{}' still runs after an interrupt; its thread is abandoned",
                        agent.roleName());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean join(long millis) {
        try {
            thread.join(millis);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private void run() {
        try {
            if (cpus.length > 0) {
                CpuAffinity.pin(cpus);
            }
            agent.onStart();
        } catch (Throwable t) {
            startFailure = t;
            running = false;
            // onClose runs before start() returns, so its caller finds the agent fully wound down.
            if (!(t instanceof AffinityException)) {
                closeAgent();
            }
            started.countDown();
            return;
        }
        started.countDown();
        try {
            while (running) {
                heartbeat.busy();
                int work;
                try {
                    work = agent.doWork();
                } catch (Throwable t) {
                    work = 0;
                    if (running || !(t instanceof InterruptedException)) {
                        report(t);
                    }
                }
                heartbeat.idle();
                idleStrategy.idle(work);
            }
        } finally {
            heartbeat.idle();
            closeAgent();
        }
    }

    private void closeAgent() {
        try {
            agent.onClose();
        } catch (Throwable t) {
            report(t);
        }
    }

    private void report(Throwable t) {
        errors.increment();
        try {
            errorHandler.onError(t);
        } catch (Throwable handlerFailure) {
            LOG.error("The error handler of agent '{}' threw while reporting {}",
                    agent.roleName(), t, handlerFailure);
        }
    }

    /**
     * Collects the settings of an {@link AgentRunner}.
     *
     * <p>Threading: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final Agent agent;
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;
        private Counter errorCounter;
        private Heartbeat heartbeat;
        private int[] cpus = new int[0];
        private Duration closeTimeout = Duration.ofSeconds(5);
        private String threadName;

        private Builder(Agent agent) {
            this.agent = Objects.requireNonNull(agent, "agent");
        }

        /**
         * @param strategy the idle strategy (its own instance); default {@link BackoffIdleStrategy}
         * @return this builder
         */
        public Builder idleStrategy(IdleStrategy strategy) {
            this.idleStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * @param handler receives the agent's exceptions; default logs at WARN, at most once a
         *                second
         * @return this builder
         */
        public Builder errorHandler(ErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * @param counter also counts the agent's exceptions (e.g. one from the counter registry)
         * @return this builder
         */
        public Builder errorCounter(Counter counter) {
            this.errorCounter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /**
         * @param slot the heartbeat to mark every duty cycle, e.g. from
         *             {@link io.memorystreamer.core.health.HealthMonitor#register(String, boolean)};
         *             default an unmonitored one
         * @return this builder
         */
        public Builder heartbeat(Heartbeat slot) {
            this.heartbeat = Objects.requireNonNull(slot, "slot");
            return this;
        }

        /**
         * @param cpuIds CPUs the thread pins itself to when it starts; none means unpinned
         * @return this builder
         */
        public Builder cpus(int... cpuIds) {
            this.cpus = cpuIds.clone();
            if (cpus.length > 0) {
                CpuAffinity.system().checkCpus(cpus);
            }
            return this;
        }

        /**
         * @param timeout how long {@link AgentRunner#close()} waits before interrupting, and then
         *                again; default 5 s
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param name the thread's name; default {@code ms-agent-<roleName>}
         * @return this builder
         */
        public Builder threadName(String name) {
            this.threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @return a runner, not yet started */
        public AgentRunner build() {
            return new AgentRunner(this);
        }
    }
}
