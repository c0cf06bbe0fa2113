package io.memorystreamer.core.work;

import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.agent.ErrorHandler;
import io.memorystreamer.core.agent.IdleStrategy;
import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.health.Heartbeat;
import java.util.concurrent.CountDownLatch;

/**
 * The loop of one worker thread: poll a task from its tier's queue, run it, repeat; idle with its
 * {@link IdleStrategy} when the queue is empty.
 *
 * <p>Per task it marks the heartbeat busy (one {@code nanoTime}) before running and idle after,
 * counts it completed or failed, and reports a failure to the error handler; nothing else, no
 * allocation, no lock. It ends when its pool's queue is closed and drained, or when the pool
 * aborts (shutdown timeout), after the task in hand.
 *
 * <p>Threading: {@link #run()} runs on the worker's own thread; the idle strategy and the error
 * handler belong to it. Other threads only read {@link #startFailure()} after the start latch.
 */
final class Worker implements Runnable {
    private final WorkerPool pool;
    private final MpmcRingQueue<Runnable> queue;
    private final Heartbeat heartbeat;
    private final IdleStrategy idleStrategy;
    private final ErrorHandler errorHandler;
    private final Counter completed;
    private final Counter failed;
    private final int[] cpus;
    private final CountDownLatch started;
    private volatile RuntimeException startFailure;

    Worker(WorkerPool pool, Heartbeat heartbeat, IdleStrategy idleStrategy, ErrorHandler errorHandler,
           int[] cpus, CountDownLatch started) {
        this.pool = pool;
        this.queue = pool.queue();
        this.heartbeat = heartbeat;
        this.idleStrategy = idleStrategy;
        this.errorHandler = errorHandler;
        this.completed = pool.completed();
        this.failed = pool.failed();
        this.cpus = cpus;
        this.started = started;
    }

    @Override
    public void run() {
        try {
            if (cpus.length > 0) {
                CpuAffinity.pin(cpus);
            }
        } catch (RuntimeException e) {
            startFailure = e;
            started.countDown();
            return;
        }
        started.countDown();
        while (!pool.aborted()) {
            Runnable task = queue.poll();
            if (task != null) {
                runTask(task);
                idleStrategy.reset();
            } else if (queue.isDrained()) {
                break;
            } else {
                idleStrategy.idle(0);
            }
        }
        heartbeat.idle();
    }

    private void runTask(Runnable task) {
        heartbeat.busy();
        try {
            task.run();
            completed.increment();
        } catch (Throwable t) {
            failed.increment();
            try {
                errorHandler.onError(t);
            } catch (Throwable ignored) {
                // A broken error handler must not kill the worker; the failure is counted.
            }
        }
        heartbeat.idle();
        // A task that leaves the interrupt flag set would make every later park return at once.
        Thread.interrupted();
    }

    RuntimeException startFailure() {
        return startFailure;
    }
}
