package io.memorystreamer.core.agent;

/**
 * Never gives up the CPU: hints the processor with {@link Thread#onSpinWait()} and returns.
 * Lowest latency, burns a whole core; only for a thread pinned to a CPU of its own.
 *
 * <p>Threading: stateless, so one instance may be shared by any number of threads.
 */
public final class BusySpinIdleStrategy implements IdleStrategy {
    /** A shared instance (the strategy has no state). */
    public static final BusySpinIdleStrategy INSTANCE = new BusySpinIdleStrategy();

    /** Creates the strategy; {@link #INSTANCE} serves as well. */
    public BusySpinIdleStrategy() {
        // stateless
    }

    /** {@inheritDoc} Spins once if there was no work. */
    @Override
    public void idle(int workCount) {
        if (workCount <= 0) {
            Thread.onSpinWait();
        }
    }

    /** Nothing to reset. */
    @Override
    public void reset() {
        // stateless
    }
}
