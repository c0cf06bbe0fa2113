package io.memorystreamer.multiplexing.internal;

import io.memorystreamer.multiplexing.StreamKeys;
import java.util.Objects;

/**
 * Stream key patterns as {@link io.memorystreamer.multiplexing.StreamRegistry#forEach(String,
 * io.memorystreamer.multiplexing.StreamVisitor)} defines them: a key whose segments may be
 * {@code *}, matching exactly one whole segment. Stateless; any thread.
 */
final class StreamPatterns {
    private StreamPatterns() {
    }

    /** @return the pattern's segments, {@code "*"} for a wildcard segment */
    static String[] parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        String[] segments = pattern.split(String.valueOf(StreamKeys.SEPARATOR), -1);
        StringBuilder asKey = new StringBuilder(pattern.length());
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.indexOf(StreamKeys.WILDCARD) >= 0 && !segment.equals("*")) {
                throw new IllegalArgumentException("invalid stream key pattern \"" + pattern
                        + "\": '*' must be a whole segment, as in orders/*");
            }
            asKey.append(i == 0 ? "" : "/").append(segment.equals("*") ? "x" : segment);
        }
        if (!StreamKeys.isValid(asKey.toString())) {
            throw new IllegalArgumentException("invalid stream key pattern \"" + pattern
                    + "\": with each '*' read as a segment, it must be a valid stream key (see StreamKeys)");
        }
        return segments;
    }

    /** @return whether the key matches the parsed pattern */
    static boolean matches(String[] pattern, String key) {
        int start = 0;
        for (int i = 0; i < pattern.length; i++) {
            int end = key.indexOf(StreamKeys.SEPARATOR, start);
            boolean last = i == pattern.length - 1;
            if (last != (end < 0)) {
                return false; // the key has fewer or more segments than the pattern
            }
            if (end < 0) {
                end = key.length();
            }
            String p = pattern[i];
            boolean wildcard = p.equals("*");
            if (!wildcard && (end - start != p.length() || !key.regionMatches(start, p, 0, p.length()))) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }
}
