package io.memorystreamer.core.counters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The named counters of one broker, registered by every bundle and read by telemetry.
 *
 * <p>Registered as an OSGi service by the core bundle. A component asks for its counters once,
 * when it starts ({@link #counter(String, String)} returns the existing counter of that name or a
 * new one), keeps the {@link Counter} references and updates them on its hot path without ever
 * coming back here. Telemetry walks the counters with {@link #forEach} or {@link #snapshot()}.
 *
 * <p>Threading: every method is safe from any thread. Registration and removal take a lock
 * (rare, start-up work); lookups, iteration and snapshots are lock-free and see the set of
 * counters as of a recent registration. Counter updates never touch the registry.
 *
 * <p>Invariants: at most one counter per name; iteration order is registration order; the
 * published array is never modified after publication (copy on write).
 */
public final class CounterRegistry {
    /** The unit of a plain count, in UCUM form as OpenTelemetry uses it. */
    public static final String UNIT_ONE = "1";

    private final Object lock = new Object();
    private final ConcurrentHashMap<String, Counter> byName = new ConcurrentHashMap<>();
    private volatile Counter[] all = new Counter[0];

    /** Creates an empty registry. */
    public CounterRegistry() {
        // nothing registered yet
    }

    /**
     * Returns the counter with this name, creating it with unit {@link #UNIT_ONE} if there is
     * none.
     *
     * @param name        a non-blank name, dot separated by convention ({@code wal.appends})
     * @param description what it counts (ignored if the counter exists)
     * @return the one counter of that name
     * @throws IllegalArgumentException if the name is blank
     */
    public Counter counter(String name, String description) {
        return counter(name, description, UNIT_ONE);
    }

    /**
     * Returns the counter with this name, creating it if there is none. An existing counter keeps
     * the description and unit it was created with.
     *
     * @param name        a non-blank name, dot separated by convention ({@code wal.bytes.written})
     * @param description what it counts (ignored if the counter exists)
     * @param unit        its unit, e.g. {@code 1}, {@code By}, {@code ns} (ignored if it exists)
     * @return the one counter of that name
     * @throws IllegalArgumentException if the name is blank
     */
    public Counter counter(String name, String description, String unit) {
        Objects.requireNonNull(name, "name");
        Counter existing = byName.get(name);
        if (existing != null) {
            return existing;
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("A counter name must not be blank");
        }
        synchronized (lock) {
            existing = byName.get(name);
            if (existing != null) {
                return existing;
            }
            Counter created = new Counter(name, description, unit);
            Counter[] current = all;
            Counter[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = created;
            byName.put(name, created);
            all = next;
            return created;
        }
    }

    /**
     * Finds a counter without creating it.
     *
     * @param name the counter's name
     * @return the counter, or empty if none has that name
     */
    public Optional<Counter> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Removes a counter, e.g. when the component that owned it stops. Holders of the
     * {@link Counter} may keep updating it; it is simply no longer reported.
     *
     * @param name the counter's name
     * @return true if a counter was removed
     */
    public boolean remove(String name) {
        synchronized (lock) {
            Counter removed = byName.remove(name);
            if (removed == null) {
                return false;
            }
            Counter[] current = all;
            Counter[] next = new Counter[current.length - 1];
            int j = 0;
            for (Counter c : current) {
                if (c != removed) {
                    next[j++] = c;
                }
            }
            all = next;
            return true;
        }
    }

    /**
     * Calls {@code action} for every registered counter, in registration order, without locking.
     *
     * @param action what to do with each counter
     */
    public void forEach(Consumer<? super Counter> action) {
        for (Counter c : all) {
            action.accept(c);
        }
    }

    /**
     * Reads every counter once.
     *
     * @return an immutable list of name, description, unit and value, in registration order
     */
    public List<CounterSnapshot> snapshot() {
        Counter[] current = all;
        List<CounterSnapshot> result = new ArrayList<>(current.length);
        for (Counter c : current) {
            result.add(new CounterSnapshot(c.name(), c.description(), c.unit(), c.get()));
        }
        return List.copyOf(result);
    }

    /** @return the number of registered counters */
    public int size() {
        return all.length;
    }
}
