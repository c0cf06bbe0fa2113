package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures the bytes a piece of code allocates on the current thread (HotSpot's per-thread
 * allocation counter). Not a benchmark: it asserts that the publish-path checks and placement
 * allocate nothing once warmed up, whatever the compiler does.
 */
final class AllocationCheck {
    private AllocationCheck() {
    }

    /** Runs {@code body} enough to warm it, then asserts that another run allocates (almost) nothing. */
    static void assertAllocatesNothing(String what, Runnable body) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "per-thread allocation counter not available");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(counter.isThreadAllocatedMemorySupported() && counter.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counter not enabled");
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 20; i++) {
            body.run();
        }
        long before = counter.getThreadAllocatedBytes(thread);
        body.run();
        long allocated = counter.getThreadAllocatedBytes(thread) - before;
        // A few hundred bytes of slack for the counter's own bookkeeping; one object per call would be far more.
        assertTrue(allocated < 1024, what + " allocated " + allocated + " bytes");
    }
}
