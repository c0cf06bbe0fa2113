package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.wal.WriteAheadLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one consumer group: its topic, its members in join order, which member owns each
 * lane, and each lane's committed position; and the sticky, incremental assignment of lanes.
 *
 * <p>Assignment. Lane ids run over the whole topic ({@code shard * lanesPerShard + lane}). When a
 * member joins, lanes nobody owns go to the least-loaded members, then the newcomer takes lanes
 * one at a time from the most-loaded member (its highest lane id) until no member holds more than
 * one lane more than it. When a member leaves or times out, its lanes go one at a time to the
 * least-loaded member. Ties go to the earliest joined. So after every change loads differ by at
 * most one, and only the lanes that must move change hands.
 *
 * <p>Positions. A lane's committed position is exact: a frame position and how many of its records
 * were processed. A lane nobody ever committed starts where the first member that took it asked
 * ({@link #startOf}); that start is remembered in memory, so a lane moving before its first commit
 * resumes from the same place, not from a later "latest". A committed position that is not a
 * frame start of the log (the topic was recreated behind the group's back) or lies past its end (a
 * crash lost an unflushed tail) is moved to the next frame, with a warning, instead of reading
 * from the middle of a frame.
 *
 * <p>Threading: every field below {@link #fileLock} is guarded by this object's monitor. Lock
 * order: {@code GroupCoordinator} (admin) before {@link #fileLock} before this; the delivery thread
 * takes only this monitor, and nobody waits for the delivery thread while holding it.
 */
final class ConsumerGroup {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroup.class);

    final String name;
    final String topic;
    final int shardCount;
    final int lanesPerShard;
    final int laneCount;
    final Path file;
    /** Serialises writing {@link #file}; taken before this object's monitor. */
    final Object fileLock = new Object();

    final long[] committedFrame;
    final int[] committedIndex;
    private final boolean[] startResolved;
    private final long[] startFrame;
    private final long[] startMinOffset;
    private final long[] startMinTimestamp;
    final GroupMemberImpl[] owner;
    final List<GroupMemberImpl> members = new ArrayList<>();
    /** A copy of {@link #members} for lock-free reads (session checks on the delivery thread). */
    volatile GroupMemberImpl[] memberSnapshot = new GroupMemberImpl[0];
    boolean deleted;

    ConsumerGroup(String name, String topic, int shardCount, int lanesPerShard, Path file) {
        this.name = name;
        this.topic = topic;
        this.shardCount = shardCount;
        this.lanesPerShard = lanesPerShard;
        this.laneCount = shardCount * lanesPerShard;
        this.file = file;
        this.committedFrame = new long[laneCount];
        this.committedIndex = new int[laneCount];
        Arrays.fill(committedFrame, GroupOffsetsFile.NOT_COMMITTED);
        this.startResolved = new boolean[laneCount];
        this.startFrame = new long[laneCount];
        this.startMinOffset = new long[laneCount];
        this.startMinTimestamp = new long[laneCount];
        this.owner = new GroupMemberImpl[laneCount];
    }

    static ConsumerGroup of(String name, GroupOffsetsFile.Content content, Path file) {
        ConsumerGroup group = new ConsumerGroup(name, content.topic(), content.shardCount(), content.lanesPerShard(), file);
        System.arraycopy(content.frames(), 0, group.committedFrame, 0, group.laneCount);
        System.arraycopy(content.indexes(), 0, group.committedIndex, 0, group.laneCount);
        return group;
    }

    /** A lane moving from one member to another (either may be null). */
    record Move(int lane, GroupMemberImpl from, GroupMemberImpl to) {
    }

    /** Guarded: adds a member and takes the lanes it gets. @return the moves, to apply on the delivery thread */
    List<Move> join(GroupMemberImpl member) {
        members.add(member);
        memberSnapshot = members.toArray(new GroupMemberImpl[0]);
        List<Move> moves = new ArrayList<>();
        for (int lane = 0; lane < laneCount; lane++) {
            if (owner[lane] == null) {
                move(lane, leastLoaded(), moves);
            }
        }
        while (true) {
            GroupMemberImpl most = null;
            for (GroupMemberImpl candidate : members) {
                if (candidate != member && (most == null || candidate.lanes.cardinality() > most.lanes.cardinality())) {
                    most = candidate;
                }
            }
            if (most == null || most.lanes.cardinality() - member.lanes.cardinality() <= 1) {
                return moves;
            }
            move(most.lanes.previousSetBit(laneCount - 1), member, moves);
        }
    }

    /** Guarded: removes a member and hands its lanes out. @return the moves */
    List<Move> leave(GroupMemberImpl member) {
        if (!members.remove(member)) {
            return List.of();
        }
        memberSnapshot = members.toArray(new GroupMemberImpl[0]);
        List<Move> moves = new ArrayList<>();
        BitSet lanes = (BitSet) member.lanes.clone();
        for (int lane = lanes.nextSetBit(0); lane >= 0; lane = lanes.nextSetBit(lane + 1)) {
            move(lane, leastLoaded(), moves);
        }
        return moves;
    }

    /** Guarded: drops every member without handing lanes out (the group is going away). */
    List<GroupMemberImpl> clear() {
        List<GroupMemberImpl> all = new ArrayList<>(members);
        members.clear();
        memberSnapshot = new GroupMemberImpl[0];
        Arrays.fill(owner, null);
        for (GroupMemberImpl member : all) {
            member.lanes.clear();
        }
        return all;
    }

    private void move(int lane, GroupMemberImpl to, List<Move> moves) {
        GroupMemberImpl from = owner[lane];
        if (from != null) {
            from.lanes.clear(lane);
        }
        owner[lane] = to;
        if (to != null) {
            to.lanes.set(lane);
        }
        moves.add(new Move(lane, from, to));
    }

    private GroupMemberImpl leastLoaded() {
        GroupMemberImpl least = null;
        for (GroupMemberImpl candidate : members) {
            if (least == null || candidate.lanes.cardinality() < least.lanes.cardinality()) {
                least = candidate;
            }
        }
        return least;
    }

    /**
     * Guarded: where a member taking a lane starts: the committed position; else the start the
     * lane was first given; else the member's own start position, resolved now and remembered.
     *
     * @return {frame, index, minimum offset, minimum timestamp}
     */
    long[] startOf(int lane, StartPosition start, WriteAheadLog log) {
        if (committedFrame[lane] != GroupOffsetsFile.NOT_COMMITTED) {
            long committed = committedFrame[lane];
            long frame = log.frameAtOrAfter(committed);
            if (frame == committed || (frame < committed && committed <= log.tailPosition())) {
                // a frame start, or the end of the log where the next frame will be
                return new long[] {committed, committedIndex[lane], 0, Long.MIN_VALUE};
            }
            LOG.warn("Group {}: lane {} was committed at position {}, which is {} of shard log {}; it resumes at {}", name,
                    Lanes.name(lane, lanesPerShard), committed, frame > committed ? "not a frame start" : "past the end", log.name(),
                    frame);
            return new long[] {frame, 0, 0, Long.MIN_VALUE};
        }
        if (!startResolved[lane]) {
            startResolved[lane] = true;
            startMinOffset[lane] = 0;
            startMinTimestamp[lane] = Long.MIN_VALUE;
            switch (start.kind()) {
                case LATEST:
                    startFrame[lane] = log.tailPosition();
                    break;
                case OFFSET:
                    startFrame[lane] = log.startPosition();
                    startMinOffset[lane] = start.value();
                    break;
                case TIMESTAMP:
                    startFrame[lane] = log.positionOfTimestamp(start.value());
                    startMinTimestamp[lane] = start.value();
                    break;
                default:
                    startFrame[lane] = log.startPosition();
                    break;
            }
        }
        return new long[] {startFrame[lane], 0, startMinOffset[lane], startMinTimestamp[lane]};
    }

    /** Guarded: a snapshot for the offsets file. */
    GroupOffsetsFile.Content content() {
        return new GroupOffsetsFile.Content(topic, shardCount, lanesPerShard, committedFrame.clone(), committedIndex.clone());
    }

    @Override
    public String toString() {
        return "group " + name;
    }
}
