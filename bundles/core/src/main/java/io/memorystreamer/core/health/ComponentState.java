package io.memorystreamer.core.health;

/**
 * What a monitored component (an agent runner or a pool worker) is doing, as its heartbeat shows.
 *
 * <p>Threading: an enum, immutable.
 */
public enum ComponentState {
    /** Waiting for work (spinning, yielding or parked): healthy however long it lasts. */
    IDLE,
    /** Running a duty cycle or a task for less than its stall threshold: healthy. */
    BUSY,
    /** Running the same duty cycle or task for longer than its stall threshold. */
    STALLED
}
