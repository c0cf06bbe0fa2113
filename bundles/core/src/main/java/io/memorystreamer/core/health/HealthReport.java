package io.memorystreamer.core.health;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of the node's health: the overall state and every monitored component, as
 * {@link HealthMonitor#snapshot()} found them at one moment.
 *
 * <p>Threading: immutable (the list is an unmodifiable copy), safe to read from any thread and to
 * keep. Invariant: {@code overall} is the state {@link HealthMonitor} derives from
 * {@code components}.
 *
 * @param overall    UP, DEGRADED or DOWN
 * @param components every registered component, in registration order
 * @param takenAt    when the snapshot was taken (wall clock, for display)
 */
public record HealthReport(HealthState overall, List<ComponentHealth> components, Instant takenAt) {
    /** Copies the list and checks that no field is null. */
    public HealthReport {
        Objects.requireNonNull(overall, "overall");
        components = List.copyOf(components);
        Objects.requireNonNull(takenAt, "takenAt");
    }

    /** @return the stalled components only, in registration order */
    public List<ComponentHealth> stalled() {
        return components.stream().filter(ComponentHealth::stalled).toList();
    }

    /**
     * Finds a component by name.
     *
     * @param name the component's name
     * @return its health, or empty if no component has that name
     */
    public Optional<ComponentHealth> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
