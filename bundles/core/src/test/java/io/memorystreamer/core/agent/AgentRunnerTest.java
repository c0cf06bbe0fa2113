package io.memorystreamer.core.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memorystreamer.core.affinity.AffinityException;
import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.health.ComponentState;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.Heartbeat;
import io.memorystreamer.core.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Tests of {@link AgentRunner}: duty cycle, error handling, lifecycle, heartbeat, pinning. */
class AgentRunnerTest {
    /** Counts cycles and the threads its callbacks ran on. */
    static class CountingAgent implements Agent {
        final AtomicLong cycles = new AtomicLong();
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();

        @Override
        public int doWork() throws Exception {
            long n = cycles.incrementAndGet();
            if (n == 1) {
                threads.add(Thread.currentThread());
            }
            return (int) (n & 1);
        }

        @Override
        public String roleName() {
            return "counting";
        }

        @Override
        public void onStart() {
            starts.incrementAndGet();
            threads.add(Thread.currentThread());
        }

        @Override
        public void onClose() {
            closes.incrementAndGet();
            threads.add(Thread.currentThread());
        }
    }

    @Test
    void runsTheDutyCycleOnItsOwnThreadUntilClosed() {
        CountingAgent agent = new CountingAgent();
        AgentRunner runner = AgentRunner.builder(agent).idleStrategy(new BackoffIdleStrategy()).build();
        assertFalse(runner.isRunning());
        runner.start();
        assertTrue(runner.isRunning());
        Eventually.until("100 cycles", () -> agent.cycles.get() >= 100);
        runner.close();
        assertFalse(runner.isRunning());
        assertFalse(runner.thread().isAlive());
        long after = agent.cycles.get();
        Eventually.sleepMillis(20);
        assertEquals(after, agent.cycles.get(), "no cycle after close");
        assertEquals(1, agent.starts.get());
        assertEquals(1, agent.closes.get());
        assertEquals(1, agent.threads.stream().distinct().count(), "all callbacks on one thread");
        assertSame(runner.thread(), agent.threads.peek());
        assertEquals("ms-agent-counting", runner.thread().getName());
        runner.close(); // idempotent
    }

    @Test
    void exceptionsAreCountedAndReportedAndTheAgentKeepsRunning() {
        ConcurrentLinkedQueue<Throwable> reported = new ConcurrentLinkedQueue<>();
        Counter errors = new Counter("agent.failing.errors", "", "1");
        CountingAgent agent = new CountingAgent() {
            @Override
            public int doWork() throws Exception {
                long n = cycles.incrementAndGet();
                if (n % 3 == 0) {
                    throw new IOException("cycle " + n);
                }
                return 1;
            }
        };
        try (AgentRunner runner = AgentRunner.builder(agent).errorHandler(reported::add)
                .errorCounter(errors).idleStrategy(new BusySpinIdleStrategy()).build().start()) {
            Eventually.until("five failures", () -> reported.size() >= 5);
            assertTrue(runner.isRunning(), "a failing agent does not stop its runner");
            long cycles = agent.cycles.get();
            Eventually.until("more cycles", () -> agent.cycles.get() > cycles + 3);
            assertInstanceOf(IOException.class, reported.peek());
        }
        assertEquals(reported.size(), errors.get());
    }

    @Test
    void aThrowingErrorHandlerDoesNotKillTheRunner() {
        CountingAgent agent = new CountingAgent() {
            @Override
            public int doWork() {
                cycles.incrementAndGet();
                throw new IllegalStateException("always");
            }
        };
        try (AgentRunner runner = AgentRunner.builder(agent).errorHandler(e -> {
            throw new IllegalArgumentException("handler broken");
        }).idleStrategy(new BackoffIdleStrategy(0, 0, 1_000, 100_000)).build().start()) {
            Eventually.until("ten failures", () -> runner.errorCount() >= 10);
            assertTrue(runner.isRunning());
        }
    }

    @Test
    void theDefaultHandlerLogsAndTheRunnerCounts() {
        CountingAgent agent = new CountingAgent() {
            @Override
            public int doWork() {
                cycles.incrementAndGet();
                throw new IllegalStateException("always");
            }
        };
        try (AgentRunner runner = AgentRunner.builder(agent).build().start()) {
            Eventually.until("three failures", () -> runner.errorCount() >= 3);
        }
    }

    @Test
    void aFailingOnStartFailsStartAndStillCallsOnClose() {
        CountingAgent agent = new CountingAgent() {
            @Override
            public void onStart() {
                super.onStart();
                throw new IllegalStateException("cannot open");
            }
        };
        AgentRunner runner = AgentRunner.builder(agent).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, runner::start);
        assertTrue(e.getMessage().contains("counting"), e.getMessage());
        assertEquals("cannot open", e.getCause().getMessage());
        assertFalse(runner.isRunning());
        assertEquals(0, agent.cycles.get());
        assertEquals(1, agent.closes.get());
        runner.close();
    }

    @Test
    void startsOnceAndNotAfterClose() {
        AgentRunner runner = AgentRunner.builder(new CountingAgent()).build();
        runner.start();
        assertThrows(IllegalStateException.class, runner::start);
        runner.close();
        AgentRunner closed = AgentRunner.builder(new CountingAgent()).build();
        closed.close();
        assertThrows(IllegalStateException.class, closed::start);
    }

    @Test
    void anAgentMayCloseItsOwnRunner() {
        AtomicReference<AgentRunner> self = new AtomicReference<>();
        CountingAgent agent = new CountingAgent() {
            @Override
            public int doWork() {
                if (cycles.incrementAndGet() == 10) {
                    self.get().close();
                }
                return 1;
            }
        };
        AgentRunner runner = AgentRunner.builder(agent).build();
        self.set(runner);
        runner.start();
        Eventually.until("the agent stopped itself", () -> !runner.thread().isAlive());
        assertEquals(10, agent.cycles.get());
        assertEquals(1, agent.closes.get());
    }

    @Test
    void aCycleStuckPastTheThresholdIsReportedStalledThenRecovers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        CountingAgent agent = new CountingAgent() {
            @Override
            public int doWork() throws Exception {
                if (cycles.incrementAndGet() == 5) {
                    entered.countDown();
                    release.await();
                }
                return 0;
            }
        };
        try (HealthMonitor monitor = new HealthMonitor(Duration.ofMillis(100))) {
            Heartbeat heartbeat = monitor.register("agent-counting");
            try (AgentRunner runner = AgentRunner.builder(agent).heartbeat(heartbeat).build().start()) {
                assertSame(heartbeat, runner.heartbeat());
                entered.await();
                Eventually.until("stalled", () -> monitor.snapshot().component("agent-counting")
                        .orElseThrow().state() == ComponentState.STALLED);
                release.countDown();
                Eventually.until("not stalled", () -> monitor.snapshot().component("agent-counting")
                        .orElseThrow().state() != ComponentState.STALLED);
            }
            assertEquals(Heartbeat.IDLE, heartbeat.busySinceNanos(), "idle after close");
        }
    }

    @Test
    void pinsItsThreadWhenAsked() {
        assumeTrue(Files.isSymbolicLink(Path.of("/proc/thread-self")), "needs Linux /proc/thread-self");
        int cpu = CpuAffinity.system().availableProcessors() - 1;
        AtomicReference<String> allowed = new AtomicReference<>();
        CountingAgent agent = new CountingAgent() {
            @Override
            public void onStart() {
                allowed.set(CpuAffinity.system().allowedCpus());
            }
        };
        try (AgentRunner runner = AgentRunner.builder(agent).cpus(cpu).build().start()) {
            assertTrue(runner.isRunning());
        }
        assertEquals(Integer.toString(cpu), allowed.get());
    }

    @Test
    void aCpuOutOfRangeIsRefusedWithAClearMessage() {
        AffinityException e = assertThrows(AffinityException.class,
                () -> AgentRunner.builder(new CountingAgent()).cpus(4096));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void theLoggingHandlerLogsAtMostOncePerInterval() {
        LoggingErrorHandler handler = new LoggingErrorHandler(
                LoggerFactory.getLogger(AgentRunnerTest.class), "test", 1, TimeUnit.HOURS);
        handler.onError(new IOException("1"));
        assertEquals(0, handler.suppressed());
        for (Throwable t : List.of(new IOException("2"), new IOException("3"))) {
            handler.onError(t);
        }
        assertEquals(2, handler.suppressed());
    }
}
