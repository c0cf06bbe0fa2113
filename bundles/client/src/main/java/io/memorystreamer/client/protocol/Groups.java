package io.memorystreamer.client.protocol;

import io.memorystreamer.client.protocol.Subscriptions.StartKind;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bodies of consumer groups. A membership is a subscription: it has a client-chosen
 * subscription id, receives MESSAGES and CREDIT like any other, and ends with LEAVE_GROUP,
 * UNSUBSCRIBE or SUBSCRIPTION_ENDED.
 *
 * <pre>
 * JOIN_GROUP  u32 subscriptionId | string group | string topic | string memberId ("" = broker picks)
 *             | u8 startKind | i64 startValue | i32 sessionTimeoutMs | i64 initialCredit
 * JOINED      u32 subscriptionId | string memberId | u32 laneCount | laneCount x string lane ("shard.lane")
 * ASSIGNMENT  u32 subscriptionId | u32 laneCount | laneCount x string lane          (push)
 * HEARTBEAT   u32 subscriptionId
 * COMMIT      u32 subscriptionId | u32 count | count x (i32 lane | i64 framePosition | u32 nextIndex)
 * LEAVE_GROUP u32 subscriptionId
 * OK          (empty: {@link FrameBody.Empty}) answers HEARTBEAT, COMMIT and LEAVE_GROUP
 * </pre>
 */
public final class Groups {
    private Groups() {
    }

    private static void writeLanes(ByteBuf out, List<String> lanes) {
        Codec.writeSize(out, lanes.size());
        for (String lane : lanes) {
            Codec.writeString(out, lane);
        }
    }

    private static List<String> readLanes(ByteBuf body, String what) {
        int count = Codec.readCount(body, 2, what + " laneCount");
        List<String> lanes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lanes.add(Codec.readString(body, what + " lane"));
        }
        return lanes;
    }

    /**
     * JOIN_GROUP, answered by JOINED.
     *
     * @param subscriptionId the client's id for the membership, unique on the connection
     * @param group the group's name
     * @param topic the topic the group consumes
     * @param memberId the member's id, or "" for one the broker makes up
     * @param startKind where a lane nobody has committed in starts
     * @param startValue the offset or timestamp; 0 otherwise
     * @param sessionTimeoutMs how long the member may go without a HEARTBEAT (or other request on
     *     it) before the broker removes it, 10 or more
     * @param initialCredit how many messages the server may push before the client grants more
     */
    public record JoinGroup(int subscriptionId, String group, String topic, String memberId, StartKind startKind, long startValue,
            int sessionTimeoutMs, long initialCredit) implements FrameBody {
        /**
         * @param subscriptionId id
         * @param group group
         * @param topic topic
         * @param memberId member id or ""
         * @param startKind start kind
         * @param startValue start value
         * @param sessionTimeoutMs session timeout
         * @param initialCredit initial credit
         */
        public JoinGroup {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(startKind, "startKind");
        }

        @Override
        public int type() {
            return Protocol.JOIN_GROUP;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeString(out, group);
            Codec.writeString(out, topic);
            Codec.writeString(out, memberId);
            Codec.writeU8(out, startKind.code());
            Codec.writeI64(out, startValue);
            Codec.writeI32(out, sessionTimeoutMs);
            Codec.writeI64(out, initialCredit);
        }

        /**
         * @param body a JOIN_GROUP body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static JoinGroup read(ByteBuf body) {
            int id = Codec.readI32(body, "JOIN_GROUP subscriptionId");
            String group = Codec.readString(body, "JOIN_GROUP group");
            String topic = Codec.readString(body, "JOIN_GROUP topic");
            String memberId = Codec.readString(body, "JOIN_GROUP memberId");
            StartKind startKind = StartKind.of(Codec.readU8(body, "JOIN_GROUP startKind"), "JOIN_GROUP startKind");
            long startValue = Codec.readI64(body, "JOIN_GROUP startValue");
            int sessionTimeoutMs = Codec.readI32(body, "JOIN_GROUP sessionTimeoutMs");
            long credit = Codec.readI64(body, "JOIN_GROUP initialCredit");
            Codec.requireFullyRead(body, "JOIN_GROUP");
            return new JoinGroup(id, group, topic, memberId, startKind, startValue, sessionTimeoutMs, credit);
        }
    }

    /**
     * JOINED: the answer to JOIN_GROUP.
     *
     * @param subscriptionId the membership's id
     * @param memberId the member's id (the one asked for, or the one the broker made up)
     * @param lanes the lanes assigned to the member now, as {@code shard.lane}
     */
    public record Joined(int subscriptionId, String memberId, List<String> lanes) implements FrameBody {
        /**
         * @param subscriptionId id
         * @param memberId member id
         * @param lanes lanes (copied)
         */
        public Joined {
            Objects.requireNonNull(memberId, "memberId");
            lanes = List.copyOf(lanes);
        }

        @Override
        public int type() {
            return Protocol.JOINED;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeString(out, memberId);
            writeLanes(out, lanes);
        }

        /**
         * @param body a JOINED body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Joined read(ByteBuf body) {
            int id = Codec.readI32(body, "JOINED subscriptionId");
            String memberId = Codec.readString(body, "JOINED memberId");
            List<String> lanes = readLanes(body, "JOINED");
            Codec.requireFullyRead(body, "JOINED");
            return new Joined(id, memberId, lanes);
        }
    }

    /**
     * ASSIGNMENT (push): the member's lanes changed (members joined or left the group). Messages of
     * lanes it lost stop; those of lanes it gained start from the group's last commit.
     *
     * @param subscriptionId the membership's id
     * @param lanes the lanes assigned to the member now, as {@code shard.lane}
     */
    public record Assignment(int subscriptionId, List<String> lanes) implements FrameBody {
        /**
         * @param subscriptionId id
         * @param lanes lanes (copied)
         */
        public Assignment {
            lanes = List.copyOf(lanes);
        }

        @Override
        public int type() {
            return Protocol.ASSIGNMENT;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            writeLanes(out, lanes);
        }

        /**
         * @param body an ASSIGNMENT body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Assignment read(ByteBuf body) {
            int id = Codec.readI32(body, "ASSIGNMENT subscriptionId");
            List<String> lanes = readLanes(body, "ASSIGNMENT");
            Codec.requireFullyRead(body, "ASSIGNMENT");
            return new Assignment(id, lanes);
        }
    }

    /**
     * HEARTBEAT: proves a member alive; answered by OK.
     *
     * @param subscriptionId the membership's id
     */
    public record Heartbeat(int subscriptionId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.HEARTBEAT;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
        }

        /**
         * @param body a HEARTBEAT body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Heartbeat read(ByteBuf body) {
            int id = Codec.readI32(body, "HEARTBEAT subscriptionId");
            Codec.requireFullyRead(body, "HEARTBEAT");
            return new Heartbeat(id);
        }
    }

    /**
     * COMMIT: commits explicit positions, per lane: everything before {@code (framePosition,
     * nextIndex)} (after a message, its {@code (framePosition, indexInFrame + 1)}). The broker cuts
     * a position beyond what it delivered to the member back to it and skips lanes the member does
     * not hold; an empty list commits nothing. Answered by OK once the commit is durable.
     *
     * @param subscriptionId the membership's id
     * @param positions the positions, at most one per lane (the last one counts)
     */
    public record Commit(int subscriptionId, List<Position> positions) implements FrameBody {
        /** The bytes one position takes. */
        public static final int POSITION_BYTES = 4 + 8 + 4;

        /**
         * @param subscriptionId id
         * @param positions positions (copied)
         */
        public Commit {
            positions = List.copyOf(positions);
        }

        /**
         * A commit of nothing (still a request on the membership: it proves the member alive).
         *
         * @param subscriptionId id
         */
        public Commit(int subscriptionId) {
            this(subscriptionId, List.of());
        }

        @Override
        public int type() {
            return Protocol.COMMIT;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
            Codec.writeSize(out, positions.size());
            for (Position position : positions) {
                Codec.writeI32(out, position.lane());
                Codec.writeI64(out, position.framePosition());
                Codec.writeSize(out, position.nextIndex());
            }
        }

        /**
         * @param body a COMMIT body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Commit read(ByteBuf body) {
            int id = Codec.readI32(body, "COMMIT subscriptionId");
            int count = Codec.readCount(body, POSITION_BYTES, "COMMIT count");
            List<Position> positions = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int lane = Codec.readI32(body, "COMMIT lane");
                long frame = Codec.readI64(body, "COMMIT framePosition");
                int next = Codec.readSize(body, "COMMIT nextIndex");
                if (lane < 0 || frame < 0) {
                    throw Codec.malformed("COMMIT position " + i + ": lane " + lane + " and framePosition " + frame + " are 0 or more");
                }
                positions.add(new Position(lane, frame, next));
            }
            Codec.requireFullyRead(body, "COMMIT");
            return new Commit(id, positions);
        }
    }

    /**
     * One lane's position in a COMMIT: everything of the lane before the record at index
     * {@code nextIndex} of the frame at {@code framePosition} counts as processed.
     *
     * @param lane the topic-wide lane id (as MESSAGES carries it), 0 or more
     * @param framePosition the log position of the frame holding the next record to process, 0 or more
     * @param nextIndex that record's index in its frame, 0 or more
     */
    public record Position(int lane, long framePosition, int nextIndex) {
        /**
         * @param lane lane, 0 or more
         * @param framePosition frame position, 0 or more
         * @param nextIndex next index, 0 or more
         */
        public Position {
            if (lane < 0 || framePosition < 0 || nextIndex < 0) {
                throw new IllegalArgumentException("a commit position has a lane, frame position and index of 0 or more, not (" + lane + ", "
                        + framePosition + ", " + nextIndex + ")");
            }
        }
    }

    /**
     * LEAVE_GROUP: ends the membership; answered by OK, after which no MESSAGES for it follow.
     *
     * @param subscriptionId the membership's id
     */
    public record LeaveGroup(int subscriptionId) implements FrameBody {
        @Override
        public int type() {
            return Protocol.LEAVE_GROUP;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeI32(out, subscriptionId);
        }

        /**
         * @param body a LEAVE_GROUP body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static LeaveGroup read(ByteBuf body) {
            int id = Codec.readI32(body, "LEAVE_GROUP subscriptionId");
            Codec.requireFullyRead(body, "LEAVE_GROUP");
            return new LeaveGroup(id);
        }
    }
}
