package io.memorystreamer.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition in tests, polling every few milliseconds. */
final class Eventually {
    private Eventually() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(5), condition);
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static <T> T value(String what, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        until(what, () -> (holder[0] = supplier.get()) != null);
        @SuppressWarnings("unchecked")
        T result = (T) holder[0];
        return result;
    }
}
