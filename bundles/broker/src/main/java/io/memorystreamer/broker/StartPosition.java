package io.memorystreamer.broker;

/**
 * Where a subscription starts reading: the earliest message retained, only messages published
 * after it starts, a stream offset, or the first message at or after a timestamp.
 *
 * @param kind which of the four
 * @param value the offset or the timestamp (milliseconds since the epoch); 0 otherwise
 */
public record StartPosition(Kind kind, long value) {
    /** The kinds of start position. */
    public enum Kind {
        /** The earliest message the log retains. */
        EARLIEST,
        /** Only what is published after the subscription starts. */
        LATEST,
        /** From a stream offset (in each stream, for a topic or pattern subscription). */
        OFFSET,
        /** From the first message appended at or after a time. */
        TIMESTAMP
    }

    /**
     * @param kind which kind
     * @param value the offset or timestamp
     */
    public StartPosition {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if (kind == Kind.OFFSET && value < 0) {
            throw new IllegalArgumentException("a start offset is 0 or more, not " + value);
        }
    }

    /** @return from the earliest retained message */
    public static StartPosition earliest() {
        return new StartPosition(Kind.EARLIEST, 0);
    }

    /** @return from what is published next */
    public static StartPosition latest() {
        return new StartPosition(Kind.LATEST, 0);
    }

    /**
     * @param offset a stream offset, 0 or more
     * @return from that offset
     */
    public static StartPosition offset(long offset) {
        return new StartPosition(Kind.OFFSET, offset);
    }

    /**
     * @param epochMillis a time
     * @return from the first message appended at or after it
     */
    public static StartPosition timestamp(long epochMillis) {
        return new StartPosition(Kind.TIMESTAMP, epochMillis);
    }

    /**
     * Parses what a person types: {@code earliest}, {@code latest}, an offset ({@code 42} or
     * {@code offset:42}), or a time ({@code time:<epoch millis>} or an ISO-8601 instant such as
     * {@code 2026-11-27T10:15:30Z}).
     *
     * @param text the text
     * @return the start position
     * @throws IllegalArgumentException naming what was expected
     */
    public static StartPosition parse(String text) {
        String value = text == null ? "" : text.trim();
        try {
            if (value.equalsIgnoreCase("earliest")) {
                return earliest();
            }
            if (value.equalsIgnoreCase("latest")) {
                return latest();
            }
            if (value.startsWith("offset:")) {
                return offset(Long.parseLong(value.substring(7)));
            }
            if (value.startsWith("time:")) {
                String time = value.substring(5);
                return timestamp(time.chars().allMatch(Character::isDigit) ? Long.parseLong(time) : java.time.Instant.parse(time).toEpochMilli());
            }
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                return offset(Long.parseLong(value));
            }
            if (value.length() > 10 && value.charAt(4) == '-' && value.contains("T")) {
                return timestamp(java.time.Instant.parse(value).toEpochMilli());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid start position '" + value + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("invalid start position '" + value
                + "': expected earliest, latest, an offset (42 or offset:42) or a time (time:<epoch millis> or 2026-11-27T10:15:30Z)");
    }
}
