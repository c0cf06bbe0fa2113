package io.memorystreamer.broker.internal;

import io.memorystreamer.multiplexing.StreamKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A compiled stream-key pattern, matched against key bytes where they lie in the log (a region of
 * a {@link ByteBuffer}) without allocating or decoding.
 *
 * <p>Semantics, as the stream registry defines them: a pattern is a key whose segments may be
 * {@code *}, which matches exactly one whole segment. {@code orders/*} matches {@code orders/42}
 * but neither {@code orders} nor {@code orders/42/x}; a pattern without {@code *} matches only its
 * own key. Matching is byte for byte on UTF-8; the separator byte {@code '/'} never occurs inside a
 * multi-byte UTF-8 sequence, so segments are found by scanning bytes.
 *
 * <p>Immutable; any thread.
 */
final class KeyPattern {
    private static final byte SEPARATOR = (byte) StreamKeys.SEPARATOR;

    private final String text;
    /** One entry per segment: its bytes, or null for a {@code *} segment. */
    private final byte[][] segments;
    private final boolean literal;

    private KeyPattern(String text, byte[][] segments, boolean literal) {
        this.text = text;
        this.segments = segments;
        this.literal = literal;
    }

    /**
     * @param pattern a key whose segments may be {@code *}
     * @return the compiled pattern
     * @throws IllegalArgumentException saying what is wrong with the pattern
     */
    static KeyPattern compile(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String[] parts = pattern.split(String.valueOf(StreamKeys.SEPARATOR), -1);
        byte[][] segments = new byte[parts.length][];
        StringBuilder asKey = new StringBuilder(pattern.length());
        boolean literal = true;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean wildcard = part.equals(String.valueOf(StreamKeys.WILDCARD));
            if (!wildcard && part.indexOf(StreamKeys.WILDCARD) >= 0) {
                throw new IllegalArgumentException("invalid stream key pattern \"" + pattern
                        + "\": '*' must be a whole segment, as in orders/*");
            }
            literal &= !wildcard;
            segments[i] = wildcard ? null : part.getBytes(StandardCharsets.UTF_8);
            asKey.append(i == 0 ? "" : "/").append(wildcard ? "x" : part);
        }
        if (!StreamKeys.isValid(asKey.toString())) {
            throw new IllegalArgumentException("invalid stream key pattern \"" + pattern
                    + "\": with each '*' read as a segment, it must be a valid stream key (1 to " + StreamKeys.MAX_LENGTH
                    + " bytes of UTF-8, segments separated by '/', none empty, no control characters)");
        }
        return new KeyPattern(pattern, segments, literal);
    }

    /**
     * @param buffer holds the key (absolute reads only; nothing is moved)
     * @param offset where the key starts
     * @param length its length in bytes
     * @return whether the key matches
     */
    boolean matches(ByteBuffer buffer, int offset, int length) {
        int end = offset + length;
        int at = offset;
        for (int s = 0; s < segments.length; s++) {
            int segmentEnd = at;
            while (segmentEnd < end && buffer.get(segmentEnd) != SEPARATOR) {
                segmentEnd++;
            }
            boolean lastSegment = s == segments.length - 1;
            if (lastSegment != (segmentEnd == end)) {
                return false; // the key has more or fewer segments than the pattern
            }
            byte[] expected = segments[s];
            if (expected != null) {
                if (segmentEnd - at != expected.length) {
                    return false;
                }
                for (int i = 0; i < expected.length; i++) {
                    if (buffer.get(at + i) != expected[i]) {
                        return false;
                    }
                }
            }
            at = segmentEnd + 1;
        }
        return true;
    }

    /**
     * @param key a key's UTF-8 bytes (the whole array)
     * @return whether it matches
     */
    boolean matches(byte[] key) {
        return matches(ByteBuffer.wrap(key), 0, key.length);
    }

    /** @return whether the pattern has no {@code *} (it matches only its own key) */
    boolean isLiteral() {
        return literal;
    }

    @Override
    public String toString() {
        return text;
    }
}
