package io.memorystreamer.client;

import java.util.Objects;

/**
 * The broker's acknowledgement of one record: it is durable as its topic promises. Immutable; any
 * thread.
 *
 * @param topic the topic
 * @param key the stream key
 * @param streamOffset the record's offset in its stream; for a {@link Status#DUPLICATE}, the first
 *     copy's offset, or -2 when the broker no longer knows it; -1 for {@link Status#DROPPED}
 * @param status what became of it
 */
public record RecordAck(String topic, String key, long streamOffset, Status status) {
    /** What became of a record. */
    public enum Status {
        /** Appended to its stream at {@link RecordAck#streamOffset()}. */
        WRITTEN,
        /**
         * A retry of a record the broker had already appended (its first answer was lost): not
         * appended again. The record is in the stream once.
         */
        DUPLICATE,
        /** An interceptor on the broker dropped it: not appended, and not an error. */
        DROPPED
    }

    /**
     * @param topic topic
     * @param key stream key
     * @param streamOffset offset
     * @param status status
     */
    public RecordAck {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
    }

    /** @return whether the broker recognised the record as a retry of one already appended */
    public boolean duplicate() {
        return status == Status.DUPLICATE;
    }
}
