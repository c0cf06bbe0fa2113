package io.memorystreamer.core.agent;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A unit of work done on a duty cycle by one thread (see {@link AgentRunner}).
 *
 * <p>Each call to {@link #doWork()} does a bounded amount of work (drain a batch from a queue,
 * flush a group of records) and returns how much it did; when it returns 0 the runner's
 * {@link IdleStrategy} backs off. An agent must not block in {@code doWork()}: a cycle that runs
 * longer than the health monitor's threshold is reported as stalled.
 *
 * <p>Threading: the runner calls {@link #onStart()}, every {@link #doWork()} and
 * {@link #onClose()} from the same thread, so an agent's own state needs no synchronisation. Other
 * threads talk to an agent only through thread-safe queues or counters it polls.
 */
@ConsumerType
public interface Agent {
    /**
     * Does one duty cycle of work.
     *
     * @return how much work was done (0 lets the runner idle)
     * @throws Exception any failure: the runner counts it, reports it to its error handler and
     *                   carries on with the next cycle
     */
    int doWork() throws Exception;

    /** @return the agent's role, used to name its thread and its heartbeat, e.g. {@code flusher} */
    String roleName();

    /**
     * Called once on the agent's thread before the first {@link #doWork()}. If it throws, the
     * agent never runs and {@link AgentRunner#start()} fails.
     *
     * @throws Exception a failure that prevents the agent from running
     */
    default void onStart() throws Exception {
        // nothing to prepare by default
    }

    /**
     * Called once on the agent's thread after the last {@link #doWork()}, when its runner
     * closes.
     *
     * @throws Exception reported to the runner's error handler
     */
    default void onClose() throws Exception {
        // nothing to release by default
    }
}
