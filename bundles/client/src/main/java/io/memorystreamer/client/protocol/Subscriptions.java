package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The bodies of subscriptions and of the messages pushed to them.
 *
 * <pre>
 * SUBSCRIBE          u32 subscriptionId | string topic | u8 kind | string keyOrPattern | u8 startKind
 *                    | i64 startValue | i64 initialCredit
 * SUBSCRIBED         u32 subscriptionId
 * CREDIT             u32 subscriptionId | i64 credits
 * UNSUBSCRIBE        u32 subscriptionId
 * UNSUBSCRIBED       u32 subscriptionId
 * MESSAGES           u32 subscriptionId | u32 count | count x message
 *   message          bytes key | i64 streamOffset | i64 timestamp | u32 shard | i32 lane | i64 framePosition
 *                    | u32 indexInFrame | bytes headers | bytes payload
 * SUBSCRIPTION_ENDED u32 subscriptionId | u16 code | string message
 * </pre>
 *
 * <p>A subscription id is chosen by the client, unique among the subscriptions open on its
 * connection; it is any 32-bit value, held in a Java {@code int} (compare it as bits).
 *
 * <p>The server's push path writes MESSAGES one message at a time, straight from the log's buffers
 * ({@link Messages#beginMessages}, {@link Messages#appendMessage}, {@link Messages#endMessages}); a
 * client walks them without copying ({@link Messages.Cursor}).
 */
public final class Subscriptions {
    private Subscriptions() {
    }

    /** What a subscription covers. */
    public enum Kind {
        /** Every stream of the topic ({@code keyOrPattern} is ""). */
        TOPIC(0),
        /** One stream ({@code keyOrPattern} is its key). */
        STREAM(1),
        /** The streams whose keys match a pattern ({@code orders/*}). */
        PATTERN(2);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** @return the number on the wire */
        public int code() {
            return code;
        }

        /**
         * @param code a number from the wire
         * @param field the field's name, for the error message
         * @return its kind
         * @throws ProtocolException for an unknown number
         */
        public static Kind of(int code, String field) {
            for (Kind value : values()) {
                if (value.code == code) {
                    return value;
                }
            }
            throw Codec.malformed(field + ": " + code + " is not a subscription kind (0 topic, 1 stream, 2 pattern)");
        }
    }

    /** Where a subscription (or a group lane without a commit) starts. */
    public enum StartKind {
        /** The earliest message retained ({@code startValue} 0). */
        EARLIEST(0),
        /** Only what is published after it starts ({@code startValue} 0). */
        LATEST(1),
        /** A stream offset, 0 or more ({@code startValue}). */
        OFFSET(2),
        /** The first message appended at or after a time ({@code startValue}, epoch milliseconds). */
        TIMESTAMP(3);

        private final int code;

        StartKind(int code) {
            this.code = code;
        }

        /** @return the number on the wire */
        public int code() {
            return code;
        }

        /**
         * @param code a number from the wire
         * @param field the field's name, for the error message
         * @return its start kind
         * @throws ProtocolException for an unknown number
         */
        public static StartKind of(int code, String field) {
            for (StartKind value : values()) {
                if (value.code == code) {
                    return value;
                }
            }
            throw Codec.malformed(field + ": " + code + " is not a start kind (0 earliest, 1 latest, 2 offset, 3 timestamp)");
        }
    }

    /**
     * SUBSCRIBE, answered by SUBSCRIBED; MESSAGES follow within the credit granted.
     *
     * @param subscriptionId the client's id for it, unique on the connection
     * @param topic the topic
     * @param kind what it covers
     * @param keyOrPattern the stream key or pattern; "" for a whole topic
     * @param startKind where it starts
     * @param startValue the offset or timestamp; 0 otherwise
     * @param initialCredit how many messages the server may push before the client grants more, 0 or more
     */
    public record Subscribe(int subscriptionId, String topic, Kind kind, String keyOrPattern, StartKind startKind, long startValue,
            long initialCredit) implements FrameBody {
        /**
         * @param subscriptionId id
         * @param topic topic
         * @param kind kind
         * @param keyOrPattern key, pattern or ""
         * @param startKind start kind
         * @param startValue start value
         * @param initialCredit initial credit
         */
        public Subscribe {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(keyOrPattern, "keyOrPattern");
            Objects.requireNonNull(startKind, "startKind");
        }

        @Override
        public int type() {
            return Protocol.SUBSCRIBE;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeString(out, topic);
            Codec.writeU8(out, kind.code());
            Codec.writeString(out, keyOrPattern);
            Codec.writeU8(out, startKind.code());
            Codec.writeI64(out, startValue);
            Codec.writeI64(out, initialCredit);
        }

        /**
         * @param body a SUBSCRIBE body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Subscribe read(ByteBuf body) {
            int id = Codec.readI32(body, "SUBSCRIBE subscriptionId");
            String topic = Codec.readString(body, "SUBSCRIBE topic");
            Kind kind = Kind.of(Codec.readU8(body, "SUBSCRIBE kind"), "SUBSCRIBE kind");
            String keyOrPattern = Codec.readString(body, "SUBSCRIBE keyOrPattern");
            StartKind startKind = StartKind.of(Codec.readU8(body, "SUBSCRIBE startKind"), "SUBSCRIBE startKind");
            long startValue = Codec.readI64(body, "SUBSCRIBE startValue");
            long credit = Codec.readI64(body, "SUBSCRIBE initialCredit");
            Codec.requireFullyRead(body, "SUBSCRIBE");
            return new Subscribe(id, topic, kind, keyOrPattern, startKind, startValue, credit);
        }
    }

    /**
     * SUBSCRIBED: the answer to SUBSCRIBE.
     *
     * @param subscriptionId the subscription's id
     */
    public record Subscribed(int subscriptionId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.SUBSCRIBED;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
        }

        /**
         * @param body a SUBSCRIBED body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Subscribed read(ByteBuf body) {
            int id = Codec.readI32(body, "SUBSCRIBED subscriptionId");
            Codec.requireFullyRead(body, "SUBSCRIBED");
            return new Subscribed(id);
        }
    }

    /**
     * CREDIT: grants a subscription (or group member) more messages; answered only when it fails.
     *
     * @param subscriptionId the subscription's id
     * @param credits how many more messages the server may push, 1 or more
     */
    public record Credit(int subscriptionId, long credits) implements FrameBody {
        @Override
        public int type() {
            return Protocol.CREDIT;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeI64(out, credits);
        }

        /**
         * @param body a CREDIT body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Credit read(ByteBuf body) {
            int id = Codec.readI32(body, "CREDIT subscriptionId");
            long credits = Codec.readI64(body, "CREDIT credits");
            Codec.requireFullyRead(body, "CREDIT");
            return new Credit(id, credits);
        }
    }

    /**
     * UNSUBSCRIBE, answered by UNSUBSCRIBED.
     *
     * @param subscriptionId the subscription's id
     */
    public record Unsubscribe(int subscriptionId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.UNSUBSCRIBE;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
        }

        /**
         * @param body an UNSUBSCRIBE body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Unsubscribe read(ByteBuf body) {
            int id = Codec.readI32(body, "UNSUBSCRIBE subscriptionId");
            Codec.requireFullyRead(body, "UNSUBSCRIBE");
            return new Unsubscribe(id);
        }
    }

    /**
     * UNSUBSCRIBED: the answer to UNSUBSCRIBE; no MESSAGES for the subscription follow it.
     *
     * @param subscriptionId the subscription's id
     */
    public record Unsubscribed(int subscriptionId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.UNSUBSCRIBED;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
        }

        /**
         * @param body an UNSUBSCRIBED body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Unsubscribed read(ByteBuf body) {
            int id = Codec.readI32(body, "UNSUBSCRIBED subscriptionId");
            Codec.requireFullyRead(body, "UNSUBSCRIBED");
            return new Unsubscribed(id);
        }
    }

    /**
     * SUBSCRIPTION_ENDED (push): the broker ended a subscription or group membership on its own
     * (its topic was deleted: {@link ProtocolError#CLOSED}; the member was removed:
     * {@link ProtocolError#UNKNOWN_MEMBER}; a message too large for a frame:
     * {@link ProtocolError#MESSAGE_TOO_LARGE}...). No MESSAGES for it follow, and its id is free.
     *
     * @param subscriptionId the subscription's id
     * @param code why, as an error code
     * @param message why, for people
     */
    public record SubscriptionEnded(int subscriptionId, int code, String message) implements FrameBody {
        /**
         * @param subscriptionId id
         * @param code error code, 0 to 65535
         * @param message message
         */
        public SubscriptionEnded {
            if (code < 0 || code > 0xFFFF) {
                throw new IllegalArgumentException("an error code is 0 to 65535, not " + code);
            }
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int type() {
            return Protocol.SUBSCRIPTION_ENDED;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeU16(out, code);
            Codec.writeString(out, message);
        }

        /**
         * @param body a SUBSCRIPTION_ENDED body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static SubscriptionEnded read(ByteBuf body) {
            int id = Codec.readI32(body, "SUBSCRIPTION_ENDED subscriptionId");
            int code = Codec.readU16(body, "SUBSCRIPTION_ENDED code");
            String message = Codec.readString(body, "SUBSCRIPTION_ENDED message");
            Codec.requireFullyRead(body, "SUBSCRIPTION_ENDED");
            return new SubscriptionEnded(id, code, message);
        }
    }

    /**
     * MESSAGES (push): messages for one subscription, never more than its credit left.
     *
     * @param subscriptionId the subscription's id
     * @param count how many messages
     * @param messages the messages, encoded back to back from the reader index to the writer index
     *     (a slice of the frame when read: valid until the frame is released; walk it with {@link #cursor()})
     */
    public record Messages(int subscriptionId, int count, ByteBuf messages) implements FrameBody {
        /** The bytes a MESSAGES body takes besides its messages. */
        public static final int BODY_OVERHEAD = 4 + 4;
        /** The bytes a message takes besides its key, headers and payload. */
        public static final int MESSAGE_OVERHEAD = 4 + 8 + 8 + 4 + 4 + 8 + 4 + 4 + 4;
        /** The lane of a message pushed outside a consumer group. */
        public static final int NO_LANE = -1;

        /**
         * @param subscriptionId the subscription
         * @param count the number of messages
         * @param messages the encoded messages
         * @throws ProtocolException when {@code messages} does not hold exactly {@code count} well-formed messages
         */
        public Messages {
            Objects.requireNonNull(messages, "messages");
            check(count, messages);
        }

        private static void check(int count, ByteBuf messages) {
            if (count < 0) {
                throw Codec.malformed("MESSAGES count " + count + " is negative");
            }
            ByteBuf walk = messages.duplicate();
            for (int i = 0; i < count; i++) {
                try {
                    Codec.skipBytes(walk, "key");
                    Codec.readI64(walk, "streamOffset");
                    Codec.readI64(walk, "timestamp");
                    Codec.readSize(walk, "shard");
                    int lane = Codec.readI32(walk, "lane");
                    if (lane < NO_LANE) {
                        throw Codec.malformed("lane " + lane + " is neither a lane (0 or more) nor -1 (outside a group)");
                    }
                    Codec.readI64(walk, "framePosition");
                    Codec.readSize(walk, "indexInFrame");
                    Codec.skipBytes(walk, "headers");
                    Codec.skipBytes(walk, "payload");
                } catch (ProtocolException e) {
                    throw Codec.malformed("MESSAGES message " + i + " of " + count + ": " + e.detail());
                }
            }
            Codec.requireFullyRead(walk, "MESSAGES (after message " + count + " of " + count + ")");
        }

        /**
         * @param keyLength the key's length
         * @param headersLength the header block's length
         * @param payloadLength the payload's length
         * @return the bytes the message takes in a MESSAGES body (to check that it fits a frame)
         */
        public static int messageBytes(int keyLength, int headersLength, int payloadLength) {
            return MESSAGE_OVERHEAD + keyLength + headersLength + payloadLength;
        }

        @Override
        public int type() {
            return Protocol.MESSAGES;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeSize(out, count);
            out.writeBytes(messages, messages.readerIndex(), messages.readableBytes());
        }

        /**
         * Parses a MESSAGES body, checking every message's bounds, without copying any.
         *
         * @param body a MESSAGES body
         * @return it parsed; {@link #messages()} is a slice of {@code body}
         * @throws ProtocolException when it does not parse
         */
        public static Messages read(ByteBuf body) {
            int id = Codec.readI32(body, "MESSAGES subscriptionId");
            int count = Codec.readCount(body, MESSAGE_OVERHEAD, "MESSAGES count");
            return new Messages(id, count, body.readSlice(body.readableBytes()));
        }

        /** @return a new cursor over the messages (one per walk; it allocates nothing per message) */
        public Cursor cursor() {
            return new Cursor(messages, count);
        }

        /**
         * Writes the start of a MESSAGES body, with its count left 0 for {@link #endMessages}.
         *
         * @param out where to append (inside a frame begun with {@link FrameWriter#begin})
         * @param subscriptionId the subscription
         * @return the index of the count field
         */
        public static int beginMessages(ByteBuf out, int subscriptionId) {
            Codec.writeI32(out, subscriptionId);
            int countIndex = out.writerIndex();
            out.writeInt(0);
            return countIndex;
        }

        /**
         * Appends one message whose parts lie in one NIO buffer (a log segment, as a broker
         * {@code MessageView} shows it), by absolute index: the buffer's position and limit do not move.
         *
         * @param out where to append
         * @param source the buffer holding key, headers and payload
         * @param keyIndex where the stream key starts
         * @param keyLength its length
         * @param streamOffset the message's offset in its stream
         * @param timestamp when it was appended, epoch milliseconds
         * @param shard the shard holding it
         * @param lane the topic-wide lane of a group member's message, or {@link #NO_LANE}
         * @param framePosition the log position of the frame holding it, in its shard
         * @param indexInFrame its index in that frame
         * @param headersIndex where the header block starts
         * @param headersLength its length (0: none)
         * @param payloadIndex where the payload starts
         * @param payloadLength its length
         */
        public static void appendMessage(ByteBuf out, ByteBuffer source, int keyIndex, int keyLength, long streamOffset, long timestamp,
                int shard, int lane, long framePosition, int indexInFrame, int headersIndex, int headersLength, int payloadIndex,
                int payloadLength) {
            Codec.writeBytes(out, source, keyIndex, keyLength);
            out.writeLong(streamOffset);
            out.writeLong(timestamp);
            writePlace(out, shard, lane, framePosition, indexInFrame);
            Codec.writeBytes(out, source, headersIndex, headersLength);
            Codec.writeBytes(out, source, payloadIndex, payloadLength);
        }

        /**
         * Appends one message whose parts lie in one buffer, by absolute index (its indexes do not
         * move): with a whole log segment wrapped once ({@code Unpooled.wrappedBuffer(segment.duplicate().clear())}), the
         * push path copies each message into the frame and allocates nothing.
         *
         * @param out where to append
         * @param source the buffer holding key, headers and payload
         * @param keyIndex where the stream key starts
         * @param keyLength its length
         * @param streamOffset the message's offset in its stream
         * @param timestamp when it was appended, epoch milliseconds
         * @param shard the shard holding it
         * @param lane the topic-wide lane of a group member's message, or {@link #NO_LANE}
         * @param framePosition the log position of the frame holding it, in its shard
         * @param indexInFrame its index in that frame
         * @param headersIndex where the header block starts
         * @param headersLength its length (0: none)
         * @param payloadIndex where the payload starts
         * @param payloadLength its length
         */
        public static void appendMessage(ByteBuf out, ByteBuf source, int keyIndex, int keyLength, long streamOffset, long timestamp,
                int shard, int lane, long framePosition, int indexInFrame, int headersIndex, int headersLength, int payloadIndex,
                int payloadLength) {
            Codec.writeBytes(out, source, keyIndex, keyLength);
            out.writeLong(streamOffset);
            out.writeLong(timestamp);
            writePlace(out, shard, lane, framePosition, indexInFrame);
            Codec.writeBytes(out, source, headersIndex, headersLength);
            Codec.writeBytes(out, source, payloadIndex, payloadLength);
        }

        /**
         * Appends one message from buffers' readable bytes (their indexes do not move).
         *
         * @param out where to append
         * @param key the stream key
         * @param streamOffset the message's offset in its stream
         * @param timestamp when it was appended, epoch milliseconds
         * @param shard the shard holding it
         * @param lane the topic-wide lane of a group member's message, or {@link #NO_LANE}
         * @param framePosition the log position of the frame holding it, in its shard
         * @param indexInFrame its index in that frame
         * @param headers the header block, or null for none
         * @param payload the payload, or null for an empty one
         */
        public static void appendMessage(ByteBuf out, ByteBuf key, long streamOffset, long timestamp, int shard, int lane, long framePosition,
                int indexInFrame, ByteBuf headers, ByteBuf payload) {
            Codec.writeBytes(out, key);
            out.writeLong(streamOffset);
            out.writeLong(timestamp);
            writePlace(out, shard, lane, framePosition, indexInFrame);
            Codec.writeBytes(out, headers);
            Codec.writeBytes(out, payload);
        }

        private static void writePlace(ByteBuf out, int shard, int lane, long framePosition, int indexInFrame) {
            if (lane < NO_LANE) {
                throw new IllegalArgumentException("a lane is 0 or more, or -1 outside a group, not " + lane);
            }
            Codec.writeSize(out, shard);
            out.writeInt(lane);
            out.writeLong(framePosition);
            Codec.writeSize(out, indexInFrame);
        }

        /**
         * Completes a body begun by {@link #beginMessages}.
         *
         * @param out the buffer
         * @param countIndex what {@link #beginMessages} returned
         * @param count how many messages were appended
         */
        public static void endMessages(ByteBuf out, int countIndex, int count) {
            if (count < 0) {
                throw new IllegalArgumentException("a message count is 0 or more, not " + count);
            }
            out.setInt(countIndex, count);
        }

        @Override
        public String toString() {
            return "Messages{subscriptionId=" + subscriptionId + ", count=" + count + ", " + messages.readableBytes() + " bytes}";
        }

        /**
         * Walks the messages of a MESSAGES body: after each {@link #next()}, the current message's
         * fields are offsets into {@link #buffer()}. Nothing is copied or allocated per message
         * ({@link #key()} and the like make slices, for convenience). The body was checked when read,
         * so the walk cannot fail.
         *
         * <p>Not thread-safe.
         */
        public static final class Cursor {
            private final ByteBuf buffer;
            private final int count;
            private int index;
            private int position;
            private int keyIndex;
            private int keyLength;
            private long streamOffset;
            private long timestamp;
            private int shard;
            private int lane;
            private long framePosition;
            private int indexInFrame;
            private int headersIndex;
            private int headersLength;
            private int payloadIndex;
            private int payloadLength;

            Cursor(ByteBuf buffer, int count) {
                this.buffer = buffer;
                this.count = count;
                reset();
            }

            /** Goes back to before the first message. */
            public void reset() {
                index = -1;
                position = buffer.readerIndex();
            }

            /** @return whether there was another message; its fields are then current */
            public boolean next() {
                if (index + 1 >= count) {
                    return false;
                }
                int at = position;
                keyLength = length(at);
                keyIndex = at + 4;
                at = keyIndex + keyLength;
                streamOffset = buffer.getLong(at);
                timestamp = buffer.getLong(at + 8);
                shard = buffer.getInt(at + 16);
                lane = buffer.getInt(at + 20);
                framePosition = buffer.getLong(at + 24);
                indexInFrame = buffer.getInt(at + 32);
                at += 36;
                headersLength = length(at);
                headersIndex = at + 4;
                at = headersIndex + headersLength;
                payloadLength = length(at);
                payloadIndex = at + 4;
                position = payloadIndex + payloadLength;
                index++;
                return true;
            }

            private int length(int at) {
                int length = buffer.getInt(at);
                return length == Codec.ABSENT ? 0 : length;
            }

            /** @return the buffer the indexes below point into */
            public ByteBuf buffer() {
                return buffer;
            }

            /** @return how many messages the body holds */
            public int count() {
                return count;
            }

            /** @return the current message's index, from 0 (-1 before the first {@link #next()}) */
            public int index() {
                return index;
            }

            /** @return where its stream key starts in {@link #buffer()} */
            public int keyIndex() {
                return keyIndex;
            }

            /** @return its stream key's length */
            public int keyLength() {
                return keyLength;
            }

            /** @return its offset in its stream */
            public long streamOffset() {
                return streamOffset;
            }

            /** @return when it was appended, epoch milliseconds */
            public long timestamp() {
                return timestamp;
            }

            /** @return the shard holding it */
            public int shard() {
                return shard;
            }

            /** @return the topic-wide lane it belongs to, for a group member; {@link #NO_LANE} otherwise */
            public int lane() {
                return lane;
            }

            /** @return the log position of the frame holding it, in its shard */
            public long framePosition() {
                return framePosition;
            }

            /**
             * @return its index in that frame: a group member that has processed it commits
             *     {@code (lane(), framePosition(), indexInFrame() + 1)}
             */
            public int indexInFrame() {
                return indexInFrame;
            }

            /** @return where its header block starts in {@link #buffer()} */
            public int headersIndex() {
                return headersIndex;
            }

            /** @return its header block's length (0: none) */
            public int headersLength() {
                return headersLength;
            }

            /** @return where its payload starts in {@link #buffer()} */
            public int payloadIndex() {
                return payloadIndex;
            }

            /** @return its payload's length */
            public int payloadLength() {
                return payloadLength;
            }

            /** @return its stream key, a slice (no copy) */
            public ByteBuf key() {
                return buffer.slice(keyIndex, keyLength);
            }

            /** @return its header block, a slice (no copy) */
            public ByteBuf headers() {
                return buffer.slice(headersIndex, headersLength);
            }

            /** @return its payload, a slice (no copy) */
            public ByteBuf payload() {
                return buffer.slice(payloadIndex, payloadLength);
            }
        }
    }
}
