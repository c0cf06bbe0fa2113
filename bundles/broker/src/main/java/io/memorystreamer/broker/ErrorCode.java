package io.memorystreamer.broker;

/**
 * Why the broker refused or failed a request. Each code has a stable number, which the wire
 * protocol carries; never renumber one, only add.
 */
public enum ErrorCode {
    /** A topic, stream key, header block, pattern or setting is malformed or out of range. */
    INVALID_REQUEST(1),
    /** The topic does not exist. */
    UNKNOWN_TOPIC(2),
    /** A topic with that name exists already. */
    TOPIC_EXISTS(3),
    /** A message is larger than its topic's maximum message size. */
    MESSAGE_TOO_LARGE(4),
    /** An interceptor on the topic rejected the message. */
    REJECTED(5),
    /** The consumer group does not exist. */
    UNKNOWN_GROUP(6),
    /** The group member is no longer part of its group (it left or timed out). */
    UNKNOWN_MEMBER(7),
    /** The topic was deleted or the broker closed while the request was in flight. */
    CLOSED(8),
    /** The write-ahead log failed (disk full, I/O error); the message may not be durable. */
    STORAGE_FAILURE(9),
    /** A change that cannot be made to a live topic (shard count, placement). */
    UNSUPPORTED_CHANGE(10),
    /** The shard's log or flusher is behind its bound; retry later. */
    BACK_PRESSURED(11);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    /** @return the stable number of this code */
    public int number() {
        return number;
    }

    /**
     * @param number a stable number
     * @return its code
     * @throws IllegalArgumentException when no code has that number
     */
    public static ErrorCode of(int number) {
        for (ErrorCode code : values()) {
            if (code.number == number) {
                return code;
            }
        }
        throw new IllegalArgumentException("no broker error code has number " + number);
    }
}
