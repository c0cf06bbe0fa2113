package io.memorystreamer.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stream key patterns matched on bytes, with the registry's semantics. */
class KeyPatternTest {
    private static boolean matches(String pattern, String key) {
        return KeyPattern.compile(pattern).matches(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wildcardMatchesExactlyOneWholeSegment() {
        assertTrue(matches("orders/*", "orders/42"));
        assertFalse(matches("orders/*", "orders/42/x"));
        assertFalse(matches("orders/*", "orders"));
        assertFalse(matches("orders/*", "ordersx/42"));
        assertFalse(matches("orders/*", "order/42"));
        assertTrue(matches("*", "anything"));
        assertFalse(matches("*", "a/b"));
        assertTrue(matches("*/*", "a/b"));
        assertTrue(matches("eu/*/orders", "eu/customer-7/orders"));
        assertFalse(matches("eu/*/orders", "eu/customer-7/order"));
        assertTrue(matches("clé/*", "clé/ü"));
    }

    @Test
    void literalPatternMatchesOnlyItsKey() {
        KeyPattern pattern = KeyPattern.compile("orders/42");
        assertTrue(pattern.isLiteral());
        assertTrue(pattern.matches("orders/42".getBytes(StandardCharsets.UTF_8)));
        assertFalse(pattern.matches("orders/421".getBytes(StandardCharsets.UTF_8)));
        assertFalse(KeyPattern.compile("orders/*").isLiteral());
    }

    @Test
    void matchesARegionOfABuffer() {
        byte[] bytes = "xxorders/7yy".getBytes(StandardCharsets.UTF_8);
        assertTrue(KeyPattern.compile("orders/*").matches(ByteBuffer.wrap(bytes), 2, 8));
        assertFalse(KeyPattern.compile("orders/*").matches(ByteBuffer.wrap(bytes), 0, 10));
    }

    @Test
    void invalidPatternsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> KeyPattern.compile("orders/4*")).getMessage().contains("whole segment"));
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.compile("orders//*"));
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.compile("/orders"));
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.compile("orders/"));
        assertThrows(IllegalArgumentException.class, () -> KeyPattern.compile(""));
        assertEquals("a/*", KeyPattern.compile("a/*").toString());
    }

    @Test
    void lanesAreStableAndSpread() {
        assertEquals(Lanes.of("orders/42", 8), Lanes.of("orders/42".getBytes(StandardCharsets.UTF_8), 8));
        int[] counts = new int[8];
        for (int i = 0; i < 8000; i++) {
            counts[Lanes.of("key-" + i, 8)]++;
        }
        for (int count : counts) {
            assertTrue(count > 800 && count < 1200, "lanes are even: " + java.util.Arrays.toString(counts));
        }
        assertEquals(0, Lanes.of("anything", 1));
        assertEquals("2.3", Lanes.name(19, 8));
    }
}
