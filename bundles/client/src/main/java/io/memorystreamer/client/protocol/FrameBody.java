package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.Optional;

/**
 * The typed body of one frame type. Each type has a record that writes itself ({@link #write}) and
 * a static {@code read(ByteBuf body)} that parses a received body whole, refusing trailing bytes;
 * the records are grouped by family in {@link Handshake}, {@link TopicAdmin}, {@link Publishing},
 * {@link Subscriptions} and {@link Groups}, and the bodies every family shares are here:
 * {@link Empty} and {@link ErrorBody}.
 *
 * <p>Records are immutable, except that a {@link ByteBuf} they hold is a slice of the frame they
 * were read from, valid until that frame is released.
 */
public interface FrameBody {
    /** @return the frame type that carries this body */
    int type();

    /**
     * Appends this body (without the frame header: see {@link FrameWriter#write}).
     *
     * @param out where to append
     * @throws IllegalArgumentException when a value does not fit its field (a string over 65535 bytes...)
     */
    void write(ByteBuf out);

    /**
     * Parses a frame's body by its type, reporting a failure with the frame's correlation id.
     *
     * @param frame a decoded frame (its body's reader index moves to its end)
     * @return the typed body
     * @throws ProtocolException {@link ProtocolError#MALFORMED_FRAME} when the body does not parse
     *     or has trailing bytes, {@link ProtocolError#UNKNOWN_TYPE} for a type without a body record
     */
    static FrameBody read(Frame frame) {
        try {
            return read(frame.type(), frame.body());
        } catch (ProtocolException e) {
            throw e.withCorrelationId(frame.correlationId());
        }
    }

    /**
     * Parses a body by its type.
     *
     * @param type the frame's type
     * @param body the frame's body (its reader index moves to its end)
     * @return the typed body
     * @throws ProtocolException {@link ProtocolError#MALFORMED_FRAME} when the body does not parse
     *     or has trailing bytes, {@link ProtocolError#UNKNOWN_TYPE} for an unknown type
     */
    static FrameBody read(int type, ByteBuf body) {
        switch (type) {
            case Protocol.HELLO:
                return Handshake.Hello.read(body);
            case Protocol.HELLO_OK:
                return Handshake.HelloOk.read(body);
            case Protocol.METADATA_OK:
                return Handshake.MetadataOk.read(body);
            case Protocol.METADATA:
            case Protocol.LIST_TOPICS:
            case Protocol.INIT_PRODUCER:
            case Protocol.OK:
                return Empty.read(type, body);
            case Protocol.CREATE_TOPIC:
                return TopicAdmin.CreateTopic.read(body);
            case Protocol.DESCRIBE_TOPIC:
                return TopicAdmin.DescribeTopic.read(body);
            case Protocol.DELETE_TOPIC:
                return TopicAdmin.DeleteTopic.read(body);
            case Protocol.TOPICS:
                return TopicAdmin.TopicsInfo.read(body);
            case Protocol.DELETED:
                return TopicAdmin.Deleted.read(body);
            case Protocol.PRODUCER:
                return Publishing.ProducerId.read(body);
            case Protocol.PRODUCE:
                return Publishing.Produce.read(body);
            case Protocol.PRODUCE_ACK:
                return Publishing.ProduceAck.read(body);
            case Protocol.SUBSCRIBE:
                return Subscriptions.Subscribe.read(body);
            case Protocol.SUBSCRIBED:
                return Subscriptions.Subscribed.read(body);
            case Protocol.CREDIT:
                return Subscriptions.Credit.read(body);
            case Protocol.UNSUBSCRIBE:
                return Subscriptions.Unsubscribe.read(body);
            case Protocol.UNSUBSCRIBED:
                return Subscriptions.Unsubscribed.read(body);
            case Protocol.MESSAGES:
                return Subscriptions.Messages.read(body);
            case Protocol.SUBSCRIPTION_ENDED:
                return Subscriptions.SubscriptionEnded.read(body);
            case Protocol.JOIN_GROUP:
                return Groups.JoinGroup.read(body);
            case Protocol.JOINED:
                return Groups.Joined.read(body);
            case Protocol.HEARTBEAT:
                return Groups.Heartbeat.read(body);
            case Protocol.COMMIT:
                return Groups.Commit.read(body);
            case Protocol.LEAVE_GROUP:
                return Groups.LeaveGroup.read(body);
            case Protocol.ASSIGNMENT:
                return Groups.Assignment.read(body);
            case Protocol.ERROR:
                return ErrorBody.read(body);
            default:
                throw new ProtocolException(ProtocolError.UNKNOWN_TYPE, 0, "frame type " + Protocol.typeName(type));
        }
    }

    /**
     * The body of METADATA, LIST_TOPICS, INIT_PRODUCER and OK: nothing.
     *
     * @param type one of those four types
     */
    record Empty(int type) implements FrameBody {
        /**
         * @param type one of the types whose body is empty
         * @throws IllegalArgumentException for another type
         */
        public Empty {
            if (type != Protocol.METADATA && type != Protocol.LIST_TOPICS && type != Protocol.INIT_PRODUCER && type != Protocol.OK) {
                throw new IllegalArgumentException(Protocol.typeName(type) + " has a body; empty ones are METADATA, LIST_TOPICS, INIT_PRODUCER and OK");
            }
        }

        @Override
        public void write(ByteBuf out) {
            // Nothing: the body is empty.
        }

        /**
         * @param type one of the types whose body is empty
         * @param body the received body
         * @return the empty body
         * @throws ProtocolException when the body is not empty
         */
        public static Empty read(int type, ByteBuf body) {
            Codec.requireFullyRead(body, Protocol.typeName(type));
            return new Empty(type);
        }
    }

    /**
     * ERROR: {@code u16 code, string message}. The server sends it for a failed request (correlation
     * id of the request) and before closing a connection for a protocol error (correlation id of the
     * offending frame when its header could be trusted, else 0).
     *
     * @param code the error code: a {@link ProtocolError} number, or one this code does not know yet
     * @param message what went wrong, for people
     */
    record ErrorBody(int code, String message) implements FrameBody {
        /** Longest message, in characters, that {@link #of} keeps (the rest is cut). */
        public static final int MAX_MESSAGE_CHARS = 4096;

        /**
         * @param code 0 to 65535
         * @param message the message
         */
        public ErrorBody {
            if (code < 0 || code > 0xFFFF) {
                throw new IllegalArgumentException("an error code is 0 to 65535, not " + code);
            }
            Objects.requireNonNull(message, "message");
        }

        /**
         * @param error the error
         * @param message what went wrong (cut to {@value #MAX_MESSAGE_CHARS} characters)
         * @return the body
         */
        public static ErrorBody of(ProtocolError error, String message) {
            String text = message == null ? "" : message;
            return new ErrorBody(error.code(), text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text);
        }

        /**
         * @param exception a protocol error raised while reading the peer's bytes
         * @return the ERROR body that reports it (send it with the exception's correlation id)
         */
        public static ErrorBody of(ProtocolException exception) {
            return of(exception.error(), exception.detail());
        }

        /** @return the error, or empty for a code this code does not know (a newer peer's) */
        public Optional<ProtocolError> error() {
            return ProtocolError.find(code);
        }

        @Override
        public int type() {
            return Protocol.ERROR;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeU16(out, code);
            Codec.writeString(out, message);
        }

        /**
         * @param body an ERROR body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static ErrorBody read(ByteBuf body) {
            int code = Codec.readU16(body, "ERROR code");
            String message = Codec.readString(body, "ERROR message");
            Codec.requireFullyRead(body, "ERROR");
            return new ErrorBody(code, message);
        }

        @Override
        public String toString() {
            return "ErrorBody{" + ProtocolError.describe(code) + ": " + message + "}";
        }
    }
}
