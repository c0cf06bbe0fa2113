package io.memorystreamer.core.counters;

import java.util.Objects;

/**
 * The value of one counter at the moment a {@link CounterRegistry#snapshot()} read it.
 *
 * <p>Threading: immutable, safe to share. Invariant: no field is null.
 *
 * @param name        the counter's name
 * @param description what it counts
 * @param unit        its unit
 * @param value       its value when read
 */
public record CounterSnapshot(String name, String description, String unit, long value) {
    /** Checks that no text field is null. */
    public CounterSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(unit, "unit");
    }
}
