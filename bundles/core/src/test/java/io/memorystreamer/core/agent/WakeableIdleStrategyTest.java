package io.memorystreamer.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A wake ends a long park at once; without one the park runs its course. */
class WakeableIdleStrategyTest {
    @Test
    void aWakeEndsAParkThatWouldOtherwiseLastSeconds() throws Exception {
        long tenSeconds = TimeUnit.SECONDS.toNanos(10);
        WakeableIdleStrategy idle = new WakeableIdleStrategy(0, 0, tenSeconds, tenSeconds);
        AtomicLong parkedFor = new AtomicLong();
        Thread agent = new Thread(() -> {
            long start = System.nanoTime();
            idle.idle(0); // would park 10 s
            parkedFor.set(System.nanoTime() - start);
        }, "agent");
        agent.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agent.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            idle.wake();
        }
        agent.join(TimeUnit.SECONDS.toMillis(15));
        assertTrue(parkedFor.get() > 0 && parkedFor.get() < TimeUnit.SECONDS.toNanos(5),
                "woken long before its 10 s park ended: " + parkedFor.get() + " ns");
    }

    @Test
    void aWakeWithNobodyParkedCostsNothingAndWorkResets() {
        WakeableIdleStrategy idle = new WakeableIdleStrategy(2, 0, 1_000, 1_000);
        idle.wake(); // no owner yet: nothing to do, no failure
        idle.idle(0);
        idle.idle(0);
        idle.idle(1);
        long start = System.nanoTime();
        idle.idle(0); // spins again after the reset, no park
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500));
        assertEquals(IllegalArgumentException.class,
                assertThrows(IllegalArgumentException.class, () -> new WakeableIdleStrategy(0, 0, 10, 5)).getClass());
    }
}
