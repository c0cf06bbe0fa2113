package io.memorystreamer.client;

import io.memorystreamer.client.protocol.ProtocolError;
import java.util.Optional;

/**
 * A failed client operation: the broker's answer (an ERROR frame, with the stable numeric code of
 * {@link ProtocolError} and the broker's message) or a failure on the client's side (the
 * connection was lost, a request timed out, the producer's buffer is full...), whose codes start
 * at {@value #FIRST_CLIENT_CODE} and never travel on the wire.
 *
 * <pre>{@code
 * try {
 *     admin.createTopic("orders", TopicOptions.defaults());
 * } catch (ClientException e) {
 *     if (e.error().orElse(null) == ProtocolError.TOPIC_EXISTS) {
 *         // fine
 *     } else if (e.isRetriable()) {
 *         // try again later
 *     } else {
 *         throw e;
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #isRetriable()} says whether the same operation may succeed if tried again unchanged:
 * the connection was lost, a request timed out, the broker is back-pressured or has too many
 * requests or connections, the producer's buffer was full. The {@link Producer} retries such
 * failures by itself; other operations leave the retry to the caller.
 *
 * <p>Immutable; any thread.
 */
public final class ClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The first code of the client's own failures; codes below it are the protocol's ({@link ProtocolError}). */
    public static final int FIRST_CLIENT_CODE = 1000;
    /** The connection to the broker was lost (or not open) while the request waited for its answer; retriable. */
    public static final int CONNECTION_LOST = 1000;
    /** No answer arrived within the request timeout; retriable. The request may or may not have taken effect. */
    public static final int TIMEOUT = 1001;
    /** The producer's buffer is full (back-pressure): the record was not accepted; retriable. */
    public static final int BUFFER_FULL = 1002;
    /** The client, producer or consumer is closed. */
    public static final int CLIENT_CLOSED = 1003;
    /** No session could be opened with the broker within the connect timeout; retriable. */
    public static final int CONNECT_FAILED = 1004;
    /** The broker broke the wire protocol (an answer of the wrong type, a malformed frame); the connection was closed. */
    public static final int PROTOCOL_VIOLATION = 1005;
    /** The calling thread was interrupted while it waited; its interrupt flag is set again. */
    public static final int INTERRUPTED = 1006;
    /** A value the client refuses before sending anything: a key, header or message the wire cannot carry. */
    public static final int INVALID_ARGUMENT = 1007;

    /** The stable numeric code. */
    private final int code;
    /** What went wrong, without the code. */
    private final String detail;

    /**
     * @param code a {@link ProtocolError} code or one of this class's client codes
     * @param detail what went wrong, for people (the broker's message for a broker error)
     */
    public ClientException(int code, String detail) {
        this(code, detail, null);
    }

    /**
     * @param code a {@link ProtocolError} code or one of this class's client codes
     * @param detail what went wrong, for people
     * @param cause the underlying failure, or null
     */
    public ClientException(int code, String detail, Throwable cause) {
        super(describe(code) + ": " + detail, cause);
        this.code = code;
        this.detail = detail == null ? "" : detail;
    }

    /**
     * @param error a protocol or broker error
     * @param detail what went wrong
     * @return the exception
     */
    public static ClientException of(ProtocolError error, String detail) {
        return new ClientException(error.code(), detail);
    }

    /**
     * @return the stable numeric code: a {@link ProtocolError#code()} (1 to 99 the broker's, 100 and up
     *     the protocol's) or, from {@value #FIRST_CLIENT_CODE}, one of this class's client codes
     */
    public int code() {
        return code;
    }

    /** @return what went wrong, without the code (for a broker error, the message of its ERROR frame) */
    public String detail() {
        return detail;
    }

    /** @return the protocol error, or empty for a client code or a code this client does not know (a newer broker's) */
    public Optional<ProtocolError> error() {
        return code < FIRST_CLIENT_CODE ? ProtocolError.find(code) : Optional.empty();
    }

    /** @return whether the broker answered with this error (rather than the client failing by itself) */
    public boolean isBrokerAnswer() {
        return code < FIRST_CLIENT_CODE;
    }

    /**
     * @return whether the same operation may succeed if tried again unchanged (after a pause): a
     *     lost connection, a timeout, a full buffer, the broker's BACK_PRESSURED,
     *     TOO_MANY_IN_FLIGHT or TOO_MANY_CONNECTIONS
     */
    public boolean isRetriable() {
        return isRetriable(code);
    }

    /** @return whether it is back-pressure: the producer's buffer is full, or the broker answered BACK_PRESSURED */
    public boolean isBackPressure() {
        return code == BUFFER_FULL || code == ProtocolError.BACK_PRESSURED.code();
    }

    /**
     * @param code any code
     * @return whether an operation failing with it may succeed if tried again
     */
    public static boolean isRetriable(int code) {
        return code == CONNECTION_LOST || code == TIMEOUT || code == BUFFER_FULL || code == CONNECT_FAILED
                || code == ProtocolError.BACK_PRESSURED.code() || code == ProtocolError.TOO_MANY_IN_FLIGHT.code()
                || code == ProtocolError.TOO_MANY_CONNECTIONS.code();
    }

    /**
     * @param code any code
     * @return its name and number for people, such as {@code UNKNOWN_TOPIC (2)} or {@code TIMEOUT (1001)}
     */
    public static String describe(int code) {
        switch (code) {
            case CONNECTION_LOST:
                return "CONNECTION_LOST (1000)";
            case TIMEOUT:
                return "TIMEOUT (1001)";
            case BUFFER_FULL:
                return "BUFFER_FULL (1002)";
            case CLIENT_CLOSED:
                return "CLIENT_CLOSED (1003)";
            case CONNECT_FAILED:
                return "CONNECT_FAILED (1004)";
            case PROTOCOL_VIOLATION:
                return "PROTOCOL_VIOLATION (1005)";
            case INTERRUPTED:
                return "INTERRUPTED (1006)";
            case INVALID_ARGUMENT:
                return "INVALID_ARGUMENT (1007)";
            default:
                return ProtocolError.describe(code);
        }
    }
}
