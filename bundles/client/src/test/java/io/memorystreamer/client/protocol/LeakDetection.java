package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector at PARANOID level (every buffer tracked), reporting into a list the tests
 * can assert on instead of a log line nobody reads. {@link #install()} must run before the first
 * {@link ByteBuf} class is initialised: every test class of this module calls it in a static
 * initialiser.
 */
final class LeakDetection {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakDetection() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
                return new Recording<>(resource, samplingInterval);
            }

            @Override
            @Deprecated
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new Recording<>(resource, samplingInterval);
            }
        });
    }

    /** Collects garbage and allocates, so that leaked buffers are reported, for up to {@code millis}. */
    static List<String> collect(long millis, int expectAtLeast) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        do {
            System.gc();
            Thread.sleep(10);
            for (int i = 0; i < 16; i++) {
                ByteBuf probe = Unpooled.directBuffer(8);
                probe.release();
            }
        } while (LEAKS.size() < expectAtLeast && System.nanoTime() - deadline < 0);
        return List.copyOf(LEAKS);
    }

    static void clear() {
        LEAKS.clear();
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {
        Recording(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK: " + resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK: " + resourceType + " (untraced)");
        }
    }
}
