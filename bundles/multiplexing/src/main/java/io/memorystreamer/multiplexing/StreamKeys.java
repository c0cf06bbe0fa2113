package io.memorystreamer.multiplexing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a stream key may be, checked the same way whether the key arrives as text (the Java API,
 * the shell) or as UTF-8 bytes (the wire).
 *
 * <p>A stream key names a stream inside its topic ({@code customer-42},
 * {@code orders/customer-42}); the topic is not part of it. A valid key:
 * <ul>
 *   <li>is 1 to {@value #MAX_LENGTH} bytes of well-formed UTF-8 (no overlong forms, no
 *       surrogates, nothing above U+10FFFF; as text, no unpaired surrogate);</li>
 *   <li>holds no control character (U+0000..U+001F, U+007F..U+009F): they break logs, shells
 *       and terminals, and are never what a user meant;</li>
 *   <li>holds no {@code '*'}: it is reserved for subscription patterns ({@code orders/*}), so a
 *       pattern never has to guess whether a '*' is literal;</li>
 *   <li>is made of segments separated by {@code '/'}: it neither starts nor ends with '/', and
 *       no segment is empty ({@code "a//b"}), so that patterns match segment by segment and one
 *       stream has one spelling.</li>
 * </ul>
 * Everything else is allowed, spaces and any script included. Keys are compared byte for byte:
 * no case folding, no Unicode normalisation. Keys never become file names (there is no file per
 * stream), so {@code "."}, {@code ".."} and the like are ordinary segments.
 *
 * <p>These rules are strict on purpose: allowing more later is compatible, forbidding more once
 * streams exist is not.
 *
 * <p>Threading: stateless; any thread. The {@code byte[]} and {@link ByteBuffer} checks allocate
 * nothing when the key is valid (they run on the publish path); only the message of a refusal
 * is built.
 */
public final class StreamKeys {
    /** The longest key, in bytes of UTF-8. */
    public static final int MAX_LENGTH = 255;
    /** Separates a key's segments. */
    public static final char SEPARATOR = '/';
    /** Reserved for subscription patterns; never part of a key. */
    public static final char WILDCARD = '*';

    // A check returns VALID or a problem packed as: kind << 48 | byte index << 32 | code point (or byte).
    private static final long VALID = 0;
    private static final int EMPTY = 1;
    private static final int TOO_LONG = 2;
    private static final int MALFORMED = 3;
    private static final int CONTROL = 4;
    private static final int RESERVED = 5;
    private static final int LEADING_SEPARATOR = 6;
    private static final int TRAILING_SEPARATOR = 7;
    private static final int EMPTY_SEGMENT = 8;
    private static final int UNPAIRED_SURROGATE = 9;

    private StreamKeys() {
    }

    /**
     * @param key a stream key as text
     * @return the key
     * @throws IllegalArgumentException saying what is wrong with it, and where
     * @throws NullPointerException if the key is null
     */
    public static String requireValid(String key) {
        if (key == null) {
            throw new NullPointerException("stream key");
        }
        long problem = check(key);
        if (problem != VALID) {
            throw new IllegalArgumentException(describe(problem, printable(key)));
        }
        return key;
    }

    /**
     * @param key    the array holding the key's UTF-8 bytes
     * @param offset index of the key's first byte
     * @param length the key's length in bytes
     * @throws IllegalArgumentException saying what is wrong with the key, and at which byte
     * @throws IndexOutOfBoundsException if the range is not inside {@code key}
     */
    public static void requireValid(byte[] key, int offset, int length) {
        long problem = check(key, offset, length);
        if (problem != VALID) {
            throw new IllegalArgumentException(describe(problem, printable(new String(key, offset, length, StandardCharsets.UTF_8))));
        }
    }

    /**
     * @param key the key's UTF-8 bytes, from the buffer's position to its limit; neither is moved
     * @throws IllegalArgumentException saying what is wrong with the key, and at which byte
     */
    public static void requireValid(ByteBuffer key) {
        long problem = check(key);
        if (problem != VALID) {
            byte[] copy = new byte[key.remaining()];
            key.get(key.position(), copy);
            throw new IllegalArgumentException(describe(problem, printable(new String(copy, StandardCharsets.UTF_8))));
        }
    }

    /**
     * @param key a stream key as text, or null
     * @return whether it is a valid key
     */
    public static boolean isValid(String key) {
        return key != null && check(key) == VALID;
    }

    /**
     * @param key    the array holding the key's UTF-8 bytes
     * @param offset index of the key's first byte
     * @param length the key's length in bytes
     * @return whether they form a valid key; allocates nothing
     */
    public static boolean isValid(byte[] key, int offset, int length) {
        return check(key, offset, length) == VALID;
    }

    /**
     * @param key the key's UTF-8 bytes, from the buffer's position to its limit; neither is moved
     * @return whether they form a valid key; allocates nothing
     */
    public static boolean isValid(ByteBuffer key) {
        return check(key) == VALID;
    }

    private static long check(String key) {
        int chars = key.length();
        if (chars == 0) {
            return problem(EMPTY, 0, 0);
        }
        long bytes = 0;
        for (int i = 0; i < chars; i++) {
            char c = key.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(key.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        if (bytes > MAX_LENGTH) {
            return problem(TOO_LONG, 0, (int) Math.min(bytes, Integer.MAX_VALUE));
        }
        int at = 0;
        int previous = -1;
        for (int i = 0; i < chars; ) {
            int codePoint = key.codePointAt(i);
            if (codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint)) {
                return problem(UNPAIRED_SURROGATE, at, codePoint);
            }
            long problem = checkCodePoint(codePoint, previous, at);
            if (problem != VALID) {
                return problem;
            }
            previous = codePoint;
            at += utf8Length(codePoint);
            i += Character.charCount(codePoint);
        }
        return previous == SEPARATOR ? problem(TRAILING_SEPARATOR, at - 1, SEPARATOR) : VALID;
    }

    private static long check(byte[] key, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, key.length);
        if (length == 0) {
            return problem(EMPTY, 0, 0);
        }
        if (length > MAX_LENGTH) {
            return problem(TOO_LONG, 0, length);
        }
        int previous = -1;
        for (int at = 0; at < length; ) {
            int b0 = key[offset + at] & 0xFF;
            int size = sequenceLength(b0);
            if (size == 0 || at + size > length) {
                return problem(MALFORMED, at, b0);
            }
            int codePoint;
            if (size == 1) {
                codePoint = b0;
            } else {
                int i = offset + at;
                codePoint = decode(b0, size, key[i + 1] & 0xFF, size > 2 ? key[i + 2] & 0xFF : 0, size > 3 ? key[i + 3] & 0xFF : 0);
                if (codePoint < 0) {
                    return problem(MALFORMED, at, b0);
                }
            }
            long problem = checkCodePoint(codePoint, previous, at);
            if (problem != VALID) {
                return problem;
            }
            previous = codePoint;
            at += size;
        }
        return previous == SEPARATOR ? problem(TRAILING_SEPARATOR, length - 1, SEPARATOR) : VALID;
    }

    private static long check(ByteBuffer key) {
        int start = key.position();
        int length = key.remaining();
        if (length == 0) {
            return problem(EMPTY, 0, 0);
        }
        if (length > MAX_LENGTH) {
            return problem(TOO_LONG, 0, length);
        }
        int previous = -1;
        for (int at = 0; at < length; ) {
            int b0 = key.get(start + at) & 0xFF;
            int size = sequenceLength(b0);
            if (size == 0 || at + size > length) {
                return problem(MALFORMED, at, b0);
            }
            int codePoint;
            if (size == 1) {
                codePoint = b0;
            } else {
                codePoint = decode(b0, size, key.get(start + at + 1) & 0xFF,
                        size > 2 ? key.get(start + at + 2) & 0xFF : 0, size > 3 ? key.get(start + at + 3) & 0xFF : 0);
                if (codePoint < 0) {
                    return problem(MALFORMED, at, b0);
                }
            }
            long problem = checkCodePoint(codePoint, previous, at);
            if (problem != VALID) {
                return problem;
            }
            previous = codePoint;
            at += size;
        }
        return previous == SEPARATOR ? problem(TRAILING_SEPARATOR, length - 1, SEPARATOR) : VALID;
    }

    /** The rules on one character, given the one before it (-1 at the start) and its byte index. */
    private static long checkCodePoint(int codePoint, int previous, int at) {
        if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
            return problem(CONTROL, at, codePoint);
        }
        if (codePoint == WILDCARD) {
            return problem(RESERVED, at, codePoint);
        }
        if (codePoint == SEPARATOR) {
            if (previous == -1) {
                return problem(LEADING_SEPARATOR, at, codePoint);
            }
            if (previous == SEPARATOR) {
                return problem(EMPTY_SEGMENT, at, codePoint);
            }
        }
        return VALID;
    }

    /** @return how many bytes a UTF-8 sequence starting with this byte has, or 0 if no sequence starts with it */
    private static int sequenceLength(int b0) {
        if (b0 < 0x80) {
            return 1;
        }
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return 2;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            return 3;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            return 4;
        }
        return 0; // a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF (F5..FF)
    }

    /** @return the code point of a 2- to 4-byte sequence, or -1 if it is not well-formed (RFC 3629) */
    private static int decode(int b0, int size, int b1, int b2, int b3) {
        int low = 0x80;
        int high = 0xBF;
        if (b0 == 0xE0) {
            low = 0xA0; // else overlong
        } else if (b0 == 0xED) {
            high = 0x9F; // else a surrogate
        } else if (b0 == 0xF0) {
            low = 0x90; // else overlong
        } else if (b0 == 0xF4) {
            high = 0x8F; // else beyond U+10FFFF
        }
        if (b1 < low || b1 > high) {
            return -1;
        }
        if (size == 2) {
            return (b0 & 0x1F) << 6 | (b1 & 0x3F);
        }
        if (!isContinuation(b2)) {
            return -1;
        }
        if (size == 3) {
            return (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F);
        }
        if (!isContinuation(b3)) {
            return -1;
        }
        return (b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (b2 & 0x3F) << 6 | (b3 & 0x3F);
    }

    private static boolean isContinuation(int b) {
        return (b & 0xC0) == 0x80;
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    private static long problem(int kind, int at, int value) {
        return (long) kind << 48 | (long) at << 32 | (value & 0xFFFFFFFFL);
    }

    private static String describe(long problem, String shownKey) {
        int kind = (int) (problem >>> 48);
        int at = (int) (problem >>> 32) & 0xFFFF;
        int value = (int) problem;
        String prefix = "invalid stream key " + shownKey + ": ";
        switch (kind) {
            case EMPTY:
                return "invalid stream key: it is empty; a key is 1 to " + MAX_LENGTH + " bytes of UTF-8, such as orders/customer-42";
            case TOO_LONG:
                return prefix + "it is " + value + " bytes long in UTF-8; the limit is " + MAX_LENGTH + " bytes";
            case MALFORMED:
                return prefix + String.format("byte %d (0x%02X) does not start a well-formed UTF-8 character", at, value);
            case UNPAIRED_SURROGATE:
                return prefix + String.format("unpaired surrogate U+%04X at byte %d; the text is not valid Unicode", value, at);
            case CONTROL:
                return prefix + String.format("control character U+%04X at byte %d; control characters are not allowed", value, at);
            case RESERVED:
                return prefix + "'*' at byte " + at + " is reserved for subscription patterns (orders/*) and cannot be part of a key";
            case LEADING_SEPARATOR:
                return prefix + "it starts with '/'; segments are separated by '/', so write orders/customer-42, not /orders/customer-42";
            case TRAILING_SEPARATOR:
                return prefix + "it ends with '/'; a key cannot end with an empty segment";
            case EMPTY_SEGMENT:
                return prefix + "empty segment ('//') at byte " + at + "; segments between '/' must not be empty";
            default:
                throw new AssertionError("unknown stream key problem " + kind);
        }
    }

    /** @return the key quoted for a message: control characters and unpaired surrogates escaped, cut after 80 characters */
    static String printable(String key) {
        int limit = Math.min(key.length(), 80);
        StringBuilder shown = new StringBuilder(limit + 32).append('"');
        for (int i = 0; i < limit; ) {
            int codePoint = key.codePointAt(i);
            if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)
                    || (codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint))) {
                shown.append(String.format("\\u%04X", codePoint));
            } else {
                shown.appendCodePoint(codePoint);
            }
            i += Character.charCount(codePoint);
        }
        shown.append('"');
        if (key.length() > limit) {
            shown.append("... (").append(key.length()).append(" characters)");
        }
        return shown.toString();
    }
}
