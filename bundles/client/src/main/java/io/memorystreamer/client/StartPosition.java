package io.memorystreamer.client;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a subscription starts reading (or, for a consumer group, where a lane nobody has committed
 * in starts): the earliest message retained, only what is published after it starts, a stream
 * offset (in each stream, for a topic or pattern subscription), or the first message appended at
 * or after a time.
 *
 * <pre>{@code
 * StartPosition.earliest();
 * StartPosition.offset(42);
 * StartPosition.timestamp(Instant.now().minus(Duration.ofMinutes(5)));
 * }</pre>
 *
 * <p>Immutable; any thread.
 *
 * @param kind which of the four
 * @param value the offset (0 or more) or the time in epoch milliseconds; 0 for earliest and latest
 */
public record StartPosition(Kind kind, long value) {
    /** The kinds of start position. */
    public enum Kind {
        /** The earliest message the broker retains. */
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
     * @param value the offset or timestamp; 0 for earliest and latest
     * @throws IllegalArgumentException for a negative offset or timestamp, or a value with earliest or latest
     */
    public StartPosition {
        Objects.requireNonNull(kind, "kind");
        if (value < 0) {
            throw new IllegalArgumentException("a start offset or time is 0 or more, not " + value);
        }
        if ((kind == Kind.EARLIEST || kind == Kind.LATEST) && value != 0) {
            throw new IllegalArgumentException(kind + " takes no value, not " + value);
        }
    }

    /** @return from the earliest retained message */
    public static StartPosition earliest() {
        return new StartPosition(Kind.EARLIEST, 0);
    }

    /** @return from what is published after the subscription starts */
    public static StartPosition latest() {
        return new StartPosition(Kind.LATEST, 0);
    }

    /**
     * @param offset a stream offset, 0 or more
     * @return from that offset (in every stream, for a topic or pattern subscription)
     */
    public static StartPosition offset(long offset) {
        return new StartPosition(Kind.OFFSET, offset);
    }

    /**
     * @param epochMillis a time, in milliseconds since the epoch
     * @return from the first message appended at or after it
     */
    public static StartPosition timestamp(long epochMillis) {
        return new StartPosition(Kind.TIMESTAMP, epochMillis);
    }

    /**
     * @param time a time
     * @return from the first message appended at or after it
     */
    public static StartPosition timestamp(Instant time) {
        return timestamp(time.toEpochMilli());
    }
}
