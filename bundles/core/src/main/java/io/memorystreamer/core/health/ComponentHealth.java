package io.memorystreamer.core.health;

import java.time.Duration;
import java.util.Objects;

/**
 * The health of one component in a {@link HealthReport}.
 *
 * <p>Threading: immutable, safe to share. Invariants: no field is null; {@code busyFor} is zero
 * when idle; {@code stalledFor} is zero unless the state is {@link ComponentState#STALLED}, and
 * then equals {@code busyFor} (how long the current cycle or task has been running).
 *
 * @param name       the component's name, e.g. {@code worker-delivery-0}
 * @param state      idle, busy or stalled
 * @param critical   true if its stall takes the whole node {@link HealthState#DOWN}
 * @param busyFor    how long the current cycle or task has been running
 * @param stalledFor how long the stalled cycle or task has been running, or zero
 * @param threshold  the stall threshold applied to it
 */
public record ComponentHealth(String name, ComponentState state, boolean critical,
                              Duration busyFor, Duration stalledFor, Duration threshold) {
    /** Checks that no field is null. */
    public ComponentHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(busyFor, "busyFor");
        Objects.requireNonNull(stalledFor, "stalledFor");
        Objects.requireNonNull(threshold, "threshold");
    }

    /** @return true if the component is stalled */
    public boolean stalled() {
        return state == ComponentState.STALLED;
    }
}
