package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.multiplexing.StreamRegistries;
import io.memorystreamer.multiplexing.StreamRegistry;
import io.memorystreamer.multiplexing.StreamState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

/**
 * The stream registry (Chronicle Map, embedded in the multiplexing bundle) inside the real
 * framework: 10,000 streams created, advanced, closed, reopened and found, without Chronicle's
 * analytics writing anything to the user's home.
 */
@ExtendWith(BundleContextExtension.class)
class StreamRegistryTest {
    private static final int STREAMS = 10_000;
    private static final long NOW = 1_767_225_600_000L;

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path directory;

    private static String key(int i) {
        return "orders/customer-" + i;
    }

    @Test
    void tenThousandStreamsSurviveCloseAndReopen() throws Exception {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"), "the JVM must disable Chronicle's analytics");
        Set<String> analyticsBefore = analyticsFiles();

        Bundle multiplexing = FrameworkUtil.getBundle(StreamRegistries.class);
        assertNotNull(multiplexing, "the registry comes from a bundle");
        assertEquals("io.memorystreamer.multiplexing", multiplexing.getSymbolicName());
        assertEquals(Bundle.ACTIVE, multiplexing.getState());
        // Chronicle's JDK access (cnf/runtime-base.bnd: -runvm here, Add-Opens/Add-Exports in exported jars).
        Module bundleModule = StreamRegistries.class.getClassLoader().getUnnamedModule();
        assertTrue(Object.class.getModule().isOpen("java.lang", bundleModule), "--add-opens java.base/java.lang");
        assertTrue(Object.class.getModule().isExported("sun.nio.ch", bundleModule), "--add-exports java.base/sun.nio.ch");

        try (StreamRegistry registry = StreamRegistries.open(directory, "itest/0", STREAMS)) {
            // Chronicle is the bundle's own (Bundle-ClassPath), not the framework's or another bundle's.
            assertSame(multiplexing, FrameworkUtil.getBundle(registry.getClass()));
            assertSame(multiplexing, FrameworkUtil.getBundle(multiplexing.loadClass("net.openhft.chronicle.map.ChronicleMap")));
            for (int i = 0; i < STREAMS; i++) {
                assertEquals(i, registry.lookupOrCreate(key(i), NOW), key(i));
            }
            assertEquals(STREAMS, registry.size());
            assertEquals(7, registry.lookupOrCreate(key(7), NOW + 1), "an existing stream keeps its id");
            for (int i = 0; i < STREAMS; i++) {
                byte[] k = key(i).getBytes(StandardCharsets.UTF_8);
                assertTrue(registry.advance(k, 0, k.length, i + 1, 1_000L * i, NOW + i), key(i));
            }
        }
        assertTrue(Files.size(directory.resolve("streams.cmap")) > 0, "the map is persisted");

        try (StreamRegistry registry = StreamRegistries.open(directory, "itest/0", STREAMS)) {
            assertEquals(STREAMS, registry.size());
            StreamState state = new StreamState();
            for (int i = 0; i < STREAMS; i++) {
                assertTrue(registry.get(key(i), state), key(i));
                assertEquals(i, state.streamId(), key(i));
                assertEquals(i + 1, state.nextOffset(), key(i));
                assertEquals(1_000L * i, state.lastPosition(), key(i));
                assertEquals(NOW + i, state.lastActivityMillis(), key(i));
            }
            assertFalse(registry.get("orders/nobody", state));
            assertEquals(STREAMS, registry.lookupOrCreate("orders/newcomer", NOW), "ids go on after a reopen");
            AtomicLong matched = new AtomicLong();
            registry.forEach("orders/*", (key, s) -> matched.incrementAndGet() > 0);
            assertEquals(STREAMS + 1, matched.get());
        }

        Set<String> appeared = analyticsFiles();
        appeared.removeAll(analyticsBefore);
        assertEquals(Set.of(), appeared, "Chronicle analytics wrote to " + System.getProperty("user.home"));
        assertEquals(Set.of(), analyticsFiles(), "no ~/.chronicle.analytics* file may exist");
    }

    private static Set<String> analyticsFiles() throws IOException {
        Path home = Paths.get(System.getProperty("user.home"));
        if (!Files.isDirectory(home)) {
            return new TreeSet<>();
        }
        try (Stream<Path> files = Files.list(home)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(".chronicle.analytics"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
