package io.memorystreamer.client.protocol;

import java.util.Optional;

/**
 * The error codes an ERROR frame carries (u16), with names for people. Codes 1 to 99 are the
 * broker's: each equals {@code io.memorystreamer.broker.ErrorCode.number()} of the same name
 * (duplicated here so the client needs no broker bundle; a test in the broker's build may compare
 * them). Codes from 100 are the protocol's own. Numbers are stable: never renumber one, only add.
 * A peer must accept codes it does not know ({@link #find(int)} is empty for them).
 *
 * <p>Immutable; any thread.
 */
public enum ProtocolError {
    /** A topic, stream key, header block, pattern or setting is malformed or out of range. */
    INVALID_REQUEST(1, false),
    /** The topic does not exist. */
    UNKNOWN_TOPIC(2, false),
    /** A topic with that name exists already. */
    TOPIC_EXISTS(3, false),
    /** A message is larger than its topic's maximum message size (or than a frame can carry). */
    MESSAGE_TOO_LARGE(4, false),
    /** An interceptor on the topic rejected the message. */
    REJECTED(5, false),
    /** The consumer group does not exist. */
    UNKNOWN_GROUP(6, false),
    /** The group member is no longer part of its group (it left or timed out). */
    UNKNOWN_MEMBER(7, false),
    /** The topic was deleted or the broker closed while the request was in flight. */
    CLOSED(8, false),
    /** The write-ahead log failed (disk full, I/O error); the message may not be durable. */
    STORAGE_FAILURE(9, false),
    /** A change that cannot be made to a live topic (shard count, placement). */
    UNSUPPORTED_CHANGE(10, false),
    /** The shard's log or flusher is behind its bound; retry later. */
    BACK_PRESSURED(11, false),

    /** Bad magic, CRC, reserved field or flags, a bound exceeded, a body that does not parse or has trailing bytes. */
    MALFORMED_FRAME(100, true),
    /** No version in common, or a frame carries another version than the negotiated one. */
    UNSUPPORTED_VERSION(101, true),
    /** The length field exceeds the negotiated maximum frame size. */
    FRAME_TOO_LARGE(102, true),
    /** A type code that version does not define, or one that travels the other way. */
    UNKNOWN_TYPE(103, true),
    /** The token is missing or wrong while authentication is on. */
    NOT_AUTHENTICATED(104, true),
    /** A request other than HELLO before the handshake, or a second HELLO. */
    HANDSHAKE_REQUIRED(105, true),
    /** More than {@code maxInFlight} requests await a response; this one is refused, the connection stays. */
    TOO_MANY_IN_FLIGHT(106, false),
    /** The server has as many connections as it accepts. */
    TOO_MANY_CONNECTIONS(107, true),
    /** No subscription with that id is open on this connection. */
    UNKNOWN_SUBSCRIPTION(108, false),
    /** An idempotent producer skipped a sequence number; nothing of the request was written. */
    OUT_OF_ORDER_SEQUENCE(109, false),
    /** The producer id was never issued, or the broker no longer remembers it. */
    UNKNOWN_PRODUCER(110, false);

    /** The first protocol code: codes below it are the broker's. */
    public static final int FIRST_PROTOCOL_CODE = 100;

    private static final ProtocolError[] VALUES = values();

    private final int code;
    private final boolean closesConnection;

    ProtocolError(int code, boolean closesConnection) {
        this.code = code;
        this.closesConnection = closesConnection;
    }

    /** @return the stable number an ERROR frame carries */
    public int code() {
        return code;
    }

    /**
     * @return whether the server closes the connection after sending this error (having flushed
     *     the ERROR frame); otherwise only the request failed
     */
    public boolean closesConnection() {
        return closesConnection;
    }

    /** @return whether it is one of the broker's codes (equal to a {@code broker.ErrorCode} number) */
    public boolean isBrokerError() {
        return code < FIRST_PROTOCOL_CODE;
    }

    /** @return the name and number, such as {@code FRAME_TOO_LARGE (102)} */
    public String describe() {
        return name() + " (" + code + ")";
    }

    /**
     * @param code a number from an ERROR frame
     * @return its error, or empty for a number this code does not know (a newer peer's)
     */
    public static Optional<ProtocolError> find(int code) {
        for (ProtocolError error : VALUES) {
            if (error.code == code) {
                return Optional.of(error);
            }
        }
        return Optional.empty();
    }

    /**
     * @param code a known number
     * @return its error
     * @throws IllegalArgumentException when no error has that number
     */
    public static ProtocolError of(int code) {
        return find(code).orElseThrow(() -> new IllegalArgumentException("no protocol error has code " + code));
    }

    /**
     * @param code any number
     * @return its name and number for people, such as {@code UNKNOWN_TOPIC (2)} or {@code 4711 (unknown)}
     */
    public static String describe(int code) {
        return find(code).map(ProtocolError::describe).orElse(code + " (unknown)");
    }
}
