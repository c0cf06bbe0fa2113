package io.memorystreamer.core.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/** Unit and concurrency tests of {@link CounterRegistry}. */
class CounterRegistryTest {
    @Test
    void returnsTheExistingCounterForAName() {
        CounterRegistry registry = new CounterRegistry();
        Counter first = registry.counter("wal.appends", "Records appended");
        Counter again = registry.counter("wal.appends", "another description");
        assertSame(first, again);
        assertEquals("Records appended", again.description());
        assertEquals(CounterRegistry.UNIT_ONE, first.unit());
        assertEquals("By", registry.counter("wal.bytes", "Bytes", "By").unit());
        assertEquals(2, registry.size());
    }

    @Test
    void snapshotAndForEachFollowRegistrationOrder() {
        CounterRegistry registry = new CounterRegistry();
        registry.counter("b", "second").add(2);
        registry.counter("a", "first").add(1);
        registry.counter("c", "third", "ns").add(3);
        List<CounterSnapshot> snapshot = registry.snapshot();
        assertEquals(List.of(new CounterSnapshot("b", "second", "1", 2),
                new CounterSnapshot("a", "first", "1", 1),
                new CounterSnapshot("c", "third", "ns", 3)), snapshot);
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add(snapshot.get(0)));
        List<String> names = new ArrayList<>();
        registry.forEach(c -> names.add(c.name()));
        assertEquals(List.of("b", "a", "c"), names);
    }

    @Test
    void findsAndRemoves() {
        CounterRegistry registry = new CounterRegistry();
        Counter c = registry.counter("x", "");
        assertSame(c, registry.find("x").orElseThrow());
        assertTrue(registry.find("y").isEmpty());
        assertTrue(registry.remove("x"));
        assertFalse(registry.remove("x"));
        assertTrue(registry.find("x").isEmpty());
        assertEquals(0, registry.snapshot().size());
        c.increment(); // a removed counter still works for whoever holds it
        assertEquals(1, c.get());
    }

    @Test
    void rejectsBlankNames() {
        CounterRegistry registry = new CounterRegistry();
        assertThrows(IllegalArgumentException.class, () -> registry.counter(" ", ""));
        assertThrows(NullPointerException.class, () -> registry.counter(null, ""));
    }

    @Test
    void concurrentRegistrationYieldsOneCounterPerNameAndExactSums() throws Exception {
        CounterRegistry registry = new CounterRegistry();
        int threads = 4;
        int names = 50;
        int increments = 10_000;
        AtomicReferenceArray<Counter> seen = new AtomicReferenceArray<>(names);
        ConcurrentHashMap<String, Boolean> mismatches = new ConcurrentHashMap<>();
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (int n = 0; n < names; n++) {
                    Counter c = registry.counter("c" + n, "");
                    if (!seen.compareAndSet(n, null, c) && seen.get(n) != c) {
                        mismatches.put("c" + n, true);
                    }
                    for (int i = 0; i < increments; i++) {
                        c.increment();
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertTrue(mismatches.isEmpty(), "two counters for one name: " + mismatches.keySet());
        assertEquals(names, registry.size());
        for (CounterSnapshot s : registry.snapshot()) {
            assertEquals((long) threads * increments, s.value(), s.name());
        }
    }
}
