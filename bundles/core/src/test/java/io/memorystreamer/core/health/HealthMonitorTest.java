package io.memorystreamer.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.core.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Tests of {@link HealthMonitor} with a fake clock, and of its checker thread with a real one. */
class HealthMonitorTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final HealthMonitor monitor = new HealthMonitor(Duration.ofMillis(100), clock::get);

    @Test
    void anIdleComponentIsNeverStalled() {
        Heartbeat h = monitor.register("worker-a");
        clock.addAndGet(1_000_000 * MS);
        HealthReport report = monitor.snapshot();
        assertEquals(HealthState.UP, report.overall());
        ComponentHealth c = report.component("worker-a").orElseThrow();
        assertEquals(ComponentState.IDLE, c.state());
        assertEquals(Duration.ZERO, c.busyFor());
        assertEquals(Duration.ZERO, c.stalledFor());
        assertEquals(Heartbeat.IDLE, h.busySinceNanos());
    }

    @Test
    void aComponentBusyPastItsThresholdIsStalledUntilItGoesIdle() {
        Heartbeat a = monitor.register("worker-a");
        monitor.register("worker-b");
        a.busy(clock.get());
        clock.addAndGet(50 * MS);
        assertEquals(ComponentState.BUSY, monitor.snapshot().components().get(0).state());
        assertEquals(0, monitor.check());

        clock.addAndGet(100 * MS);
        HealthReport report = monitor.snapshot();
        assertEquals(HealthState.DEGRADED, report.overall());
        ComponentHealth stalled = report.components().get(0);
        assertEquals(ComponentState.STALLED, stalled.state());
        assertEquals(Duration.ofMillis(150), stalled.stalledFor());
        assertEquals(Duration.ofMillis(100), stalled.threshold());
        assertEquals(List.of(stalled), report.stalled());
        assertEquals(ComponentState.IDLE, report.components().get(1).state());

        assertEquals(1, monitor.check(), "the transition to STALLED is logged once");
        clock.addAndGet(100 * MS);
        assertEquals(0, monitor.check(), "and not again while it stays stalled");

        a.idle();
        assertEquals(HealthState.UP, monitor.snapshot().overall());
        assertEquals(1, monitor.check(), "the recovery is logged once");
        assertEquals(0, monitor.check());
    }

    @Test
    void aStalledCriticalComponentOrAllComponentsStalledMeanDown() {
        Heartbeat critical = monitor.register("worker-critical-0", true);
        Heartbeat plain = monitor.register("worker-delivery-0", false);
        Heartbeat other = monitor.register("worker-background-0");
        critical.busy(clock.get());
        clock.addAndGet(200 * MS);
        assertEquals(HealthState.DOWN, monitor.snapshot().overall());
        assertTrue(monitor.snapshot().components().get(0).critical());

        critical.idle();
        plain.busy(clock.get());
        clock.addAndGet(200 * MS);
        assertEquals(HealthState.DEGRADED, monitor.snapshot().overall(), "a non-critical stall");
        other.busy(clock.get());
        clock.addAndGet(200 * MS);
        assertEquals(HealthState.DEGRADED, monitor.snapshot().overall(), "the critical one is fine");
    }

    @Test
    void everyComponentStalledMeansDown() {
        Heartbeat a = monitor.register("a");
        Heartbeat b = monitor.register("b");
        a.busy(clock.get());
        b.busy(clock.get());
        clock.addAndGet(200 * MS);
        assertEquals(HealthState.DOWN, monitor.snapshot().overall(), "nothing left progressing");
        b.idle();
        assertEquals(HealthState.DEGRADED, monitor.snapshot().overall());
    }

    @Test
    void aComponentMayHaveItsOwnThreshold() {
        Heartbeat slow = monitor.register("worker-background-0", false, Duration.ofSeconds(60));
        slow.busy(clock.get());
        clock.addAndGet(10_000 * MS);
        assertEquals(ComponentState.BUSY, monitor.snapshot().components().get(0).state());
        clock.addAndGet(51_000 * MS);
        assertEquals(ComponentState.STALLED, monitor.snapshot().components().get(0).state());
    }

    @Test
    void changingTheDefaultThresholdAppliesToComponentsWithoutTheirOwn() {
        Heartbeat h = monitor.register("w");
        h.busy(clock.get());
        clock.addAndGet(150 * MS);
        assertEquals(ComponentState.STALLED, monitor.snapshot().components().get(0).state());
        monitor.setStallThreshold(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(1), monitor.stallThreshold());
        assertEquals(ComponentState.BUSY, monitor.snapshot().components().get(0).state());
        assertThrows(IllegalArgumentException.class, () -> monitor.setStallThreshold(Duration.ZERO));
    }

    @Test
    void namesAreUniqueAndUnregisterRemoves() {
        Heartbeat h = monitor.register("w");
        assertThrows(IllegalArgumentException.class, () -> monitor.register("w"));
        h.busy(clock.get());
        clock.addAndGet(500 * MS);
        assertEquals(1, monitor.check());
        assertTrue(monitor.unregister(h));
        assertFalse(monitor.unregister(h));
        assertEquals(0, monitor.snapshot().components().size());
        assertEquals(HealthState.UP, monitor.snapshot().overall());
        monitor.register("w"); // the name is free again
    }

    @Test
    void reportsAreImmutableSnapshots() {
        monitor.register("w");
        HealthReport report = monitor.snapshot();
        assertThrows(UnsupportedOperationException.class, () -> report.components().clear());
        monitor.register("later");
        assertEquals(1, report.components().size(), "a report does not change after it is taken");
        assertEquals(2, monitor.snapshot().components().size());
        assertTrue(report.component("nope").isEmpty());
    }

    @Test
    void theCheckerThreadRunsAndStops() throws Exception {
        HealthMonitor real = new HealthMonitor(Duration.ofMillis(50));
        try {
            Heartbeat h = real.register("stuck");
            CountDownLatch release = new CountDownLatch(1);
            Thread owner = new Thread(() -> {
                h.busy();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                h.idle();
            });
            real.start(Duration.ofMillis(10));
            assertTrue(real.isCheckerRunning());
            assertThrows(IllegalStateException.class, () -> real.start(Duration.ofMillis(10)));
            owner.start();
            Eventually.until("stalled", () -> real.snapshot().overall() == HealthState.DOWN);
            Eventually.until("checker logged the stall", () -> real.isReportedStalled(h));
            release.countDown();
            owner.join();
            Eventually.until("recovered", () -> real.snapshot().overall() == HealthState.UP);
            Eventually.until("checker logged the recovery", () -> !real.isReportedStalled(h));
            real.close();
            assertFalse(real.isCheckerRunning());
            real.close(); // idempotent
        } finally {
            real.close();
        }
    }
}
