package io.memorystreamer.core.agent;

/**
 * Calls {@link Thread#yield()} when there was no work: low latency, and lets other threads run on
 * the core, but still keeps it busy when nothing else wants it.
 *
 * <p>Threading: stateless, so one instance may be shared by any number of threads.
 */
public final class YieldingIdleStrategy implements IdleStrategy {
    /** A shared instance (the strategy has no state). */
    public static final YieldingIdleStrategy INSTANCE = new YieldingIdleStrategy();

    /** Creates the strategy; {@link #INSTANCE} serves as well. */
    public YieldingIdleStrategy() {
        // stateless
    }

    /** {@inheritDoc} Yields once if there was no work. */
    @Override
    public void idle(int workCount) {
        if (workCount <= 0) {
            Thread.yield();
        }
    }

    /** Nothing to reset. */
    @Override
    public void reset() {
        // stateless
    }
}
