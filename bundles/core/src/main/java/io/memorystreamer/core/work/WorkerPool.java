package io.memorystreamer.core.work;

import io.memorystreamer.core.counters.Counter;
import io.memorystreamer.core.health.Heartbeat;
import java.util.concurrent.locks.LockSupport;

/**
 * The pool of one {@link Tier}: its queue, its worker threads, their heartbeats and the tier's
 * counters. {@link WorkerPools} creates, starts and stops it.
 *
 * <p>Threading: {@link #submit} is called by any number of producer threads; the lifecycle
 * methods only by {@link WorkerPools} under its lock. Invariants: threads, workers and heartbeats
 * are parallel arrays fixed at construction; {@code aborted} only goes from false to true.
 */
final class WorkerPool {
    private final Tier tier;
    private final MpmcRingQueue<Runnable> queue;
    private final int[] cpus;
    private final Counter completed;
    private final Counter failed;
    private final Counter rejected;
    private final Counter discarded;
    private final Heartbeat[] heartbeats;
    private final Thread[] threads;
    private final Worker[] workers;
    private volatile boolean aborted;

    WorkerPool(Tier tier, int threadCount, int queueCapacity, int[] cpus, Counter completed,
               Counter failed, Counter rejected, Counter discarded) {
        this.tier = tier;
        this.queue = new MpmcRingQueue<>(queueCapacity);
        this.cpus = cpus;
        this.completed = completed;
        this.failed = failed;
        this.rejected = rejected;
        this.discarded = discarded;
        this.heartbeats = new Heartbeat[threadCount];
        this.threads = new Thread[threadCount];
        this.workers = new Worker[threadCount];
    }

    SubmitResult submit(Runnable task) {
        SubmitResult result = queue.offer(task);
        if (result == SubmitResult.QUEUE_FULL) {
            rejected.increment();
        }
        return result;
    }

    void set(int index, Heartbeat heartbeat, Worker worker, Thread thread) {
        heartbeats[index] = heartbeat;
        workers[index] = worker;
        threads[index] = thread;
    }

    /** Stops accepting tasks and wakes the workers so they drain the queue and exit. */
    void closeQueue() {
        queue.close();
        wakeAll();
    }

    /** Makes workers exit after their current task, then drops what is left in the queue. */
    long abortAndDiscard() {
        aborted = true;
        for (Thread t : threads) {
            if (t != null && t.isAlive()) {
                t.interrupt();
            }
        }
        long dropped = 0;
        while (queue.poll() != null) {
            dropped++;
        }
        discarded.add(dropped);
        return dropped;
    }

    void wakeAll() {
        for (Thread t : threads) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    boolean aborted() {
        return aborted;
    }

    Tier tier() {
        return tier;
    }

    MpmcRingQueue<Runnable> queue() {
        return queue;
    }

    int[] cpus() {
        return cpus.clone();
    }

    Counter completed() {
        return completed;
    }

    Counter failed() {
        return failed;
    }

    Counter rejected() {
        return rejected;
    }

    Counter discarded() {
        return discarded;
    }

    Heartbeat[] heartbeats() {
        return heartbeats;
    }

    Thread[] threads() {
        return threads;
    }

    Worker[] workers() {
        return workers;
    }
}
