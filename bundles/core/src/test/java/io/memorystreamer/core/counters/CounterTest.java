package io.memorystreamer.core.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** Unit and concurrency tests of {@link Counter}. */
class CounterTest {
    @Test
    void updatesAndReads() {
        Counter c = new Counter("test.count", "a count", "1");
        assertEquals(0, c.get());
        c.increment();
        c.add(41);
        assertEquals(42, c.get());
        c.incrementOrdered();
        c.addOrdered(-3);
        assertEquals(40, c.get());
        c.set(7);
        assertEquals(7, c.get());
        c.setOrdered(9);
        assertEquals(9, c.get());
        assertEquals("test.count=9", c.toString());
        assertEquals("test.count", c.name());
        assertEquals("a count", c.description());
        assertEquals("1", c.unit());
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new Counter(null, "d", "1"));
        assertThrows(NullPointerException.class, () -> new Counter("n", null, "1"));
        assertThrows(NullPointerException.class, () -> new Counter("n", "d", null));
    }

    @Test
    void concurrentIncrementsSumExactly() throws Exception {
        Counter c = new Counter("test.concurrent", "", "1");
        int threads = 4;
        int perThread = 250_000;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final boolean useAdd = t % 2 == 0;
            Thread w = new Thread(() -> {
                await(barrier);
                for (int i = 0; i < perThread; i++) {
                    if (useAdd) {
                        c.add(2);
                    } else {
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
        assertEquals((long) perThread * (2 + 1 + 2 + 1), c.get());
    }

    @Test
    void singleWriterOrderedUpdatesAreSeenByAReader() throws Exception {
        Counter c = new Counter("test.ordered", "", "1");
        int n = 1_000_000;
        Thread writer = new Thread(() -> {
            for (int i = 0; i < n; i++) {
                c.incrementOrdered();
            }
        });
        writer.start();
        long last = 0;
        while (last < n) {
            long now = c.get();
            if (now < last) {
                throw new AssertionError("counter went backwards: " + last + " -> " + now);
            }
            last = now;
            Thread.onSpinWait();
        }
        writer.join();
        assertEquals(n, c.get());
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
