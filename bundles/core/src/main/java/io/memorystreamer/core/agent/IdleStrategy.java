package io.memorystreamer.core.agent;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a duty-cycle thread does when a cycle found no work: spin, yield or park.
 *
 * <p>Threading: an idle strategy keeps state (how long it has been idle), so each thread needs its
 * own instance; none is thread-safe. Invariant: {@link #idle(int)} with a positive count never
 * waits and resets that state.
 */
@ConsumerType
public interface IdleStrategy {
    /**
     * Called after every duty cycle.
     *
     * @param workCount how much work the cycle did; if positive the strategy resets and returns at
     *                  once, if 0 it waits according to how long it has been idle
     */
    void idle(int workCount);

    /** Forgets how long the thread has been idle (called when work arrives). */
    void reset();
}
