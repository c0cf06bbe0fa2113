package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.MessageHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A member of a consumer group: a subscription reading, for each lane it holds, the lane's shard
 * from the lane's start, and delivering only that lane's records. It keeps one {@link ShardReader}
 * per shard in which it holds lanes (one cursor per shard, whatever the number of lanes held
 * there), with each lane's exact next position.
 *
 * <p>Lanes are given and taken by the {@link GroupCoordinator} on the delivery thread, between two
 * messages ({@link #assignLane}, {@link #revokeLane}), so a lane is never delivered by two members
 * at once. {@link #commit()} takes a snapshot of the lanes' positions on the delivery thread: it
 * covers the messages whose handler call has returned (a commit from inside the handler does not
 * cover the message being handled).
 *
 * <p>Threading: {@link #lanes} is guarded by the group's monitor; the readers belong to the
 * delivery thread; the rest is thread-safe.
 */
final class GroupMemberImpl extends SubscriptionImpl implements GroupMember {
    final GroupCoordinator coordinator;
    final ConsumerGroup group;
    final String id;
    final GroupRequest request;
    final long sessionTimeoutNanos;
    /** Guarded by the group: the lanes the coordinator gave this member. */
    final BitSet lanes = new BitSet();
    /** Guarded by the group: set once the member left, timed out or its group went away. */
    boolean removed;
    /** Guarded by the group: why it was removed, for error messages. */
    String removedBecause;
    volatile long lastHeartbeatNanos;
    // delivery thread only
    private final ShardReader[] readers;
    private int next;
    // for tests and diagnostics: lane ids as the delivery thread started and stopped them
    private final List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> revoked = Collections.synchronizedList(new ArrayList<>());

    GroupMemberImpl(GroupCoordinator coordinator, ConsumerGroup group, String id, Topic topic, GroupRequest request,
            MessageHandler handler, DeliveryService service) {
        super(service, topic, handler, request.initialCredit());
        this.coordinator = coordinator;
        this.group = group;
        this.id = id;
        this.request = request;
        this.sessionTimeoutNanos = request.sessionTimeout().toNanos();
        this.readers = new ShardReader[group.shardCount];
        this.lastHeartbeatNanos = System.nanoTime();
    }

    @Override
    public String memberId() {
        return id;
    }

    @Override
    public String group() {
        return group.name;
    }

    @Override
    public void heartbeat() {
        synchronized (group) {
            if (removed) {
                throw coordinator.unknownMember(this);
            }
        }
        lastHeartbeatNanos = System.nanoTime();
    }

    @Override
    public void commit() {
        coordinator.commit(this, null, null, null);
    }

    @Override
    public int commit(int[] laneIds, long[] framePositions, int[] nextIndexes) {
        if (laneIds == null || framePositions == null || nextIndexes == null || laneIds.length != framePositions.length
                || laneIds.length != nextIndexes.length) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "a commit of positions needs three arrays of equal length (lanes, frame positions, next indexes)");
        }
        return coordinator.commit(this, laneIds, framePositions, nextIndexes);
    }

    @Override
    public List<String> assignment() {
        synchronized (group) {
            List<String> names = new ArrayList<>(lanes.cardinality());
            for (int lane = lanes.nextSetBit(0); lane >= 0; lane = lanes.nextSetBit(lane + 1)) {
                names.add(Lanes.name(lane, group.lanesPerShard));
            }
            return names;
        }
    }

    /** Leaves the group (its lanes go to the others), then stops delivery. */
    @Override
    public void close() {
        coordinator.leave(this, "left");
        super.close();
    }

    // ---- delivery thread ----

    @Override
    int pollRecords() {
        ShardReader[] all = readers;
        int n = all.length;
        int work = 0;
        for (int i = 0; i < n && canDeliver(); i++) {
            ShardReader reader = all[(next + i) % n];
            if (reader != null) {
                work += reader.poll();
            }
        }
        next = next + 1 == n ? 0 : next + 1;
        return work;
    }

    @Override
    void tick(long nowNanos) {
        if (request.autoHeartbeat()) {
            lastHeartbeatNanos = nowNanos;
        }
    }

    /** Delivery thread: starts delivering a lane from an exact position. */
    void assignLane(int lane, long[] start) {
        int shard = lane / group.lanesPerShard;
        ShardReader reader = readers[shard];
        if (reader == null) {
            reader = new ShardReader(this, topic.shards[shard], group.lanesPerShard, null, ShardReader.ANY_STREAM);
            readers[shard] = reader;
        }
        reader.start(lane % group.lanesPerShard, start[0], (int) start[1], start[2], start[3]);
        received.add(lane);
    }

    /** Delivery thread: stops delivering a lane that moved away (a no-op for the reader once the member is released). */
    void revokeLane(int lane) {
        revoked.add(lane);
        int shard = lane / group.lanesPerShard;
        ShardReader reader = readers[shard];
        if (reader == null || !reader.holds(lane % group.lanesPerShard)) {
            return;
        }
        reader.stop(lane % group.lanesPerShard);
        if (!reader.holdsAny()) {
            readers[shard] = null;
        }
    }

    /** Delivery thread: the exact next position of every lane it reads, as {lane, frame, index} triples. */
    long[] positions() {
        List<long[]> found = new ArrayList<>();
        for (ShardReader reader : readers) {
            if (reader == null) {
                continue;
            }
            for (int lane = 0; lane < group.lanesPerShard; lane++) {
                if (reader.holds(lane)) {
                    found.add(new long[] {reader.shard().index * (long) group.lanesPerShard + lane, reader.nextFrame(lane),
                        reader.nextIndex(lane)});
                }
            }
        }
        long[] flat = new long[found.size() * 3];
        for (int i = 0; i < found.size(); i++) {
            System.arraycopy(found.get(i), 0, flat, i * 3, 3);
        }
        return flat;
    }

    @Override
    void release() {
        Arrays.fill(readers, null);
    }

    /** @return lane ids this member started delivering, in order (tests) */
    List<Integer> lanesReceived() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** @return lane ids this member stopped delivering because they moved, in order (tests) */
    List<Integer> lanesRevoked() {
        synchronized (revoked) {
            return new ArrayList<>(revoked);
        }
    }

    /** @return the lane ids the delivery thread reads for this member now (tests; waits for the delivery thread) */
    List<Integer> lanesRead() {
        long[] positions = service.call(this::positions);
        List<Integer> lanes = new ArrayList<>();
        for (int i = 0; i < positions.length; i += 3) {
            lanes.add((int) positions[i]);
        }
        return lanes;
    }

    /** @return how many times a lane moved to or from this member */
    int laneMoves() {
        return received.size() + revoked.size();
    }

    @Override
    public String toString() {
        return "member " + id + " of group " + group.name + " on topic " + topicName;
    }
}
