package io.memorystreamer.core.health;

/**
 * The overall health of the node, derived from its components.
 *
 * <p>Threading: an enum, immutable.
 */
public enum HealthState {
    /** No component is stalled. */
    UP,
    /** Some components are stalled, but no critical one, and not all of them. */
    DEGRADED,
    /** A critical component (replication, heartbeats) is stalled, or every component is. */
    DOWN
}
