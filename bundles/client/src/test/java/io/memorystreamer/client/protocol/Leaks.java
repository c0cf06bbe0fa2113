package io.memorystreamer.client.protocol;

import java.util.List;

/**
 * Opens {@link LeakDetection} to the client's tests in other packages: they install Netty's
 * PARANOID leak detector in a static initialiser and check, after their last test, that no buffer
 * was dropped without being released.
 */
public final class Leaks {
    private Leaks() {
    }

    /** Installs the recording leak detector (before any buffer class is initialised). */
    public static void install() {
        LeakDetection.install();
    }

    /** Forgets the leaks recorded so far. */
    public static void clear() {
        LeakDetection.clear();
    }

    /**
     * @return the leaks Netty reports after collecting garbage for a moment
     * @throws InterruptedException when interrupted
     */
    public static List<String> collect() throws InterruptedException {
        return LeakDetection.collect(300, 1);
    }
}
