package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.multiplexing.internal.ChronicleStreamRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleStreamRegistryTest {
    private static Set<String> analyticsFilesBefore;

    @TempDir
    Path dir;

    @BeforeAll
    static void recordAnalyticsFiles() throws IOException {
        assertEquals("true", System.getProperty("chronicle.analytics.disable"),
                "every JVM that loads Chronicle must set -Dchronicle.analytics.disable=true");
        analyticsFilesBefore = analyticsFiles();
    }

    /** Chronicle's analytics writes ~/.chronicle.analytics* when it is on: none may appear. */
    @AfterAll
    static void noAnalyticsFileAppeared() throws IOException {
        assertEquals(analyticsFilesBefore, analyticsFiles(), "a ~/.chronicle.analytics* file appeared");
    }

    private static Set<String> analyticsFiles() throws IOException {
        try (Stream<Path> home = Files.list(Path.of(System.getProperty("user.home")))) {
            return home.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".chronicle.analytics"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createsLooksUpAndAdvances() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 1_000)) {
            assertEquals(0, registry.size());
            assertEquals(0, registry.lookupOrCreate("orders/customer-1", 100));
            assertEquals(1, registry.lookupOrCreate(utf8("orders/customer-2"), 0, 17, 101));
            assertEquals(0, registry.lookupOrCreate(ByteBuffer.wrap(utf8("orders/customer-1")), 102));
            assertEquals(2, registry.size());

            StreamState state = new StreamState();
            assertTrue(registry.get("orders/customer-1", state));
            assertEquals(0, state.streamId());
            assertEquals(0, state.nextOffset());
            assertEquals(StreamState.NO_POSITION, state.lastPosition());
            assertEquals(100, state.lastActivityMillis(), "a lookup is not activity; creation is");

            byte[] key = utf8("xxorders/customer-2yy");
            assertTrue(registry.advance(key, 2, 17, 5, 4096, 200));
            assertEquals(5, registry.nextOffset(key, 2, 17));
            assertTrue(registry.advance(ByteBuffer.wrap(key, 2, 17), 6, 8192, 201));
            assertTrue(registry.get(ByteBuffer.wrap(key, 2, 17), state));
            assertEquals(1, state.streamId());
            assertEquals(6, state.nextOffset());
            assertEquals(8192, state.lastPosition());
            assertEquals(201, state.lastActivityMillis());

            StreamState untouched = new StreamState().set(7, 7, 7, 7);
            assertFalse(registry.get("orders/unknown", untouched));
            assertEquals(7, untouched.streamId());
            assertEquals(StreamRegistry.NO_STREAM, registry.nextOffset(utf8("orders/unknown"), 0, 14));
            assertFalse(registry.advance(utf8("orders/unknown"), 0, 14, 1, 1, 1));
            assertEquals(2, registry.size());
        }
    }

    @Test
    void nextOffsetNeverGoesBack() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 10)) {
            registry.lookupOrCreate("a", 0);
            byte[] a = utf8("a");
            assertTrue(registry.advance(a, 0, 1, 10, 100, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.advance(a, 0, 1, 9, 200, 2));
            assertTrue(e.getMessage().contains("cannot go back"), e.getMessage());
            assertTrue(registry.advance(a, 0, 1, 10, 100, 3), "the same offset again is allowed (an empty batch)");
            assertEquals(10, registry.nextOffset(a, 0, 1));
        }
    }

    @Test
    void refusesBadKeysAndCreatesNothing() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 10)) {
            for (String bad : new String[] {"", "/a", "a/", "a//b", "a*", "tab\there", "x".repeat(256)}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.lookupOrCreate(bad, 0), bad);
                assertTrue(e.getMessage().startsWith("invalid stream key"), e.getMessage());
            }
            byte[] malformed = {'a', (byte) 0xC0, (byte) 0x80};
            assertThrows(IllegalArgumentException.class, () -> registry.lookupOrCreate(malformed, 0, 3, 0));
            assertThrows(IllegalArgumentException.class, () -> registry.lookupOrCreate(ByteBuffer.wrap(malformed), 0));
            assertEquals(0, registry.size());
            assertFalse(registry.get("x".repeat(256), new StreamState()));
        }
    }

    @Test
    void reopensWithAllStateIntact() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 1_000)) {
            for (int i = 0; i < 100; i++) {
                registry.lookupOrCreate("s/" + i, i);
                byte[] key = utf8("s/" + i);
                registry.advance(key, 0, key.length, i * 2L, i * 100L, 1000 + i);
            }
        }
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 1_000)) {
            assertEquals(100, registry.size());
            StreamState state = new StreamState();
            for (int i = 0; i < 100; i++) {
                assertTrue(registry.get("s/" + i, state));
                assertEquals(i, state.streamId());
                assertEquals(i * 2L, state.nextOffset());
                assertEquals(i * 100L, state.lastPosition());
                assertEquals(1000 + i, state.lastActivityMillis());
            }
            assertEquals(100, registry.lookupOrCreate("s/new", 0), "ids go on from the largest one");
            assertEquals(5, registry.lookupOrCreate("s/5", 0));
        }
    }

    @Test
    void holdsManyStreams() {
        int n = 100_000;
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "many", n)) {
            byte[] key = new byte[32];
            for (int i = 0; i < n; i++) {
                int length = key(key, i);
                assertEquals(i, registry.lookupOrCreate(key, 0, length, i));
            }
            assertEquals(n, registry.size());
            for (int i = 0; i < n; i += 7) {
                int length = key(key, i);
                assertEquals(i, registry.lookupOrCreate(key, 0, length, 0));
                assertTrue(registry.advance(key, 0, length, 1, i, i));
            }
        }
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "many", n)) {
            assertEquals(n, registry.size());
            long[] advanced = {0};
            boolean[] seen = new boolean[n];
            registry.forEach((k, state) -> {
                seen[(int) state.streamId()] = true;
                advanced[0] += state.nextOffset();
                return true;
            });
            for (int i = 0; i < n; i++) {
                assertTrue(seen[i], "stream " + i);
            }
            assertEquals((n + 6) / 7, advanced[0]);
        }
    }

    /** Writes {@code device/<i>/temperature} into {@code key}; returns its length. */
    private static int key(byte[] key, int i) {
        byte[] s = ("device/" + i + "/temperature").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, key, 0, s.length);
        return s.length;
    }

    @Test
    void visitsStreamsMatchingAPattern() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 100)) {
            for (String key : List.of("orders", "orders/1", "orders/2", "orders/eu/3", "payments/1", "ordersx/1")) {
                registry.lookupOrCreate(key, 0);
            }
            assertEquals(List.of("orders/1", "orders/2"), visit(registry, "orders/*"));
            assertEquals(List.of("orders/1", "ordersx/1", "payments/1"), visit(registry, "*/1"));
            assertEquals(List.of("orders/eu/3"), visit(registry, "orders/*/3"));
            assertEquals(List.of("orders"), visit(registry, "orders"));
            assertEquals(List.of("orders"), visit(registry, "*"));
            List<String> first = new ArrayList<>();
            registry.forEach((k, s) -> first.add(k) && false);
            assertEquals(1, first.size(), "returning false stops the iteration");
            for (String bad : new String[] {"orders/x*", "/orders", "orders//*", ""}) {
                assertThrows(IllegalArgumentException.class, () -> registry.forEach(bad, (k, s) -> true), bad);
            }
        }
    }

    private static List<String> visit(StreamRegistry registry, String pattern) {
        List<String> keys = new ArrayList<>();
        registry.forEach(pattern, (k, s) -> keys.add(k));
        keys.sort(null);
        return keys;
    }

    @Test
    void existingStreamPathsAllocateNothing() {
        try (ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 1_000)) {
            byte[] key = utf8("orders/customer-42");
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            direct.put(key).flip();
            registry.lookupOrCreate(key, 0, key.length, 0);
            StreamState state = new StreamState();
            long[] offset = {0};
            AllocationCheck.assertAllocatesNothing("lookupOrCreate, get, nextOffset and advance of an existing stream", () -> {
                for (int i = 0; i < 100; i++) {
                    registry.lookupOrCreate(key, 0, key.length, i);
                    registry.lookupOrCreate(direct, i);
                    registry.get(key, 0, key.length, state);
                    registry.get(direct, state);
                    offset[0]++;
                    registry.advance(key, 0, key.length, offset[0], offset[0] * 10, i);
                    offset[0]++;
                    registry.advance(direct, offset[0], offset[0] * 10, i);
                    registry.nextOffset(key, 0, key.length);
                }
            });
            assertEquals(offset[0], registry.nextOffset(key, 0, key.length));
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        ChronicleStreamRegistry registry = ChronicleStreamRegistry.open(dir, "t", 10);
        registry.close();
        registry.close();
        assertTrue(Files.exists(dir.resolve(ChronicleStreamRegistry.FILE_NAME)));
    }
}
