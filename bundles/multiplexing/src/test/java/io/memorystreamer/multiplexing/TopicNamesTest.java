package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Topic names: a narrow alphabet, and a refusal that says which character and where. */
class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "Orders", "a", "_internal", "9lives", "sensors.eu-west_1", "a..b", "x-"})
    void validNames(String name) {
        assertSame(name, TopicNames.requireValid(name));
        assertTrue(TopicNames.isValid(name));
    }

    @Test
    void theLimitIs128Characters() {
        assertTrue(TopicNames.isValid("t".repeat(128)));
        assertRefused("t".repeat(129), "it is 129 characters long; the limit is 128");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''             | it is empty",
        "orders/eu      | '/' (U+002F) at index 6 is not allowed",
        "my topic       | a space at index 2 is not allowed",
        "café           | 'é' (U+00E9) at index 3 is not allowed",
        "orders*        | '*' (U+002A) at index 6 is not allowed",
        ".hidden        | it starts with '.'",
        "..             | it starts with '.'",
        "-rf            | it starts with '-'",
    })
    void badNamesAreRefusedWithAMessageSayingWhy(String name, String why) {
        assertRefused(name, why);
    }

    @Test
    void controlCharactersAreNamedNotPrinted() {
        String refusal = assertRefused("a\nb", "U+000A at index 1 is not allowed");
        assertFalse(refusal.contains("\n"), refusal);
        assertEquals("topic name", assertThrows(NullPointerException.class, () -> TopicNames.requireValid(null)).getMessage());
        assertFalse(TopicNames.isValid(null));
    }

    private static String assertRefused(String name, String why) {
        String refusal = assertThrows(IllegalArgumentException.class, () -> TopicNames.requireValid(name)).getMessage();
        assertTrue(refusal.startsWith("invalid topic name") && refusal.contains(why), "expected '" + why + "' in: " + refusal);
        assertFalse(TopicNames.isValid(name));
        return refusal;
    }
}
