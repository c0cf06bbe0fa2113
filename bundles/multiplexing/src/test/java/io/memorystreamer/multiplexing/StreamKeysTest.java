package io.memorystreamer.multiplexing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Stream keys: the same verdict for text, arrays and buffers, and a refusal that says what and where. */
class StreamKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "customer-42", "orders/customer-42", "a/b/c/d", "with space", "é/日本/😀", ".", "../..", "a.b_c-d~e"})
    void validKeysAreAcceptedInEveryForm(String key) {
        assertSame(key, StreamKeys.requireValid(key));
        assertTrue(StreamKeys.isValid(key));
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, padded, 2, bytes.length);
        padded[0] = '*';
        padded[padded.length - 1] = '/';
        assertTrue(StreamKeys.isValid(padded, 2, bytes.length), "only the range is checked");
        StreamKeys.requireValid(padded, 2, bytes.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertTrue(StreamKeys.isValid(direct));
        StreamKeys.requireValid(direct);
        assertEquals(0, direct.position(), "the position is not moved");
    }

    /** Each kind of bad key, refused in every form, with a message naming the problem. */
    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''                   | it is empty",
        "/orders              | starts with '/'",
        "orders/              | ends with '/'",
        "/                    | starts with '/'",
        "orders//customer-42  | empty segment ('//') at byte 7",
        "orders/*             | '*' at byte 7 is reserved for subscription patterns",
        "*                    | '*' at byte 0 is reserved",
    })
    void badKeysAreRefusedWithAMessageSayingWhy(String key, String why) {
        assertRefused(key, why);
    }

    @Test
    void controlCharactersAreRefusedAndShownEscaped() {
        String refusal = assertRefused("orders/\ncustomer", "control character U+000A at byte 7");
        assertTrue(refusal.contains("\"orders/\\u000Acustomer\""), "the key is shown with the control escaped: " + refusal);
        assertRefused("a\u0000b", "control character U+0000 at byte 1");
        assertRefused("tab\there", "control character U+0009 at byte 3");
        assertRefused("del\u007F", "control character U+007F at byte 3");
        assertRefused("c1\u0085", "control character U+0085 at byte 2");
        assertTrue(StreamKeys.isValid("nbsp\u00A0ok"), "U+00A0 is not a control character");
    }

    @Test
    void theLimitIs255BytesOfUtf8NotCharacters() {
        assertTrue(StreamKeys.isValid("x".repeat(255)));
        assertRefused("x".repeat(256), "it is 256 bytes long in UTF-8; the limit is 255 bytes");
        assertTrue(StreamKeys.isValid("€".repeat(85)), "85 three-byte characters are 255 bytes");
        assertRefused("€".repeat(86), "it is 258 bytes long");
        assertTrue(StreamKeys.isValid("😀".repeat(63) + "abc"), "63 four-byte characters and 3 bytes are 255 bytes");
        assertRefused("😀".repeat(64), "it is 256 bytes long");
        String huge = "y".repeat(100_000);
        String refusal = assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid(huge)).getMessage();
        assertTrue(refusal.contains("it is 100000 bytes long") && refusal.length() < 300, "the key is cut in the message: " + refusal);
    }

    @Test
    void anUnpairedSurrogateInTextIsRefused() {
        String refusal = assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid("ab\uD800c")).getMessage();
        assertTrue(refusal.contains("unpaired surrogate U+D800 at byte 2"), refusal);
        assertFalse(StreamKeys.isValid("ab\uDC00"));
        assertFalse(StreamKeys.isValid("\uD83D"), "a high surrogate at the end");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({
        "61 80,        1, lone continuation byte",
        "C0 AF,        0, overlong '/' (C0)",
        "C1 BF,        0, overlong (C1)",
        "E0 80 AF,     0, overlong three-byte",
        "F0 80 80 AF,  0, overlong four-byte",
        "ED A0 80,     0, an encoded surrogate",
        "F4 90 80 80,  0, beyond U+10FFFF",
        "F5 80 80 80,  0, F5 starts nothing",
        "FF,           0, FF starts nothing",
        "61 E2 82,     1, cut short at the end",
        "61 E2 28 A1,  1, a bad second continuation byte",
        "C3 28,        0, a bad first continuation byte",
    })
    void malformedUtf8IsRefusedAtTheByteWhereItStarts(String hex, int at, String what) {
        byte[] bytes = hex(hex);
        assertFalse(StreamKeys.isValid(bytes, 0, bytes.length), what);
        assertFalse(StreamKeys.isValid(ByteBuffer.wrap(bytes)), what);
        String refusal = assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid(bytes, 0, bytes.length)).getMessage();
        assertTrue(refusal.contains("byte " + at + " ") && refusal.contains("well-formed UTF-8"), what + ": " + refusal);
        assertEquals(refusal, assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid(ByteBuffer.wrap(bytes))).getMessage());
    }

    @Test
    void theLargestCodePointsOfEachLengthAreAccepted() {
        for (String hex : new String[] {"7E", "DF BF", "EF BF BD", "F4 8F BF BF", "E0 A0 80", "F0 90 80 80", "EE 80 80"}) {
            byte[] bytes = hex(hex);
            assertTrue(StreamKeys.isValid(bytes, 0, bytes.length), hex);
            assertTrue(StreamKeys.isValid(new String(bytes, StandardCharsets.UTF_8)), hex);
        }
    }

    @Test
    void nullAndBadRangesAreRefused() {
        assertEquals("stream key", assertThrows(NullPointerException.class, () -> StreamKeys.requireValid((String) null)).getMessage());
        assertFalse(StreamKeys.isValid((String) null));
        assertThrows(IndexOutOfBoundsException.class, () -> StreamKeys.isValid(new byte[3], 2, 2));
    }

    @Test
    void checkingAValidArrayOrBufferKeyAllocatesNothing() {
        byte[] key = "orders/é/customer-42/日本".getBytes(StandardCharsets.UTF_8);
        ByteBuffer direct = ByteBuffer.allocateDirect(key.length).put(key).flip();
        boolean[] all = {true};
        AllocationCheck.assertAllocatesNothing("key check", () -> {
            for (int i = 0; i < 10_000; i++) {
                all[0] &= StreamKeys.isValid(key, 0, key.length);
                all[0] &= StreamKeys.isValid(direct);
                StreamKeys.requireValid(key, 0, key.length);
            }
        });
        assertTrue(all[0]);
    }

    /** Refused as text, as an array and as a buffer, each time with {@code why} in the message. */
    private static String assertRefused(String key, String why) {
        String refusal = assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid(key)).getMessage();
        assertTrue(refusal.startsWith("invalid stream key") && refusal.contains(why), "expected '" + why + "' in: " + refusal);
        assertFalse(StreamKeys.isValid(key));
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        assertEquals(refusal, assertThrows(IllegalArgumentException.class, () -> StreamKeys.requireValid(bytes, 0, bytes.length)).getMessage(),
                "the same message for the bytes");
        assertFalse(StreamKeys.isValid(ByteBuffer.wrap(bytes)));
        return refusal;
    }

    private static byte[] hex(String hex) {
        String[] parts = hex.trim().split(" ");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return bytes;
    }
}
