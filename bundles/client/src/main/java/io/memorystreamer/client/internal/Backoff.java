package io.memorystreamer.client.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: each {@link #next()} doubles the pause, up to a maximum, and
 * returns a random value between half of it and all of it, so that many clients do not reconnect
 * in step after a broker restart. {@link #reset()} starts over.
 *
 * <p>Not thread-safe: owned by one thread (the event loop).
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private long currentNanos;

    /**
     * @param initialNanos the first pause, more than 0
     * @param maxNanos the longest, at least {@code initialNanos}
     */
    public Backoff(long initialNanos, long maxNanos) {
        if (initialNanos <= 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("back-off " + initialNanos + ".." + maxNanos + " ns");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.currentNanos = initialNanos;
    }

    /** @return the next pause in nanoseconds, jittered between half the current step and all of it */
    public long next() {
        long step = currentNanos;
        currentNanos = Math.min(maxNanos, currentNanos * 2);
        long half = step / 2;
        return half + ThreadLocalRandom.current().nextLong(step - half + 1);
    }

    /** Starts over from the first pause. */
    public void reset() {
        currentNanos = initialNanos;
    }

    /**
     * @param initialNanos the first pause
     * @param maxNanos the longest
     * @param attempt which retry, from 1
     * @return the pause before that retry (no jitter): {@code initial * 2^(attempt-1)}, at most {@code max}
     */
    public static long exponential(long initialNanos, long maxNanos, int attempt) {
        long pause = initialNanos;
        for (int i = 1; i < attempt && pause < maxNanos; i++) {
            pause *= 2;
        }
        return Math.min(pause, maxNanos);
    }
}
