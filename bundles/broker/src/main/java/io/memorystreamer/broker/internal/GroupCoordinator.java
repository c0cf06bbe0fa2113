package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.multiplexing.TopicNames;
import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer groups: who is in each group, which lanes each member holds, and what each group
 * committed. A group consumes one topic; its lanes ({@link Lanes}: each shard cut into
 * {@link BrokerConfig#lanesPerShard()} lanes by a hash of the stream key) are shared among its
 * members by the sticky, incremental assignment of {@link ConsumerGroup}. Members are
 * subscriptions of the {@link DeliveryService}, read by its thread.
 *
 * <p>Moving a lane: the coordinator decides (under the group's monitor) and hands the move to the
 * delivery thread, which stops the old owner's delivery of the lane and then starts the new owner
 * at the lane's committed position, both between two messages. Delivery is at least once:
 * what the old owner delivered after its last commit is delivered again; nothing is skipped.
 *
 * <p>Liveness: members with {@link GroupRequest#autoHeartbeat()} are kept alive by the delivery
 * thread while open; the others must call {@link GroupMember#heartbeat()} within their session
 * timeout, which the delivery thread checks every few milliseconds. A member that times out is
 * removed: its lanes move, and its {@code commit()} and {@code heartbeat()} throw
 * {@link ErrorCode#UNKNOWN_MEMBER}.
 *
 * <p>Persistence: {@code commit()} rewrites {@code groups/<group>.offsets}
 * ({@link GroupOffsetsFile}) durably before returning. A group keeps the lane count it was created
 * with (it is in its file), whatever {@link BrokerConfig#lanesPerShard()} says later. A group's file is read the first time the
 * group is used after a start, so committed positions survive restarts. A file that does not
 * decode is never ignored: the group is refused ({@link ErrorCode#STORAGE_FAILURE}, naming the file
 * and what is wrong, logged once at ERROR) until an operator restores the file or deletes the
 * group ({@link #delete}, which removes the file), because starting it from scratch would silently
 * redeliver or skip messages.
 *
 * <p>Threading: any thread. Locks, in the only order they are taken: this coordinator (loading,
 * creating and deleting groups), a group's file lock (writing its file), a group's monitor (its
 * members, lanes and positions). The delivery thread takes only group monitors; nobody waits for
 * the delivery thread while holding a lock.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    /** The most streams a description lists. */
    static final int MAX_STREAMS_DESCRIBED = 10_000;

    private final BrokerConfig config;
    private final DeliveryService delivery;
    private final Function<String, Topic> topics;
    private final Path directory;
    private final Map<String, ConsumerGroup> groups = new HashMap<>();
    private final Set<Path> reportedCorrupt = new HashSet<>();
    private final AtomicLong memberIds = new AtomicLong();
    private final Runnable sessionCheck = this::checkSessions;
    private volatile ConsumerGroup[] groupSnapshot = new ConsumerGroup[0];
    private volatile boolean closed;

    /**
     * @param config the broker's settings (groups directory, lanes per shard)
     * @param delivery the delivery service members are read by
     * @param topics returns the open topic of a name, or throws {@link BrokerException} with
     *     {@link ErrorCode#UNKNOWN_TOPIC}
     */
    public GroupCoordinator(BrokerConfig config, DeliveryService delivery, Function<String, Topic> topics) {
        this.config = Objects.requireNonNull(config, "config");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.topics = Objects.requireNonNull(topics, "topics");
        this.directory = config.groupsDirectory();
        delivery.addPeriodicTask(sessionCheck);
    }

    /**
     * Joins a group (creating it on first use), taking lanes from the most-loaded members.
     *
     * @param topic the open topic the request names
     * @param request the group, member id, start for uncommitted lanes, session
     * @param handler receives the member's messages on the delivery thread
     * @return the member
     * @throws BrokerException {@link ErrorCode#INVALID_REQUEST} for an invalid group name, a group
     *     consuming another topic or a member id in use; {@link ErrorCode#STORAGE_FAILURE} when the
     *     group's offsets file cannot be read or is corrupt; {@link ErrorCode#CLOSED} when closed
     */
    public GroupMember join(Topic topic, GroupRequest request, MessageHandler handler) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(handler, "handler");
        checkOpen();
        String name = request.group();
        if (!TopicNames.isValid(name)) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "invalid group name '" + name
                    + "': a group name follows the rules of topic names (1 to " + TopicNames.MAX_LENGTH
                    + " characters from A-Z a-z 0-9 . _ -, not starting with '.' or '-')");
        }
        if (!request.topic().equals(topic.name())) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "the request names topic '" + request.topic() + "' but topic '"
                    + topic.name() + "' was given");
        }
        if (topic.closed) {
            throw new BrokerException(ErrorCode.CLOSED, "topic '" + topic.name() + "' is closed or being deleted");
        }
        if (request.memberId() != null && request.memberId().isBlank()) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "a member id, when given, is not blank");
        }
        while (true) {
            ConsumerGroup group;
            synchronized (this) {
                checkOpen();
                group = loadOrCreate(name, topic);
            }
            GroupMemberImpl member;
            List<ConsumerGroup.Move> moves;
            synchronized (group) {
                if (group.deleted) {
                    continue; // deleted between loading and joining: create it again
                }
                if (!group.topic.equals(topic.name())) {
                    throw new BrokerException(ErrorCode.INVALID_REQUEST, "group '" + name + "' consumes topic '" + group.topic
                            + "', not '" + topic.name() + "'; a group consumes one topic (delete the group to reuse its name)");
                }
                if (group.shardCount != topic.shards.length) {
                    throw new BrokerException(ErrorCode.STORAGE_FAILURE, "group '" + name + "' committed positions for "
                            + group.shardCount + " shard(s) of topic '" + group.topic + "', which now has " + topic.shards.length
                            + " (was the topic recreated?); delete the group to start it again");
                }
                String id = request.memberId() != null ? request.memberId() : name + "-" + memberIds.incrementAndGet();
                for (GroupMemberImpl other : group.members) {
                    if (other.id.equals(id)) {
                        throw new BrokerException(ErrorCode.INVALID_REQUEST, "group '" + name + "' already has a member '" + id + "'");
                    }
                }
                member = new GroupMemberImpl(this, group, id, topic, request, handler, delivery);
                delivery.register(member);
                moves = group.join(member);
                if (!moves.isEmpty()) {
                    delivery.execute(() -> apply(group, topic, moves));
                }
            }
            LOG.info("Member {} joined group {} on topic {}: {} lane move(s), it holds {}", member.id, name, topic.name(), moves.size(),
                    member.assignment());
            return member;
        }
    }

    /**
     * Describes a group. A stream's committed offset is the offset of its first record at or after
     * its lane's committed position (a lane nobody committed in counts from the log's start), or
     * its next offset when there is none; this scans the shards' logs from those positions.
     *
     * @param group a group name
     * @return the group as it stands, or empty when there is no such group
     * @throws BrokerException {@link ErrorCode#STORAGE_FAILURE} when its offsets file is corrupt
     */
    public Optional<GroupDescription> describe(String group) {
        if (!TopicNames.isValid(group)) {
            return Optional.empty();
        }
        ConsumerGroup found;
        synchronized (this) {
            found = groups.get(group);
            if (found == null) {
                found = load(group);
            }
        }
        return found == null ? Optional.empty() : Optional.of(describe(found));
    }

    /** @return every group, in memory or on disk, by name (a group whose file is corrupt is left out and logged) */
    public List<GroupDescription> describeAll() {
        List<ConsumerGroup> all;
        synchronized (this) {
            loadAll();
            all = new ArrayList<>(new TreeMap<>(groups).values());
        }
        List<GroupDescription> descriptions = new ArrayList<>(all.size());
        for (ConsumerGroup group : all) {
            descriptions.add(describe(group));
        }
        return descriptions;
    }

    /**
     * Deletes a group that has no members: forgets it and deletes its offsets file (a corrupt one
     * included: this is how an operator clears it).
     *
     * @param group the group
     * @return whether there was such a group
     * @throws BrokerException {@link ErrorCode#INVALID_REQUEST} while it has members
     */
    public boolean delete(String group) {
        if (!TopicNames.isValid(group)) {
            return false;
        }
        Path file = GroupOffsetsFile.pathOf(directory, group);
        synchronized (this) {
            ConsumerGroup found = groups.get(group);
            boolean existed = found != null;
            if (found != null) {
                synchronized (found.fileLock) {
                    synchronized (found) {
                        if (!found.members.isEmpty()) {
                            List<String> ids = new ArrayList<>();
                            for (GroupMemberImpl member : found.members) {
                                ids.add(member.id);
                            }
                            throw new BrokerException(ErrorCode.INVALID_REQUEST, "group '" + group + "' still has " + ids.size()
                                    + " member(s) " + ids + "; they must leave (or time out) before it can be deleted");
                        }
                        found.deleted = true;
                    }
                    groups.remove(group);
                    updateSnapshot();
                    existed |= deleteFile(file);
                }
            } else {
                existed = deleteFile(file);
            }
            reportedCorrupt.remove(file);
            if (existed) {
                LOG.info("Deleted consumer group {}", group);
            }
            return existed;
        }
    }

    /**
     * A topic was deleted: its groups go too (members closed, offsets files deleted).
     *
     * @param topic the topic's name
     */
    public void topicDeleted(String topic) {
        List<String> dropped = new ArrayList<>();
        synchronized (this) {
            loadAll();
            for (ConsumerGroup group : new ArrayList<>(groups.values())) {
                if (!group.topic.equals(topic)) {
                    continue;
                }
                synchronized (group.fileLock) {
                    synchronized (group) {
                        group.deleted = true;
                        for (GroupMemberImpl member : group.clear()) {
                            remove(member, "its topic was deleted");
                        }
                    }
                    groups.remove(group.name);
                    deleteFile(group.file);
                }
                dropped.add(group.name);
            }
            updateSnapshot();
        }
        delivery.awaitCycle();
        if (!dropped.isEmpty()) {
            LOG.info("Topic {} was deleted: dropped its consumer group(s) {}", topic, dropped);
        }
    }

    /** Closes every member (without moving lanes: nobody is left to take them); committed positions stay on disk. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        delivery.removePeriodicTask(sessionCheck);
        synchronized (this) {
            for (ConsumerGroup group : groups.values()) {
                synchronized (group) {
                    for (GroupMemberImpl member : group.clear()) {
                        remove(member, "the broker closed");
                    }
                }
            }
            groups.clear();
            updateSnapshot();
        }
        delivery.awaitCycle();
    }

    // ---- for members ----

    /**
     * Any thread: persists positions of the lanes the member holds: what was delivered to it, or,
     * when explicit positions are given, those positions cut back to what was delivered.
     *
     * @return how many lanes were committed
     */
    int commit(GroupMemberImpl member, int[] explicitLanes, long[] explicitFrames, int[] explicitIndexes) {
        ConsumerGroup group = member.group;
        synchronized (group) {
            if (member.removed) {
                throw unknownMember(member);
            }
        }
        long[] positions = delivery.call(member::positions);
        if (explicitLanes != null) {
            positions = clamp(positions, explicitLanes, explicitFrames, explicitIndexes);
        }
        int committed = 0;
        synchronized (group.fileLock) {
            GroupOffsetsFile.Content content;
            synchronized (group) {
                if (member.removed || group.deleted) {
                    throw unknownMember(member);
                }
                for (int i = 0; i < positions.length; i += 3) {
                    int lane = (int) positions[i];
                    if (group.owner[lane] == member) {
                        group.committedFrame[lane] = positions[i + 1];
                        group.committedIndex[lane] = (int) positions[i + 2];
                        committed++;
                    }
                }
                content = group.content();
            }
            try {
                GroupOffsetsFile.write(group.file, content);
            } catch (IOException e) {
                throw new BrokerException(ErrorCode.STORAGE_FAILURE, "the commit of member " + member.id + " of group '" + group.name
                        + "' could not be written to " + group.file + ": " + e, e);
            }
        }
        return committed;
    }

    /**
     * Keeps, of the explicit positions, those of lanes in {@code delivered} (lane, frame, index
     * triples), each cut back to the delivered position: nothing undelivered is ever committed.
     */
    static long[] clamp(long[] delivered, int[] lanes, long[] frames, int[] indexes) {
        long[] kept = new long[lanes.length * 3];
        int size = 0;
        for (int i = 0; i < lanes.length; i++) {
            for (int d = 0; d < delivered.length; d += 3) {
                if (delivered[d] == lanes[i]) {
                    long frame = frames[i];
                    long index = indexes[i];
                    if (frame > delivered[d + 1] || (frame == delivered[d + 1] && index > delivered[d + 2])) {
                        frame = delivered[d + 1];
                        index = delivered[d + 2];
                    }
                    kept[size++] = lanes[i];
                    kept[size++] = frame;
                    kept[size++] = index;
                    break;
                }
            }
        }
        return java.util.Arrays.copyOf(kept, size);
    }

    /** Any thread: the member leaves; its lanes go to the others. Does not wait for the delivery thread. */
    void leave(GroupMemberImpl member, String why) {
        ConsumerGroup group = member.group;
        List<Integer> lanes;
        synchronized (group) {
            if (member.removed) {
                return;
            }
            lanes = laneList(member);
            removeAndReassign(member, why);
        }
        LOG.info("Member {} of group {} {}; its {} lane(s) moved to the {} member(s) left", member.id, group.name, why, lanes.size(),
                group.memberSnapshot.length);
    }

    BrokerException unknownMember(GroupMemberImpl member) {
        String why;
        synchronized (member.group) {
            why = member.removedBecause;
        }
        return new BrokerException(ErrorCode.UNKNOWN_MEMBER, "member " + member.id + " is no longer part of group '" + member.group.name
                + "' (" + (why == null ? "removed" : why) + "); join the group again");
    }

    // ---- internals ----

    /** Guarded by the group: marks the member removed, closes it, hands its lanes out. */
    private void removeAndReassign(GroupMemberImpl member, String why) {
        ConsumerGroup group = member.group;
        remove(member, why);
        List<ConsumerGroup.Move> moves = group.leave(member);
        if (!moves.isEmpty()) {
            delivery.execute(() -> apply(group, member.topic, moves));
        }
    }

    /** Guarded by the member's group. */
    private static void remove(GroupMemberImpl member, String why) {
        member.removed = true;
        member.removedBecause = why;
        member.markClosed();
    }

    /** Delivery thread: stops the moved lanes at their old owners, then starts them at their new ones. */
    private void apply(ConsumerGroup group, Topic topic, List<ConsumerGroup.Move> moves) {
        if (topic.closed) {
            return;
        }
        synchronized (group) {
            for (ConsumerGroup.Move move : moves) {
                if (move.from() != null) {
                    move.from().revokeLane(move.lane());
                }
            }
            for (ConsumerGroup.Move move : moves) {
                GroupMemberImpl to = move.to();
                if (to != null && group.owner[move.lane()] == to && !to.isClosed()) {
                    WriteAheadLog log = topic.shards[move.lane() / group.lanesPerShard].log;
                    to.assignLane(move.lane(), group.startOf(move.lane(), to.request.start(), log));
                }
            }
        }
    }

    /** Delivery thread, every tick: removes the members whose session ran out. */
    private void checkSessions() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (ConsumerGroup group : groupSnapshot) {
            for (GroupMemberImpl member : group.memberSnapshot) {
                if (member.request.autoHeartbeat()) {
                    continue;
                }
                long silent = now - member.lastHeartbeatNanos;
                if (silent > member.sessionTimeoutNanos) {
                    String why = "timed out after " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms without a heartbeat (session timeout "
                            + member.request.sessionTimeout().toMillis() + " ms)";
                    leave(member, why);
                }
            }
        }
    }

    /** Guarded by this. @return the group, loaded from its file or created */
    private ConsumerGroup loadOrCreate(String name, Topic topic) {
        ConsumerGroup group = groups.get(name);
        if (group == null) {
            group = load(name);
        }
        if (group == null) {
            group = new ConsumerGroup(name, topic.name(), topic.shards.length, config.lanesPerShard(), GroupOffsetsFile.pathOf(directory, name));
            groups.put(name, group);
            updateSnapshot();
        }
        return group;
    }

    /**
     * Guarded by this: reads a group's file into memory.
     *
     * @return the group, or null when it has no file
     * @throws BrokerException when the file cannot be read or is corrupt
     */
    private ConsumerGroup load(String name) {
        Path file = GroupOffsetsFile.pathOf(directory, name);
        GroupOffsetsFile.Content content;
        try {
            content = GroupOffsetsFile.read(file);
        } catch (GroupOffsetsFile.CorruptException e) {
            if (reportedCorrupt.add(file)) {
                LOG.error("Consumer group {} is refused: {}. Restore the file from a backup, or delete the group (which deletes the "
                        + "file) to restart it from its start position", name, e.getMessage());
            }
            throw new BrokerException(ErrorCode.STORAGE_FAILURE, "consumer group '" + name + "' cannot be used: " + e.getMessage()
                    + ". Its committed positions are unknown and the broker will not guess them: restore the file from a backup, "
                    + "or delete the group (which deletes the file) to restart it from its start position");
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.STORAGE_FAILURE, "consumer group '" + name + "': cannot read " + file + ": " + e, e);
        }
        if (content == null) {
            return null;
        }
        ConsumerGroup group = ConsumerGroup.of(name, content, file);
        groups.put(name, group);
        updateSnapshot();
        return group;
    }

    /** Guarded by this: loads every group file not loaded yet, leaving out (and logging) corrupt ones. */
    private void loadAll() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + GroupOffsetsFile.SUFFIX)) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - GroupOffsetsFile.SUFFIX.length());
                if (!TopicNames.isValid(name) || groups.containsKey(name)) {
                    continue;
                }
                try {
                    load(name);
                } catch (BrokerException e) {
                    LOG.debug("Leaving out group {}: {}", name, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the consumer groups in {}: {}", directory, e.toString());
        }
    }

    private void updateSnapshot() {
        groupSnapshot = groups.values().toArray(new ConsumerGroup[0]);
    }

    private static boolean deleteFile(Path file) {
        try {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
            return Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.STORAGE_FAILURE, "cannot delete " + file + ": " + e, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerException(ErrorCode.CLOSED, "the broker's consumer groups are closed");
        }
    }

    /** Guarded by the member's group. */
    private static List<Integer> laneList(GroupMemberImpl member) {
        List<Integer> lanes = new ArrayList<>();
        for (int lane = member.lanes.nextSetBit(0); lane >= 0; lane = member.lanes.nextSetBit(lane + 1)) {
            lanes.add(lane);
        }
        return lanes;
    }

    /** Admin path: members, lanes, and per stream the committed offset and lag (scans the log from the committed positions). */
    private GroupDescription describe(ConsumerGroup group) {
        List<GroupDescription.Member> members = new ArrayList<>();
        List<GroupDescription.Lane> lanes = new ArrayList<>();
        long[] frames;
        int[] indexes;
        long now = System.nanoTime();
        synchronized (group) {
            for (GroupMemberImpl member : group.members) {
                List<String> names = new ArrayList<>();
                for (int lane : laneList(member)) {
                    names.add(Lanes.name(lane, group.lanesPerShard));
                }
                long since = member.request.autoHeartbeat() && !member.isClosed() ? 0 : now - member.lastHeartbeatNanos;
                members.add(new GroupDescription.Member(member.id, List.copyOf(names), TimeUnit.NANOSECONDS.toMillis(Math.max(0, since)),
                        member.delivered()));
            }
            for (int lane = 0; lane < group.laneCount; lane++) {
                GroupMemberImpl owner = group.owner[lane];
                lanes.add(new GroupDescription.Lane(lane / group.lanesPerShard, lane % group.lanesPerShard, owner == null ? null : owner.id,
                        group.committedFrame[lane]));
            }
            frames = group.committedFrame.clone();
            indexes = group.committedIndex.clone();
        }
        List<GroupDescription.StreamLag> streams = new ArrayList<>();
        long totalLag = 0;
        Topic topic = null;
        try {
            topic = topics.apply(group.topic);
        } catch (BrokerException e) {
            LOG.debug("Describing group {} without streams: {}", group.name, e.getMessage());
        }
        if (topic != null && !topic.closed && topic.shards.length == group.shardCount) {
            totalLag = streams(topic, group, frames, indexes, streams);
        }
        return new GroupDescription(group.name, group.topic, group.lanesPerShard, List.copyOf(members), List.copyOf(lanes),
                List.copyOf(streams), totalLag);
    }

    /** Fills {@code out} with up to {@value #MAX_STREAMS_DESCRIBED} streams. @return the lag of all streams */
    private static long streams(Topic topic, ConsumerGroup group, long[] frames, int[] indexes, List<GroupDescription.StreamLag> out) {
        int lanesPerShard = group.lanesPerShard;
        Map<Long, Long> firstOffsets = new HashMap<>();
        for (Shard shard : topic.shards) {
            WriteAheadLog log = shard.log;
            long[] fromFrame = new long[lanesPerShard];
            int[] fromIndex = new int[lanesPerShard];
            long scanFrom = Long.MAX_VALUE;
            for (int lane = 0; lane < lanesPerShard; lane++) {
                int id = shard.index * lanesPerShard + lane;
                fromFrame[lane] = frames[id] == GroupOffsetsFile.NOT_COMMITTED ? log.startPosition() : frames[id];
                fromIndex[lane] = frames[id] == GroupOffsetsFile.NOT_COMMITTED ? 0 : indexes[id];
                scanFrom = Math.min(scanFrom, fromFrame[lane]);
            }
            LogCursor cursor = log.cursor(scanFrom);
            while (cursor.poll(record -> {
                int lane = Lanes.of(record.buffer(), record.keyOffset(), record.keyLength(), lanesPerShard);
                if (!ShardReader.before(record.position(), record.indexInFrame(), fromFrame[lane], fromIndex[lane])) {
                    firstOffsets.putIfAbsent(record.streamId(), record.streamOffset());
                }
            }, 1024) > 0) {
                // scanning to the end of what is published
            }
        }
        long[] total = new long[1];
        topic.registry.forEach((key, state) -> {
            long end = state.nextOffset();
            long committed = Math.min(end, firstOffsets.getOrDefault(state.streamId(), end));
            long lag = Math.max(0, end - committed);
            total[0] += lag;
            if (out.size() < MAX_STREAMS_DESCRIBED) {
                int shard = topic.placement.shard(key, topic.shards.length);
                String lane = Lanes.name(shard * lanesPerShard + Lanes.of(key, lanesPerShard), lanesPerShard);
                out.add(new GroupDescription.StreamLag(key, lane, committed, end, lag));
            }
            return true;
        });
        out.sort(Comparator.comparing(GroupDescription.StreamLag::key));
        return total[0];
    }
}
