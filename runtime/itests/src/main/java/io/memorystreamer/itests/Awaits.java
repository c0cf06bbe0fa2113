package io.memorystreamer.itests;

import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls until a condition holds: for effects that arrive asynchronously (FileInstall, DS). */
final class Awaits {
    static final long DEFAULT_TIMEOUT_MILLIS = 20_000;

    private Awaits() {
    }

    /** Calls {@code probe} until its value passes {@code done}; fails with {@code message} after the timeout. */
    static <T> T until(Callable<T> probe, Predicate<T> done, String message) throws Exception {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT_MILLIS * 1_000_000L;
        T last = null;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.call();
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            Thread.sleep(50);
        }
        AssertionError failure = new AssertionError(message + " (last value: " + last + ")");
        if (lastError != null) {
            failure.addSuppressed(lastError);
        }
        throw failure;
    }
}
