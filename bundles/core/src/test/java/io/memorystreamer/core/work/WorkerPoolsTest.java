package io.memorystreamer.core.work;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memorystreamer.core.affinity.AffinityException;
import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.agent.BackoffIdleStrategy;
import io.memorystreamer.core.agent.YieldingIdleStrategy;
import io.memorystreamer.core.counters.CounterRegistry;
import io.memorystreamer.core.health.ComponentHealth;
import io.memorystreamer.core.health.ComponentState;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.HealthReport;
import io.memorystreamer.core.health.HealthState;
import io.memorystreamer.core.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Unit and concurrency tests of {@link WorkerPools}. */
class WorkerPoolsTest {
    private final List<WorkerPools> opened = new ArrayList<>();
    private final List<CountDownLatch> toRelease = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        toRelease.forEach(CountDownLatch::countDown);
        opened.forEach(p -> p.shutdown(Duration.ofSeconds(5)));
    }

    private WorkerPools track(WorkerPools pools) {
        opened.add(pools);
        return pools;
    }

    private CountDownLatch latch() {
        CountDownLatch l = new CountDownLatch(1);
        toRelease.add(l);
        return l;
    }

    private static Runnable awaiting(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void runsEachTierOnItsOwnThreads() throws Exception {
        WorkerPools pools = track(WorkerPools.builder().threads(Tier.DELIVERY, 2).build());
        Map<Tier, String> threadNames = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(Tier.values().length);
        for (Tier tier : Tier.values()) {
            assertEquals(SubmitResult.ACCEPTED, pools.submit(tier, () -> {
                threadNames.put(tier, Thread.currentThread().getName());
                done.countDown();
            }));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertTrue(threadNames.get(Tier.CRITICAL).startsWith("ms-worker-critical-"), threadNames.toString());
        assertTrue(threadNames.get(Tier.MESSAGE_PATH).startsWith("ms-worker-messagePath-"), threadNames.toString());
        assertTrue(threadNames.get(Tier.DELIVERY).startsWith("ms-worker-delivery-"), threadNames.toString());
        assertTrue(threadNames.get(Tier.BACKGROUND).startsWith("ms-worker-background-"), threadNames.toString());
        assertEquals(2, pools.threads(Tier.DELIVERY));
        assertEquals(1, pools.threads(Tier.CRITICAL));
        assertEquals(1024, pools.queueCapacity(Tier.BACKGROUND));
        assertEquals("worker", pools.name());
        Eventually.until("completed counted", () -> pools.completedTasks(Tier.DELIVERY) == 1);
    }

    @Test
    void manyProducersOnAllTiersRunEveryTaskExactlyOnce() throws Exception {
        CounterRegistry counters = new CounterRegistry();
        WorkerPools pools = track(WorkerPools.builder().counters(counters).queueCapacity(64)
                .threads(Tier.MESSAGE_PATH, 2).threads(Tier.DELIVERY, 2).build());
        int producers = 4;
        int perProducer = 25_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        AtomicLong full = new AtomicLong();
        Runnable[] tasks = new Runnable[runs.length()];
        for (int i = 0; i < tasks.length; i++) {
            int id = i;
            tasks[i] = () -> runs.incrementAndGet(id);
        }
        CyclicBarrier barrier = new CyclicBarrier(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads.add(new Thread(() -> {
                try {
                    barrier.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                Tier[] tiers = Tier.values();
                for (int i = 0; i < perProducer; i++) {
                    Tier tier = tiers[i % tiers.length];
                    SubmitResult r;
                    while ((r = pools.submit(tier, tasks[base + i])) == SubmitResult.QUEUE_FULL) {
                        full.incrementAndGet();
                        Thread.yield();
                    }
                    assertEquals(SubmitResult.ACCEPTED, r);
                }
            }, "producer-" + p));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(pools.shutdown(Duration.ofSeconds(20)), "drained within the timeout");
        for (int i = 0; i < runs.length(); i++) {
            if (runs.get(i) != 1) {
                throw new AssertionError("task " + i + " ran " + runs.get(i) + " times");
            }
        }
        long completed = 0;
        for (Tier tier : Tier.values()) {
            completed += pools.completedTasks(tier);
            assertEquals(0, pools.failedTasks(tier));
            assertEquals(0, pools.discardedTasks(tier));
        }
        assertEquals(runs.length(), completed);
        long rejected = 0;
        for (Tier tier : Tier.values()) {
            rejected += counters.find("workers." + tier.key() + ".rejected").orElseThrow().get();
        }
        assertEquals(full.get(), rejected, "every QUEUE_FULL answer is counted");
    }

    @Test
    void aFullQueueAnswersQueueFull() throws Exception {
        WorkerPools pools = track(WorkerPools.builder().queueCapacity(Tier.BACKGROUND, 4).build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = latch();
        assertEquals(SubmitResult.ACCEPTED, pools.submit(Tier.BACKGROUND, awaiting(started, release)));
        started.await();
        AtomicLong ran = new AtomicLong();
        for (int i = 0; i < 4; i++) {
            assertEquals(SubmitResult.ACCEPTED, pools.submit(Tier.BACKGROUND, ran::incrementAndGet));
        }
        assertEquals(4, pools.queuedTasks(Tier.BACKGROUND));
        assertEquals(SubmitResult.QUEUE_FULL, pools.submit(Tier.BACKGROUND, ran::incrementAndGet));
        assertEquals(1, pools.rejectedTasks(Tier.BACKGROUND));
        assertEquals(SubmitResult.ACCEPTED, pools.submit(Tier.DELIVERY, ran::incrementAndGet),
                "other tiers are not affected");
        release.countDown();
        Eventually.until("queued tasks ran", () -> ran.get() == 5);
    }

    @Test
    void aThrowingTaskIsCountedAndReportedAndTheWorkerContinues() {
        ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
        WorkerPools pools = track(WorkerPools.builder().errorHandler(reported::add).build());
        AtomicLong ran = new AtomicLong();
        for (int i = 0; i < 10; i++) {
            int n = i;
            pools.submit(Tier.MESSAGE_PATH, () -> {
                if (n % 2 == 0) {
                    throw new IllegalStateException("task " + n);
                }
                ran.incrementAndGet();
            });
        }
        Eventually.until("all ten handled", () -> pools.completedTasks(Tier.MESSAGE_PATH)
                + pools.failedTasks(Tier.MESSAGE_PATH) == 10);
        assertEquals(5, ran.get());
        assertEquals(5, pools.failedTasks(Tier.MESSAGE_PATH));
        assertEquals(5, pools.completedTasks(Tier.MESSAGE_PATH));
        assertEquals(5, reported.size());
        assertInstanceOf(IllegalStateException.class, reported.peek());
    }

    @Test
    void theDefaultHandlerLogsAndTheWorkerContinues() {
        WorkerPools pools = track(WorkerPools.builder().build());
        for (int i = 0; i < 5; i++) {
            pools.submit(Tier.DELIVERY, () -> {
                throw new IllegalStateException("boom");
            });
        }
        AtomicLong ran = new AtomicLong();
        pools.submit(Tier.DELIVERY, ran::incrementAndGet);
        Eventually.until("the worker survived", () -> ran.get() == 1);
        assertEquals(5, pools.failedTasks(Tier.DELIVERY));
    }

    @Test
    void closeDrainsEveryAcceptedTaskThenRefuses() throws Exception {
        WorkerPools pools = track(WorkerPools.builder().build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pools.submit(Tier.DELIVERY, awaiting(started, release));
        started.await();
        AtomicLong ran = new AtomicLong();
        for (int i = 0; i < 500; i++) {
            assertEquals(SubmitResult.ACCEPTED, pools.submit(Tier.DELIVERY, ran::incrementAndGet));
        }
        AtomicReference<Boolean> clean = new AtomicReference<>();
        Thread closer = new Thread(() -> clean.set(pools.shutdown(Duration.ofSeconds(20))));
        closer.start();
        Eventually.until("closed", pools::isClosed);
        assertEquals(SubmitResult.CLOSED, pools.submit(Tier.DELIVERY, ran::incrementAndGet));
        assertEquals(SubmitResult.CLOSED, pools.submit(Tier.CRITICAL, ran::incrementAndGet));
        release.countDown();
        closer.join();
        assertTrue(clean.get());
        assertEquals(500, ran.get(), "close drained the queue: every accepted task ran");
        assertTrue(pools.shutdown(Duration.ofSeconds(1)), "idempotent");
    }

    @Test
    void closeRacingWithProducersRunsExactlyTheAcceptedTasks() throws Exception {
        WorkerPools pools = track(WorkerPools.builder().threads(Tier.MESSAGE_PATH, 2)
                .idleStrategy(YieldingIdleStrategy::new).build());
        int producers = 3;
        AtomicLong accepted = new AtomicLong();
        AtomicLong ran = new AtomicLong();
        Runnable task = ran::incrementAndGet;
        CountDownLatch running = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(new Thread(() -> {
                running.countDown();
                while (true) {
                    SubmitResult r = pools.submit(Tier.MESSAGE_PATH, task);
                    if (r == SubmitResult.ACCEPTED) {
                        accepted.incrementAndGet();
                    } else if (r == SubmitResult.CLOSED) {
                        return;
                    } else {
                        Thread.yield();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        running.await();
        Eventually.until("some work done", () -> ran.get() > 10_000);
        assertTrue(pools.shutdown(Duration.ofSeconds(20)));
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(accepted.get(), ran.get(), "no accepted task lost or run twice");
    }

    @Test
    void aShutdownPastItsTimeoutDiscardsWhatIsLeft() throws Exception {
        WorkerPools pools = track(WorkerPools.builder().build());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = latch();
        AtomicLong interrupted = new AtomicLong();
        pools.submit(Tier.BACKGROUND, () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet(); // the shutdown interrupts a stuck worker
            }
        });
        started.await();
        AtomicLong ran = new AtomicLong();
        for (int i = 0; i < 10; i++) {
            pools.submit(Tier.BACKGROUND, ran::incrementAndGet);
        }
        assertFalse(pools.shutdown(Duration.ofMillis(200)));
        assertEquals(10, pools.discardedTasks(Tier.BACKGROUND));
        assertEquals(0, ran.get(), "discarded tasks never run");
        assertEquals(1, interrupted.get());
        assertFalse(pools.shutdown(Duration.ofSeconds(1)), "a second call returns the first result");
    }

    @Test
    void aWorkerStuckInALongTaskIsFlaggedThenClearedAndIdleWorkersAreNot() throws Exception {
        HealthMonitor monitor = new HealthMonitor(Duration.ofMillis(150));
        try {
            WorkerPools pools = track(WorkerPools.builder().healthMonitor(monitor).build());
            assertEquals(4, monitor.snapshot().components().size());
            Eventually.sleepMillis(400); // idle for longer than the threshold
            assertEquals(HealthState.UP, monitor.snapshot().overall(), "idle workers are healthy");
            assertTrue(monitor.snapshot().components().stream()
                    .allMatch(c -> c.state() == ComponentState.IDLE), monitor.snapshot().toString());

            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = latch();
            pools.submit(Tier.DELIVERY, awaiting(started, release));
            started.await();
            Eventually.until(() -> monitor.snapshot().toString(), () -> monitor.snapshot()
                    .component("worker-delivery-0").map(ComponentHealth::stalled).orElse(false));
            HealthReport report = monitor.snapshot();
            assertEquals(HealthState.DEGRADED, report.overall());
            assertEquals(List.of("worker-delivery-0"), report.stalled().stream().map(ComponentHealth::name).toList());
            assertTrue(report.stalled().get(0).stalledFor().compareTo(Duration.ofMillis(150)) > 0);
            assertEquals(1, monitor.check());

            release.countDown();
            Eventually.until("recovered", () -> monitor.snapshot().overall() == HealthState.UP);
            assertEquals(1, monitor.check());

            CountDownLatch started2 = new CountDownLatch(1);
            CountDownLatch release2 = latch();
            pools.submit(Tier.CRITICAL, awaiting(started2, release2));
            started2.await();
            Eventually.until("a stalled critical worker takes the node down",
                    () -> monitor.snapshot().overall() == HealthState.DOWN);
            release2.countDown();
            pools.close();
            assertEquals(0, monitor.snapshot().components().size(), "heartbeats unregistered on close");
        } finally {
            monitor.close();
        }
    }

    @Test
    void backgroundTiersMayHaveALongerStallThreshold() throws Exception {
        HealthMonitor monitor = new HealthMonitor(Duration.ofMillis(50));
        try {
            WorkerPools pools = track(WorkerPools.builder().healthMonitor(monitor)
                    .stallThreshold(Tier.BACKGROUND, Duration.ofMinutes(5)).build());
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = latch();
            pools.submit(Tier.BACKGROUND, awaiting(started, release));
            started.await();
            Eventually.sleepMillis(200);
            ComponentHealth bg = monitor.snapshot().component("worker-background-0").orElseThrow();
            assertEquals(ComponentState.BUSY, bg.state());
            assertEquals(Duration.ofMinutes(5), bg.threshold());
        } finally {
            monitor.close();
        }
    }

    @Test
    void pinsATiersWorkersToItsCpus() throws Exception {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "needs Linux /proc/thread-self");
        int cpu = CpuAffinity.system().availableProcessors() - 1;
        WorkerPools pools = track(WorkerPools.builder().cpus(Tier.MESSAGE_PATH, cpu).build());
        assertArrayEquals(new int[] {cpu}, pools.cpus(Tier.MESSAGE_PATH));
        Map<Tier, String> allowed = new EnumMap<>(Tier.class);
        CountDownLatch done = new CountDownLatch(1);
        pools.submit(Tier.MESSAGE_PATH, () -> {
            synchronized (allowed) {
                allowed.put(Tier.MESSAGE_PATH, CpuAffinity.system().allowedCpus());
            }
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        synchronized (allowed) {
            assertEquals(Integer.toString(cpu), allowed.get(Tier.MESSAGE_PATH));
        }
    }

    @Test
    void eachWorkerGetsItsOwnIdleStrategyPerTier() {
        Map<Tier, AtomicLong> made = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            made.put(tier, new AtomicLong());
        }
        WorkerPools.Builder b = WorkerPools.builder().threads(Tier.DELIVERY, 3).idleStrategy(() -> {
            made.get(Tier.MESSAGE_PATH).incrementAndGet(); // counts every tier's workers
            return new YieldingIdleStrategy();
        });
        b.idleStrategy(Tier.CRITICAL, () -> {
            made.get(Tier.CRITICAL).incrementAndGet();
            return new BackoffIdleStrategy();
        });
        track(b.build());
        assertEquals(1, made.get(Tier.CRITICAL).get());
        assertEquals(1 + 3 + 1, made.get(Tier.MESSAGE_PATH).get(), "message path, delivery, background");
    }

    @Test
    void refusesBadSettingsWithClearMessages() {
        WorkerPools.Builder b = WorkerPools.builder();
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class, () -> b.threads(Tier.DELIVERY, 0));
        assertTrue(threads.getMessage().contains("delivery"), threads.getMessage());
        IllegalArgumentException capacity = assertThrows(IllegalArgumentException.class, () -> b.queueCapacity(1000));
        assertTrue(capacity.getMessage().contains("power of two"), capacity.getMessage());
        AffinityException cpus = assertThrows(AffinityException.class, () -> b.cpus(Tier.CRITICAL, 999));
        assertTrue(cpus.getMessage().contains("999"), cpus.getMessage());
    }

    @Test
    void twoPoolsCannotShareHeartbeatNamesOnOneMonitor() {
        HealthMonitor monitor = new HealthMonitor(Duration.ofSeconds(1));
        try {
            track(WorkerPools.builder().healthMonitor(monitor).build());
            assertThrows(IllegalArgumentException.class, () -> WorkerPools.builder().healthMonitor(monitor).build());
            WorkerPools other = track(WorkerPools.builder().healthMonitor(monitor).name("other").build());
            assertEquals(8, monitor.snapshot().components().size());
            other.close();
            assertEquals(4, monitor.snapshot().components().size());
        } finally {
            monitor.close();
        }
    }
}
