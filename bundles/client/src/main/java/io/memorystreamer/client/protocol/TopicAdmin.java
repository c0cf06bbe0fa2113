package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bodies of topic administration.
 *
 * <pre>
 * CREATE_TOPIC   string name | u16 shards | u8 durability | i64 retentionMs | i64 retentionBytesPerShard
 *                | i32 maxMessageBytes
 * DESCRIBE_TOPIC string name
 * LIST_TOPICS    (empty: {@link FrameBody.Empty})
 * TOPICS         u32 count | count x topic
 *   topic        string name | u16 shards | u8 durability | i64 retentionMs | i64 retentionBytesPerShard
 *                | i32 maxMessageBytes | i64 streams | i64 bytesOnDisk
 * DELETE_TOPIC   string name
 * DELETED        u8 existed (0 or 1)
 * </pre>
 */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /** When a publish to a topic counts as durable (the write-ahead log's durability, by number). */
    public enum Durability {
        /** Written to the page cache. */
        NONE(0),
        /** Fsynced by the next group commit (the default). */
        BATCH(1),
        /** Acknowledged only after the fsync of its batch. */
        SYNC(2);

        private final int code;

        Durability(int code) {
            this.code = code;
        }

        /** @return the number on the wire */
        public int code() {
            return code;
        }

        /**
         * @param code a number from the wire
         * @param field the field's name, for the error message
         * @return its durability
         * @throws ProtocolException for an unknown number
         */
        public static Durability of(int code, String field) {
            for (Durability value : values()) {
                if (value.code == code) {
                    return value;
                }
            }
            throw Codec.malformed(field + ": " + code + " is not a durability (0 none, 1 batch, 2 sync)");
        }
    }

    /**
     * CREATE_TOPIC, answered by TOPICS with the new topic.
     *
     * @param name the topic's name
     * @param shards how many shards, 1 to 65535 on the wire (the broker allows 1 to 1024)
     * @param durability when a publish counts as durable
     * @param retentionMs how long messages are kept, in milliseconds; 0 keeps them
     * @param retentionBytesPerShard how large each shard's log may grow; 0 keeps everything
     * @param maxMessageBytes the largest message (key, headers and payload); 0 for the broker's default
     */
    public record CreateTopic(String name, int shards, Durability durability, long retentionMs, long retentionBytesPerShard,
            int maxMessageBytes) implements FrameBody {
        /**
         * @param name name
         * @param shards shards
         * @param durability durability
         * @param retentionMs retention age
         * @param retentionBytesPerShard retention size
         * @param maxMessageBytes message limit
         */
        public CreateTopic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(durability, "durability");
        }

        @Override
        public int type() {
            return Protocol.CREATE_TOPIC;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeString(out, name);
            Codec.writeU16(out, shards);
            Codec.writeU8(out, durability.code());
            Codec.writeI64(out, retentionMs);
            Codec.writeI64(out, retentionBytesPerShard);
            Codec.writeI32(out, maxMessageBytes);
        }

        /**
         * @param body a CREATE_TOPIC body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static CreateTopic read(ByteBuf body) {
            String name = Codec.readString(body, "CREATE_TOPIC name");
            int shards = Codec.readU16(body, "CREATE_TOPIC shards");
            Durability durability = Durability.of(Codec.readU8(body, "CREATE_TOPIC durability"), "CREATE_TOPIC durability");
            long retentionMs = Codec.readI64(body, "CREATE_TOPIC retentionMs");
            long retentionBytes = Codec.readI64(body, "CREATE_TOPIC retentionBytesPerShard");
            int maxMessageBytes = Codec.readI32(body, "CREATE_TOPIC maxMessageBytes");
            Codec.requireFullyRead(body, "CREATE_TOPIC");
            return new CreateTopic(name, shards, durability, retentionMs, retentionBytes, maxMessageBytes);
        }
    }

    /**
     * DESCRIBE_TOPIC, answered by TOPICS with one topic (or ERROR UNKNOWN_TOPIC).
     *
     * @param name the topic's name
     */
    public record DescribeTopic(String name) implements FrameBody {
        /** @param name the topic */
        public DescribeTopic {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public int type() {
            return Protocol.DESCRIBE_TOPIC;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeString(out, name);
        }

        /**
         * @param body a DESCRIBE_TOPIC body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static DescribeTopic read(ByteBuf body) {
            String name = Codec.readString(body, "DESCRIBE_TOPIC name");
            Codec.requireFullyRead(body, "DESCRIBE_TOPIC");
            return new DescribeTopic(name);
        }
    }

    /**
     * DELETE_TOPIC, answered by DELETED.
     *
     * @param name the topic's name
     */
    public record DeleteTopic(String name) implements FrameBody {
        /** @param name the topic */
        public DeleteTopic {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public int type() {
            return Protocol.DELETE_TOPIC;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeString(out, name);
        }

        /**
         * @param body a DELETE_TOPIC body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static DeleteTopic read(ByteBuf body) {
            String name = Codec.readString(body, "DELETE_TOPIC name");
            Codec.requireFullyRead(body, "DELETE_TOPIC");
            return new DeleteTopic(name);
        }
    }

    /**
     * DELETED: the answer to DELETE_TOPIC.
     *
     * @param existed whether the topic existed (deleting a missing topic is not an error)
     */
    public record Deleted(boolean existed) implements FrameBody {
        @Override
        public int type() {
            return Protocol.DELETED;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeBoolean(out, existed);
        }

        /**
         * @param body a DELETED body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Deleted read(ByteBuf body) {
            boolean existed = Codec.readBoolean(body, "DELETED existed");
            Codec.requireFullyRead(body, "DELETED");
            return new Deleted(existed);
        }
    }

    /**
     * One topic in a TOPICS answer.
     *
     * @param name the topic's name
     * @param shards how many shards
     * @param durability when a publish counts as durable
     * @param retentionMs how long messages are kept, in milliseconds; 0 keeps them
     * @param retentionBytesPerShard how large each shard's log may grow; 0 keeps everything
     * @param maxMessageBytes the largest message accepted
     * @param streams how many streams it has
     * @param bytesOnDisk the bytes its logs take
     */
    public record TopicInfo(String name, int shards, Durability durability, long retentionMs, long retentionBytesPerShard,
            int maxMessageBytes, long streams, long bytesOnDisk) {
        /** The fewest bytes one topic takes in a TOPICS body (an empty name). */
        public static final int MIN_BYTES = 2 + 2 + 1 + 8 + 8 + 4 + 8 + 8;

        /**
         * @param name name
         * @param shards shards
         * @param durability durability
         * @param retentionMs retention age
         * @param retentionBytesPerShard retention size
         * @param maxMessageBytes message limit
         * @param streams stream count
         * @param bytesOnDisk size on disk
         */
        public TopicInfo {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(durability, "durability");
        }

        /**
         * @param out where to append this topic
         */
        public void write(ByteBuf out) {
            Codec.writeString(out, name);
            Codec.writeU16(out, shards);
            Codec.writeU8(out, durability.code());
            Codec.writeI64(out, retentionMs);
            Codec.writeI64(out, retentionBytesPerShard);
            Codec.writeI32(out, maxMessageBytes);
            Codec.writeI64(out, streams);
            Codec.writeI64(out, bytesOnDisk);
        }

        /**
         * @param body a TOPICS body positioned at a topic
         * @return the topic
         * @throws ProtocolException when it does not parse
         */
        public static TopicInfo read(ByteBuf body) {
            String name = Codec.readString(body, "TOPICS name");
            int shards = Codec.readU16(body, "TOPICS shards");
            Durability durability = Durability.of(Codec.readU8(body, "TOPICS durability"), "TOPICS durability");
            long retentionMs = Codec.readI64(body, "TOPICS retentionMs");
            long retentionBytes = Codec.readI64(body, "TOPICS retentionBytesPerShard");
            int maxMessageBytes = Codec.readI32(body, "TOPICS maxMessageBytes");
            long streams = Codec.readI64(body, "TOPICS streams");
            long bytesOnDisk = Codec.readI64(body, "TOPICS bytesOnDisk");
            return new TopicInfo(name, shards, durability, retentionMs, retentionBytes, maxMessageBytes, streams, bytesOnDisk);
        }
    }

    /**
     * TOPICS: the answer to CREATE_TOPIC and DESCRIBE_TOPIC (one topic) and to LIST_TOPICS (all, by name).
     *
     * @param topics the topics
     */
    public record TopicsInfo(List<TopicInfo> topics) implements FrameBody {
        /** @param topics the topics (copied) */
        public TopicsInfo {
            topics = List.copyOf(topics);
        }

        @Override
        public int type() {
            return Protocol.TOPICS;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeSize(out, topics.size());
            for (TopicInfo topic : topics) {
                topic.write(out);
            }
        }

        /**
         * @param body a TOPICS body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static TopicsInfo read(ByteBuf body) {
            int count = Codec.readCount(body, TopicInfo.MIN_BYTES, "TOPICS count");
            List<TopicInfo> topics = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                topics.add(TopicInfo.read(body));
            }
            Codec.requireFullyRead(body, "TOPICS");
            return new TopicsInfo(topics);
        }
    }
}
