package io.memorystreamer.perf;

import io.memorystreamer.core.agent.BackoffIdleStrategy;
import io.memorystreamer.core.agent.BusySpinIdleStrategy;
import io.memorystreamer.core.agent.IdleStrategy;
import io.memorystreamer.core.agent.YieldingIdleStrategy;
import io.memorystreamer.core.work.SubmitResult;
import io.memorystreamer.core.work.Tier;
import io.memorystreamer.core.work.WorkerPools;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hand-off latency through a worker pool: the benchmark thread submits a task to the
 * {@link Tier#MESSAGE_PATH} pool and spins until a worker has run it. One operation is that round
 * trip (submit, queue, poll, run, completion seen), sampled per operation so JMH reports
 * percentiles.
 *
 * <p>{@code idle} picks the message-path worker's idle strategy: {@code backoff} (the default of
 * the pools: spin, yield, then park up to 1 ms, so the latency includes waking a parked thread),
 * {@code yield} or {@code spin} (lowest latency, a core per worker; meaningful only with a core
 * free for the worker). The other three tiers always back off, so they cost nothing here.
 *
 * <p>Threading: one benchmark thread ({@link Scope#Benchmark} state, default {@code @Threads(1)})
 * and one worker. The task object is allocated once; the worker is its only writer.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true"})
@State(Scope.Benchmark)
public class PoolHandoffBenchmark {
    /** The message-path worker's idle strategy. */
    @Param({"backoff", "yield", "spin"})
    public String idle;

    private WorkerPools pools;
    private final Completion task = new Completion();
    private long sent;

    /** A task that counts how often it ran; written only by the worker. */
    static final class Completion implements Runnable {
        private volatile long done;

        @Override
        public void run() {
            done = done + 1; // single writer: the one message-path worker
        }

        long done() {
            return done;
        }
    }

    /** Starts the pools with one message-path worker using the chosen idle strategy. */
    @Setup(Level.Trial)
    public void start() {
        Supplier<IdleStrategy> strategy;
        switch (idle) {
            case "spin":
                strategy = BusySpinIdleStrategy::new;
                break;
            case "yield":
                strategy = YieldingIdleStrategy::new;
                break;
            case "backoff":
                strategy = BackoffIdleStrategy::new;
                break;
            default:
                throw new IllegalArgumentException("unknown idle strategy " + idle);
        }
        pools = WorkerPools.builder().name("bench").threads(Tier.MESSAGE_PATH, 1)
                .idleStrategy(Tier.MESSAGE_PATH, strategy).build();
        sent = 0;
    }

    /** Drains and stops the pools. */
    @TearDown(Level.Trial)
    public void stop() {
        pools.close();
    }

    /**
     * Submits one task and waits until a worker has run it.
     *
     * @return the number of tasks sent, so the work is not dead code
     */
    @Benchmark
    public long submitAndAwaitRun() {
        long target = ++sent;
        while (pools.submit(Tier.MESSAGE_PATH, task) != SubmitResult.ACCEPTED) {
            Thread.onSpinWait();
        }
        while (task.done() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
