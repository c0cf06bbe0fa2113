package io.memorystreamer.core.counters;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A named 64-bit counter, cheap enough to update on the message path.
 *
 * <p>Threading: {@link #increment()}, {@link #add(long)}, {@link #set(long)} and {@link #get()}
 * may be called from any number of threads at once (atomic read-modify-write and volatile
 * accesses). The {@code *Ordered} methods are for a counter with a <em>single writer</em>: they
 * replace the atomic instruction with a plain read and a release store, which is cheaper but loses
 * updates if two threads write at once. Readers on other threads see every ordered write in order.
 *
 * <p>Invariants: the value is padded on both sides so that updates never cause false sharing with
 * a neighbouring object; no method allocates, locks or logs. The name, description and unit never
 * change.
 */
public final class Counter extends CounterRhsPadding {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(CounterValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final String description;
    private final String unit;

    /**
     * Creates a counter that belongs to no registry (tests, standalone tools). Counters others
     * should see are made with {@link CounterRegistry#counter(String, String)}.
     *
     * @param name        the counter's name, e.g. {@code workers.delivery.completed}
     * @param description what it counts, for people reading telemetry
     * @param unit        its unit in UCUM form as OpenTelemetry uses it, e.g. {@code 1} or {@code By}
     */
    public Counter(String name, String description, String unit) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.unit = Objects.requireNonNull(unit, "unit");
    }

    /** @return the counter's name, unique within its registry */
    public String name() {
        return name;
    }

    /** @return what the counter counts */
    public String description() {
        return description;
    }

    /** @return the counter's unit ({@code 1} for a plain count) */
    public String unit() {
        return unit;
    }

    /** Adds one, atomically; safe from any number of threads. */
    public void increment() {
        VALUE.getAndAdd(this, 1L);
    }

    /**
     * Adds {@code delta}, atomically; safe from any number of threads.
     *
     * @param delta the amount to add (may be negative)
     */
    public void add(long delta) {
        VALUE.getAndAdd(this, delta);
    }

    /**
     * Adds one with a plain read and a release store. Only for a counter with a single writer
     * thread; concurrent writers would lose updates.
     */
    public void incrementOrdered() {
        VALUE.setRelease(this, (long) VALUE.get(this) + 1L);
    }

    /**
     * Adds {@code delta} with a plain read and a release store. Only for a counter with a single
     * writer thread.
     *
     * @param delta the amount to add (may be negative)
     */
    public void addOrdered(long delta) {
        VALUE.setRelease(this, (long) VALUE.get(this) + delta);
    }

    /**
     * Sets the value with a volatile store.
     *
     * @param newValue the new value
     */
    public void set(long newValue) {
        VALUE.setVolatile(this, newValue);
    }

    /**
     * Sets the value with a release store (the {@code lazySet} of the atomic classes): cheaper
     * than {@link #set(long)}, and still seen in order by readers.
     *
     * @param newValue the new value
     */
    public void setOrdered(long newValue) {
        VALUE.setRelease(this, newValue);
    }

    /** @return the current value (volatile read) */
    public long get() {
        return (long) VALUE.getVolatile(this);
    }

    /** @return {@code name=value}, for logs and tests */
    @Override
    public String toString() {
        return name + '=' + get();
    }
}
