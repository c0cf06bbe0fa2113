package io.memorystreamer.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition in tests, with a generous deadline so a noisy 2-core machine does not
 * make tests flaky. Polls every millisecond; never asserts on how long anything took.
 *
 * <p>Threading: static helpers, called from the test thread.
 */
public final class Eventually {
    /** The default deadline: long enough for a loaded CI box, short enough to fail fast. */
    public static final Duration DEFAULT = Duration.ofSeconds(10);

    private Eventually() {
    }

    /**
     * Waits until {@code condition} holds, failing the test after {@link #DEFAULT}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the condition
     */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, DEFAULT);
    }

    /**
     * Waits until {@code condition} holds, failing the test after {@code timeout}.
     *
     * @param what      what is awaited, for the failure message
     * @param condition the condition
     * @param timeout   the deadline
     */
    public static void until(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + timeout + " waiting for: " + what);
            }
            sleepMillis(1);
        }
    }

    /**
     * Waits until {@code condition} holds, with a message computed at failure time.
     *
     * @param what      describes the state at failure
     * @param condition the condition
     */
    public static void until(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEFAULT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + DEFAULT + " waiting for: " + what.get());
            }
            sleepMillis(1);
        }
    }

    /**
     * Sleeps, restoring the interrupt flag if interrupted.
     *
     * @param millis how long
     */
    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
