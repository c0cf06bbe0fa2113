package io.memorystreamer.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.core.agent.BackoffIdleStrategy.Phase;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Tests of the idle strategies: they return, back off in order, reset on work. */
class IdleStrategyTest {
    @Test
    void busySpinAndYieldingReturnPromptly() {
        for (int i = 0; i < 10_000; i++) {
            BusySpinIdleStrategy.INSTANCE.idle(0);
            BusySpinIdleStrategy.INSTANCE.idle(1);
            YieldingIdleStrategy.INSTANCE.idle(0);
        }
        new BusySpinIdleStrategy().reset();
        new YieldingIdleStrategy().reset();
    }

    @Test
    void backoffSpinsThenYieldsThenParksWithGrowingPeriods() {
        BackoffIdleStrategy s = new BackoffIdleStrategy(3, 2, 1_000, 8_000);
        assertEquals(Phase.NOT_IDLE, s.phase());
        for (int i = 0; i < 3; i++) {
            s.idle(0);
            assertEquals(Phase.SPINNING, s.phase());
        }
        for (int i = 0; i < 2; i++) {
            s.idle(0);
            assertEquals(Phase.YIELDING, s.phase());
        }
        s.idle(0);
        assertEquals(Phase.PARKING, s.phase());
        assertEquals(2_000, s.nextParkNanos());
        s.idle(0);
        assertEquals(4_000, s.nextParkNanos());
        s.idle(0);
        s.idle(0);
        s.idle(0);
        assertEquals(8_000, s.nextParkNanos(), "capped at maxParkNanos");
    }

    @Test
    void workResetsTheBackoff() {
        BackoffIdleStrategy s = new BackoffIdleStrategy(0, 0, 1_000, 1_000_000);
        s.idle(0);
        s.idle(0);
        assertEquals(Phase.PARKING, s.phase());
        s.idle(5);
        assertEquals(Phase.NOT_IDLE, s.phase());
        assertEquals(1_000, s.nextParkNanos());
        s.idle(0);
        s.reset();
        assertEquals(Phase.NOT_IDLE, s.phase());
    }

    @Test
    void aHugeMaximumDoesNotOverflow() {
        BackoffIdleStrategy s = new BackoffIdleStrategy(0, 0, 1, Long.MAX_VALUE);
        Thread.currentThread().interrupt(); // makes every park return at once
        try {
            for (int i = 0; i < 70; i++) {
                s.idle(0);
                assertTrue(s.nextParkNanos() > 0);
            }
        } finally {
            Thread.interrupted();
        }
        assertEquals(Long.MAX_VALUE, s.nextParkNanos());
    }

    @Test
    void aParkedThreadWakesWhenUnparked() throws Exception {
        BackoffIdleStrategy s = new BackoffIdleStrategy(0, 0, 60_000_000_000L, 60_000_000_000L);
        Thread t = new Thread(() -> {
            s.idle(0); // no spins or yields allowed: parks for up to a minute unless unparked
        });
        t.start();
        while (t.getState() != Thread.State.TIMED_WAITING && t.isAlive()) {
            Thread.onSpinWait();
        }
        LockSupport.unpark(t);
        t.join(10_000);
        assertTrue(!t.isAlive(), "unpark ends the park");
    }

    @Test
    void rejectsBadLimits() {
        assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(-1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(0, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BackoffIdleStrategy(0, 0, 10, 5));
    }
}
