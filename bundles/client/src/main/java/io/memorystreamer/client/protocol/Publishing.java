package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bodies of publishing: idempotent producer ids, PRODUCE and its acknowledgement.
 *
 * <pre>
 * INIT_PRODUCER (empty: {@link FrameBody.Empty})
 * PRODUCER      i64 producerId
 * PRODUCE       string topic | i64 producerId (0: not idempotent) | u32 count | count x message
 *   message     i64 sequence | bytes key | bytes headers | bytes payload
 * PRODUCE_ACK   u32 count | count x (i64 streamOffset | u8 status)
 * </pre>
 *
 * <p>A PRODUCE body is read without copying a message: {@link Produce#read} checks the structure
 * of every message once, and {@link Produce.Cursor} then walks them as offsets into the frame's
 * buffer. Writers append one message at a time ({@link Produce#beginMessages},
 * {@link Produce#appendMessage}, {@link Produce#endMessages}).
 */
public final class Publishing {
    /** The producer id of a producer that is not idempotent. */
    public static final long NOT_IDEMPOTENT = 0;
    /** The stream offset acknowledged for a message an interceptor dropped ({@link AckStatus#DROPPED}). */
    public static final long DROPPED_OFFSET = -1;
    /** The stream offset acknowledged for a duplicate whose first copy's offset the broker no longer knows. */
    public static final long UNKNOWN_OFFSET = -2;

    private Publishing() {
    }

    /**
     * PRODUCER: the answer to INIT_PRODUCER.
     *
     * @param producerId a new producer id, never 0
     */
    public record ProducerId(long producerId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.PRODUCER;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI64(out, producerId);
        }

        /**
         * @param body a PRODUCER body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static ProducerId read(ByteBuf body) {
            long id = Codec.readI64(body, "PRODUCER producerId");
            Codec.requireFullyRead(body, "PRODUCER");
            return new ProducerId(id);
        }
    }

    /**
     * PRODUCE: messages for one topic, all accepted or none, answered by PRODUCE_ACK once durable
     * as the topic promises.
     *
     * @param topic the topic
     * @param producerId the idempotent producer's id, or {@link Publishing#NOT_IDEMPOTENT}
     * @param count how many messages
     * @param messages the messages, encoded back to back from the reader index to the writer index
     *     (a slice of the frame when read: valid until the frame is released; walk it with
     *     {@link #cursor()})
     */
    public record Produce(String topic, long producerId, int count, ByteBuf messages) implements FrameBody {
        /** The bytes a message takes besides its key, headers and payload. */
        public static final int MESSAGE_OVERHEAD = 8 + 4 + 4 + 4;

        /**
         * @param topic the topic
         * @param producerId the producer id
         * @param count the number of messages
         * @param messages the encoded messages
         * @throws ProtocolException when {@code messages} does not hold exactly {@code count} well-formed messages
         */
        public Produce {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(messages, "messages");
            check(count, messages);
        }

        private static void check(int count, ByteBuf messages) {
            if (count < 0) {
                throw Codec.malformed("PRODUCE count " + count + " is negative");
            }
            ByteBuf walk = messages.duplicate();
            for (int i = 0; i < count; i++) {
                try {
                    Codec.readI64(walk, "sequence");
                    Codec.skipBytes(walk, "key");
                    Codec.skipBytes(walk, "headers");
                    Codec.skipBytes(walk, "payload");
                } catch (ProtocolException e) {
                    throw Codec.malformed("PRODUCE message " + i + " of " + count + ": " + e.detail());
                }
            }
            Codec.requireFullyRead(walk, "PRODUCE (after message " + count + " of " + count + ")");
        }

        /**
         * @param keyLength the key's length
         * @param headersLength the header block's length
         * @param payloadLength the payload's length
         * @return the bytes the message takes in a PRODUCE body
         */
        public static int messageBytes(int keyLength, int headersLength, int payloadLength) {
            return MESSAGE_OVERHEAD + keyLength + headersLength + payloadLength;
        }

        @Override
        public int type() {
            return Protocol.PRODUCE;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeString(out, topic);
            Codec.writeI64(out, producerId);
            Codec.writeSize(out, count);
            out.writeBytes(messages, messages.readerIndex(), messages.readableBytes());
        }

        /**
         * Parses a PRODUCE body, checking every message's bounds, without copying any.
         *
         * @param body a PRODUCE body
         * @return it parsed; {@link #messages()} is a slice of {@code body}
         * @throws ProtocolException when it does not parse
         */
        public static Produce read(ByteBuf body) {
            String topic = Codec.readString(body, "PRODUCE topic");
            long producerId = Codec.readI64(body, "PRODUCE producerId");
            int count = Codec.readCount(body, MESSAGE_OVERHEAD, "PRODUCE count");
            return new Produce(topic, producerId, count, body.readSlice(body.readableBytes()));
        }

        /** @return a new cursor over the messages (one per walk; it allocates nothing per message) */
        public Cursor cursor() {
            return new Cursor(messages, count);
        }

        /**
         * Writes the start of a PRODUCE body, with its count left 0 for {@link #endMessages}.
         *
         * @param out where to append
         * @param topic the topic
         * @param producerId the producer id, or {@link Publishing#NOT_IDEMPOTENT}
         * @return the index of the count field
         */
        public static int beginMessages(ByteBuf out, String topic, long producerId) {
            Codec.writeString(out, topic);
            Codec.writeI64(out, producerId);
            int countIndex = out.writerIndex();
            out.writeInt(0);
            return countIndex;
        }

        /**
         * Appends one message from buffers' readable bytes (their indexes do not move).
         *
         * @param out where to append
         * @param sequence the message's sequence for its producer and stream key (ignored when not idempotent)
         * @param key the stream key (UTF-8)
         * @param headers the header block (see {@code io.memorystreamer.broker.MessageHeaders}), or null for none
         * @param payload the payload, or null for an empty one
         */
        public static void appendMessage(ByteBuf out, long sequence, ByteBuf key, ByteBuf headers, ByteBuf payload) {
            out.writeLong(sequence);
            Codec.writeBytes(out, key);
            Codec.writeBytes(out, headers);
            Codec.writeBytes(out, payload);
        }

        /**
         * Appends one message from arrays.
         *
         * @param out where to append
         * @param sequence the message's sequence for its producer and stream key
         * @param key the stream key (UTF-8)
         * @param headers the header block, or null for none
         * @param payload the payload, or null for an empty one
         */
        public static void appendMessage(ByteBuf out, long sequence, byte[] key, byte[] headers, byte[] payload) {
            out.writeLong(sequence);
            Codec.writeBytes(out, key);
            Codec.writeBytes(out, headers);
            Codec.writeBytes(out, payload);
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
            return "Produce{topic=" + topic + ", producerId=" + producerId + ", count=" + count + ", " + messages.readableBytes() + " bytes}";
        }

        /**
         * Walks the messages of a PRODUCE body: after each {@link #next()}, the current message's
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
            private long sequence;
            private int keyIndex;
            private int keyLength;
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
                sequence = buffer.getLong(at);
                at += 8;
                keyLength = length(at);
                keyIndex = at + 4;
                at = keyIndex + keyLength;
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

            /** @return the current message's sequence */
            public long sequence() {
                return sequence;
            }

            /** @return where its stream key starts in {@link #buffer()} */
            public int keyIndex() {
                return keyIndex;
            }

            /** @return its stream key's length */
            public int keyLength() {
                return keyLength;
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

    /** What became of one produced message. */
    public enum AckStatus {
        /** Appended; the offset is its stream offset. */
        WRITTEN(0),
        /** An idempotent producer's resend of a message already appended: not appended again; the offset is the
         * first copy's, or {@link Publishing#UNKNOWN_OFFSET}. */
        DUPLICATE(1),
        /** An interceptor dropped it: not appended, and not an error; the offset is {@link Publishing#DROPPED_OFFSET}. */
        DROPPED(2);

        private final int code;

        AckStatus(int code) {
            this.code = code;
        }

        /** @return the number on the wire */
        public int code() {
            return code;
        }

        /**
         * @param code a number from the wire
         * @param field the field's name, for the error message
         * @return its status
         * @throws ProtocolException for an unknown number
         */
        public static AckStatus of(int code, String field) {
            for (AckStatus value : values()) {
                if (value.code == code) {
                    return value;
                }
            }
            throw Codec.malformed(field + ": " + code + " is not an ack status (0 written, 1 duplicate, 2 dropped)");
        }
    }

    /**
     * One message's outcome.
     *
     * @param streamOffset its offset in its stream; see {@link AckStatus} for the other values
     * @param status what became of it
     */
    public record Ack(long streamOffset, AckStatus status) {
        /** The bytes one ack takes. */
        public static final int BYTES = 9;

        /**
         * @param streamOffset the offset
         * @param status the status
         */
        public Ack {
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * PRODUCE_ACK: one ack per message of the PRODUCE it answers, in the same order.
     *
     * @param acks the acks
     */
    public record ProduceAck(List<Ack> acks) implements FrameBody {
        /** @param acks the acks (copied) */
        public ProduceAck {
            acks = List.copyOf(acks);
        }

        @Override
        public int type() {
            return Protocol.PRODUCE_ACK;
        }

        @Override
        public void write(ByteBuf out) {
            writeCount(out, acks.size());
            for (Ack ack : acks) {
                appendAck(out, ack.streamOffset(), ack.status());
            }
        }

        /**
         * Writes the count that starts a PRODUCE_ACK body (for writing acks without a list).
         *
         * @param out where to append
         * @param count how many acks follow
         */
        public static void writeCount(ByteBuf out, int count) {
            Codec.writeSize(out, count);
        }

        /**
         * Appends one ack.
         *
         * @param out where to append
         * @param streamOffset the offset
         * @param status the status
         */
        public static void appendAck(ByteBuf out, long streamOffset, AckStatus status) {
            out.writeLong(streamOffset);
            out.writeByte(status.code());
        }

        /**
         * @param body a PRODUCE_ACK body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static ProduceAck read(ByteBuf body) {
            int count = Codec.readCount(body, Ack.BYTES, "PRODUCE_ACK count");
            List<Ack> acks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long offset = Codec.readI64(body, "PRODUCE_ACK streamOffset");
                acks.add(new Ack(offset, AckStatus.of(Codec.readU8(body, "PRODUCE_ACK status"), "PRODUCE_ACK status")));
            }
            Codec.requireFullyRead(body, "PRODUCE_ACK");
            return new ProduceAck(acks);
        }
    }
}
