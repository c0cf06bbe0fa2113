package io.memorystreamer.broker.internal;

import static io.memorystreamer.broker.internal.DeliveryFixture.await;
import static io.memorystreamer.broker.internal.DeliveryFixture.pause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.internal.DeliveryFixture.Recorder;
import io.memorystreamer.multiplexing.TopicSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Consumer groups over real logs and files: assignment, moves while messages flow, commits across restarts, sessions, bad files. */
class GroupCoordinatorTest {
    @TempDir
    Path dir;

    private DeliveryFixture fixture;
    private DeliveryService delivery;
    private GroupCoordinator groups;
    private final List<Topic> extraTopics = new ArrayList<>();

    private void open(int shards, int lanesPerShard) throws Exception {
        fixture = new DeliveryFixture(dir, shards, lanesPerShard);
        start();
    }

    private void start() {
        delivery = new DeliveryService(fixture.config);
        groups = new GroupCoordinator(fixture.config, delivery, name -> {
            if (name.equals("t")) {
                return fixture.topic;
            }
            throw new BrokerException(ErrorCode.UNKNOWN_TOPIC, "no topic " + name);
        });
    }

    /** A broker restart: groups and delivery closed, the topic closed and opened again, then new ones. */
    private void restart() throws Exception {
        groups.close();
        delivery.close();
        fixture.reopen();
        start();
    }

    @AfterEach
    void tearDown() {
        if (groups != null) {
            groups.close();
        }
        if (delivery != null) {
            delivery.close();
        }
        if (fixture != null) {
            fixture.close();
        }
        for (Topic topic : extraTopics) {
            topic.close();
        }
    }

    private GroupMemberImpl join(String id, MessageHandlerRecorder recorder) {
        return join(GroupRequest.of("g", "t").withMemberId(id), recorder);
    }

    private GroupMemberImpl join(GroupRequest request, MessageHandlerRecorder recorder) {
        return (GroupMemberImpl) groups.join(fixture.topic, request, recorder);
    }

    private static List<String> keys(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add("key-" + i);
        }
        return keys;
    }

    /** Appends rounds of one message per key; @return every {@code key@offset} appended */
    private Set<String> appendRounds(List<String> keys, int rounds) {
        Set<String> appended = new HashSet<>();
        for (int round = 0; round < rounds; round++) {
            for (String key : keys) {
                appended.add(key + "@" + fixture.append(key, key + "#" + round));
            }
        }
        return appended;
    }

    /** Records deliveries per member, checking that a member sees each stream's offsets in order. */
    static final class MessageHandlerRecorder extends Recorder {
        /** Counts deliveries to every recorder: handlers all run on the one delivery thread, so this orders them. */
        static final AtomicLong SEQUENCE = new AtomicLong();
        final Map<String, Long> lastOffset = new ConcurrentHashMap<>();
        final List<String> disorder = new ArrayList<>();
        /** Key and global sequence number of each delivery. */
        final List<Map.Entry<String, Long>> sequence = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onMessage(MessageView message) {
            super.onMessage(message);
            String key = message.keyAsString();
            sequence.add(Map.entry(key, SEQUENCE.incrementAndGet()));
            Long last = lastOffset.put(key, message.streamOffset());
            if (last != null && message.streamOffset() <= last) {
                disorder.add(key + ": " + last + " then " + message.streamOffset());
            }
        }

        Set<String> idSet() {
            return new HashSet<>(ids());
        }
    }

    private static Set<Integer> laneIds(List<String> names, int lanesPerShard) {
        Set<Integer> ids = new HashSet<>();
        for (String name : names) {
            String[] parts = name.split("\\.");
            ids.add(Integer.parseInt(parts[0]) * lanesPerShard + Integer.parseInt(parts[1]));
        }
        return ids;
    }

    @Test
    void oneMemberGetsEverythingInOrder() throws Exception {
        open(2, 4);
        Set<String> appended = appendRounds(keys(40), 5);
        MessageHandlerRecorder recorder = new MessageHandlerRecorder();
        GroupMember member = join("a", recorder);
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3", "1.0", "1.1", "1.2", "1.3"), member.assignment());
        appended.addAll(appendRounds(keys(40), 1));
        await(() -> recorder.size() == appended.size(), "every message is delivered");
        pause(30);
        assertEquals(appended, recorder.idSet());
        assertEquals(appended.size(), recorder.size(), "no duplicates");
        assertEquals(List.of(), recorder.disorder);
        assertEquals("g", member.group());
        assertEquals("a", member.memberId());
    }

    @Test
    void newcomerTakesOnlyTheLanesItNeedsAndNothingIsLost() throws Exception {
        open(2, 4);
        List<String> keys = keys(40);
        Set<String> appended = ConcurrentHashMap.newKeySet();
        appended.addAll(appendRounds(keys, 3));
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        MessageHandlerRecorder b = new MessageHandlerRecorder();
        GroupMemberImpl first = join("a", a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            try {
                for (int round = 0; round < 150 && !stop.get(); round++) {
                    for (String key : keys) {
                        appended.add(key + "@" + fixture.append(key, key + "#live" + round));
                    }
                    Thread.sleep(1);
                }
            } catch (Throwable t) {
                producerFailure.set(t);
            }
        }, "producer");
        producer.start();
        await(() -> a.size() > 200, "the first member is consuming");
        first.commit();
        GroupMemberImpl second = join("b", b);
        producer.join();
        assertEquals(null, producerFailure.get());
        await(() -> unionCovers(appended, a, b), "the union of both members' deliveries covers everything");

        Set<Integer> aLanes = laneIds(first.assignment(), 4);
        Set<Integer> bLanes = laneIds(second.assignment(), 4);
        assertEquals(4, aLanes.size());
        assertEquals(4, bLanes.size());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5, 6, 7), new HashSet<>(first.lanesReceived()));
        assertEquals(bLanes, new HashSet<>(first.lanesRevoked()), "the first member lost exactly the lanes the newcomer got");
        assertEquals(bLanes, new HashSet<>(second.lanesReceived()));
        for (int lane : aLanes) {
            assertFalse(first.lanesRevoked().contains(lane), "lane " + lane + " did not move, so it was never revoked");
        }
        assertEquals(8 + 4, first.laneMoves());
        assertTrue(second.lanesRevoked().isEmpty());
        assertEquals(List.of(), a.disorder);
        assertEquals(List.of(), b.disorder);
        // a moved lane: the old owner's last delivery of it comes before the new owner's first
        for (int lane : bLanes) {
            long lastOfA = Long.MIN_VALUE;
            long firstOfB = Long.MAX_VALUE;
            synchronized (a.sequence) {
                for (Map.Entry<String, Long> delivered : a.sequence) {
                    if (laneOf(delivered.getKey()) == lane) {
                        lastOfA = Math.max(lastOfA, delivered.getValue());
                    }
                }
            }
            synchronized (b.sequence) {
                for (Map.Entry<String, Long> delivered : b.sequence) {
                    if (laneOf(delivered.getKey()) == lane) {
                        firstOfB = Math.min(firstOfB, delivered.getValue());
                    }
                }
            }
            assertTrue(lastOfA < firstOfB, "lane " + lane + ": old owner's last " + lastOfA + ", new owner's first " + firstOfB);
        }
        // after the move, the newcomer delivers only its lanes
        Set<String> bKeys = new HashSet<>();
        for (String id : b.ids()) {
            bKeys.add(id.substring(0, id.indexOf('@')));
        }
        for (String key : bKeys) {
            assertTrue(bLanes.contains(laneOf(key)), key + " is in one of the newcomer's lanes");
        }
    }

    private int laneOf(String key) {
        return fixture.shardOf(key) * fixture.config.lanesPerShard() + Lanes.of(key, fixture.config.lanesPerShard());
    }

    private static boolean unionCovers(Set<String> appended, Recorder... recorders) {
        Set<String> union = new HashSet<>();
        for (Recorder recorder : recorders) {
            union.addAll(recorder.ids());
        }
        return union.containsAll(appended);
    }

    @Test
    void aLeavingMembersLanesGoToTheLeastLoaded() throws Exception {
        open(2, 4);
        List<String> keys = keys(40);
        Set<String> appended = appendRounds(keys, 2);
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        MessageHandlerRecorder b = new MessageHandlerRecorder();
        MessageHandlerRecorder c = new MessageHandlerRecorder();
        GroupMemberImpl ma = join("a", a);
        GroupMemberImpl mb = join("b", b);
        GroupMemberImpl mc = join("c", c);
        assertEquals(List.of(3, 3, 2), List.of(ma.assignment().size(), mb.assignment().size(), mc.assignment().size()));
        Set<Integer> aBefore = laneIds(ma.assignment(), 4);
        Set<Integer> cBefore = laneIds(mc.assignment(), 4);
        await(() -> unionCovers(appended, a, b, c), "delivered");
        for (GroupMemberImpl member : List.of(ma, mb, mc)) {
            await(() -> new HashSet<>(member.lanesRead()).equals(laneIds(member.assignment(), 4)), "the moves are applied");
        }
        int aRevoked = ma.lanesRevoked().size();
        int bRevoked = mb.lanesRevoked().size();
        mc.close();
        assertTrue(mc.isClosed());
        assertEquals(List.of(4, 4), List.of(ma.assignment().size(), mb.assignment().size()));
        assertTrue(laneIds(ma.assignment(), 4).containsAll(aBefore), "lanes stay where they were");
        Set<Integer> moved = new HashSet<>(laneIds(ma.assignment(), 4));
        moved.addAll(laneIds(mb.assignment(), 4));
        assertEquals(8, moved.size());
        for (GroupMemberImpl member : List.of(ma, mb)) {
            await(() -> new HashSet<>(member.lanesRead()).equals(laneIds(member.assignment(), 4)), "the moves are applied");
        }
        assertEquals(aRevoked, ma.lanesRevoked().size(), "the members that stay lose nothing");
        assertEquals(bRevoked, mb.lanesRevoked().size());
        assertEquals(cBefore, new HashSet<>(mc.lanesRevoked()));
        appended.addAll(appendRounds(keys, 2));
        await(() -> unionCovers(appended, a, b, c), "everything is delivered after the move");
        BrokerException gone = assertThrows(BrokerException.class, mc::commit);
        assertEquals(ErrorCode.UNKNOWN_MEMBER, gone.code());
        ma.close();
        assertEquals(8, mb.assignment().size());
        mb.close();
        assertTrue(groups.delete("g"));
    }

    @Test
    void commitsAreExactAndSurviveARestart() throws Exception {
        open(1, 2);
        List<String> keys = fixture.keysOnShard("s", 0, 1);
        String key = keys.get(0);
        fixture.appendBatch(List.of(key, key, key, key, key, key, key, key, key, key), "p", 1000);
        fixture.appendBatch(List.of(key, key, key), "q", 1000);
        MessageHandlerRecorder first = new MessageHandlerRecorder();
        GroupMember member = join(GroupRequest.of("g", "t").withMemberId("a").withCredit(4), first);
        await(() -> first.size() == 4 && member.credit() == 0, "4 delivered");
        member.commit();
        assertTrue(Files.isRegularFile(fixture.config.groupsDirectory().resolve("g.offsets")));
        GroupDescription described = groups.describe("g").orElseThrow();
        assertEquals(1, described.streams().size());
        assertEquals(4, described.streams().get(0).committedOffset());
        assertEquals(13, described.streams().get(0).endOffset());
        assertEquals(9, described.totalLag());
        member.grant(2);
        await(() -> first.size() == 6, "2 more delivered, not committed");

        restart();
        MessageHandlerRecorder second = new MessageHandlerRecorder();
        GroupMember again = join(GroupRequest.of("g", "t").withMemberId("a2"), second);
        await(() -> second.size() == 9, "the rest is delivered");
        pause(30);
        List<String> expected = new ArrayList<>();
        for (int offset = 4; offset < 13; offset++) {
            expected.add(key + "@" + offset);
        }
        assertEquals(expected, second.ids(), "resumes exactly after the commit, inside the batch");
        again.commit();
        assertEquals(0, groups.describe("g").orElseThrow().totalLag());
    }

    @Test
    void explicitCommitsCoverWhatWasProcessedAndNeverMoreThanWasDelivered() throws Exception {
        open(1, 2);
        String key = fixture.keysOnShard("s", 0, 1).get(0);
        fixture.appendBatch(List.of(key, key, key, key, key, key, key, key), "p", 1000);
        List<long[]> places = Collections.synchronizedList(new ArrayList<>());
        MessageHandlerRecorder first = new MessageHandlerRecorder();
        GroupMember member = groups.join(fixture.topic, GroupRequest.of("g", "t").withMemberId("a").withCredit(6), message -> {
            first.onMessage(message);
            places.add(new long[] {message.lane(), message.position(), message.indexInFrame()});
        });
        await(() -> first.size() == 6, "6 delivered");
        long[] third = places.get(2);
        assertTrue(third[0] >= 0, "a group delivery names its lane");
        // What a remote consumer does: it processed 3 messages while 6 were delivered (3 still in its socket).
        assertEquals(1, member.commit(new int[] {(int) third[0]}, new long[] {third[1]}, new int[] {(int) third[2] + 1}));
        // A position past what was delivered is cut back to it (the 7th message was never delivered).
        GroupMember other = join(GroupRequest.of("g2", "t").withMemberId("b").withCredit(2), new MessageHandlerRecorder());
        await(() -> other.delivered() == 2, "2 delivered to the other group");
        assertEquals(1, other.commit(new int[] {(int) third[0]}, new long[] {Long.MAX_VALUE / 2}, new int[] {0}));
        assertThrows(BrokerException.class, () -> member.commit(new int[] {1}, new long[0], new int[0]));

        restart();
        MessageHandlerRecorder again = new MessageHandlerRecorder();
        join(GroupRequest.of("g", "t").withMemberId("a2"), again);
        await(() -> again.size() == 5, "everything after the third message comes again");
        assertEquals(key + "@3", again.ids().get(0), "resumes after what was processed, not after what was delivered");
        MessageHandlerRecorder otherAgain = new MessageHandlerRecorder();
        join(GroupRequest.of("g2", "t").withMemberId("b2"), otherAgain);
        await(() -> otherAgain.size() == 6, "the other group resumes after its 2 delivered messages");
        assertEquals(key + "@2", otherAgain.ids().get(0));
    }

    @Test
    void aMemberWithoutHeartbeatsTimesOut() throws Exception {
        open(1, 4);
        Set<String> appended = appendRounds(keys(20), 2);
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        MessageHandlerRecorder b = new MessageHandlerRecorder();
        MessageHandlerRecorder c = new MessageHandlerRecorder();
        GroupMemberImpl silent = join(GroupRequest.of("g", "t").withMemberId("silent").withSession(Duration.ofMillis(150), false), a);
        GroupMemberImpl auto = join(GroupRequest.of("g", "t").withMemberId("auto").withSession(Duration.ofMillis(50), true), b);
        GroupMemberImpl beating = join(GroupRequest.of("g", "t").withMemberId("beating").withSession(Duration.ofMillis(150), false), c);
        long until = System.nanoTime() + 400_000_000L;
        while (System.nanoTime() < until) {
            beating.heartbeat();
            pause(20);
        }
        assertTrue(silent.isClosed(), "the silent member was removed");
        assertEquals(ErrorCode.UNKNOWN_MEMBER, assertThrows(BrokerException.class, silent::commit).code());
        assertEquals(ErrorCode.UNKNOWN_MEMBER, assertThrows(BrokerException.class, silent::heartbeat).code());
        assertTrue(assertThrows(BrokerException.class, silent::commit).getMessage().contains("timed out"));
        assertFalse(auto.isClosed(), "the broker heartbeats for an auto member");
        assertFalse(beating.isClosed(), "a member that heartbeats stays");
        assertEquals(4, auto.assignment().size() + beating.assignment().size());
        assertEquals(List.of(), silent.assignment());
        await(() -> {
            beating.heartbeat();
            return unionCovers(appended, a, b, c);
        }, "nothing is lost");
        beating.heartbeat();
        GroupDescription description = groups.describe("g").orElseThrow();
        assertEquals(List.of("auto", "beating"), description.members().stream().map(GroupDescription.Member::id).toList());
        assertTrue(description.members().get(1).millisSinceHeartbeat() < 150);
    }

    @Test
    void aCorruptOffsetsFileIsRefusedNamingTheFile() throws Exception {
        open(1, 2);
        appendRounds(keys(4), 2);
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        GroupMember member = join("a", a);
        await(() -> a.size() == 8, "delivered");
        member.commit();
        Path file = fixture.config.groupsDirectory().resolve("g.offsets");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 8] ^= 0x40;
        restart();
        Files.write(file, bytes);
        BrokerException refused = assertThrows(BrokerException.class, () -> join("b", new MessageHandlerRecorder()));
        assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
        assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("CRC32C"), refused.getMessage());
        assertThrows(BrokerException.class, () -> groups.describe("g"));
        assertEquals(List.of(), groups.describeAll(), "a corrupt group is left out of the listing");
        assertTrue(Files.exists(file), "never silently replaced");

        Files.write(file, new byte[] {1, 2, 3});
        assertTrue(assertThrows(BrokerException.class, () -> join("b", new MessageHandlerRecorder())).getMessage().contains("truncated"));

        assertTrue(groups.delete("g"), "an operator deletes the group to clear it");
        assertFalse(Files.exists(file));
        MessageHandlerRecorder b = new MessageHandlerRecorder();
        join("b", b);
        await(() -> b.size() == 8, "the group starts again from its start position");
    }

    @Test
    void aCommittedPositionThatIsNoFrameStartIsMovedToTheNextFrame() throws Exception {
        open(1, 1);
        for (int i = 0; i < 3; i++) {
            fixture.append("k", "v" + i);
        }
        fixture.settle();
        Path groupsDir = fixture.config.groupsDirectory();
        GroupOffsetsFile.write(GroupOffsetsFile.pathOf(groupsDir, "mid"), new GroupOffsetsFile.Content("t", 1, 1, new long[] {16}, new int[] {0}));
        GroupOffsetsFile.write(GroupOffsetsFile.pathOf(groupsDir, "past"),
                new GroupOffsetsFile.Content("t", 1, 1, new long[] {1 << 19}, new int[] {0}));
        MessageHandlerRecorder mid = new MessageHandlerRecorder();
        MessageHandlerRecorder past = new MessageHandlerRecorder();
        GroupMemberImpl inMid = join(GroupRequest.of("mid", "t"), mid);
        GroupMemberImpl inPast = join(GroupRequest.of("past", "t"), past);
        await(() -> inMid.lanesRead().size() == 1 && inPast.lanesRead().size() == 1, "the lanes are started");
        fixture.append("k", "v3");
        await(() -> mid.size() == 3 && past.size() == 1, "delivered");
        pause(30);
        assertEquals(List.of("k@1", "k@2", "k@3"), mid.ids(), "from the frame after the bad position");
        assertEquals(List.of("k@3"), past.ids(), "from the log's end");
    }

    @Test
    void adminRules() throws Exception {
        open(2, 2);
        appendRounds(keys(6), 1);
        GroupMember member = join("a", new MessageHandlerRecorder());
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(BrokerException.class, () -> join("a", new MessageHandlerRecorder())).code(),
                "member ids are unique in a group");
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(BrokerException.class, () -> groups.delete("g")).code(), "members remain");
        assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(BrokerException.class,
                () -> groups.join(fixture.topic, GroupRequest.of("../g", "t"), message -> { })).code());
        Topic other = Topic.open(1, dir.resolve("topics").resolve("u"), TopicSettings.builder("u").shardCount(2).build(), fixture.config, 0);
        extraTopics.add(other);
        BrokerException wrongTopic = assertThrows(BrokerException.class,
                () -> groups.join(other, GroupRequest.of("g", "u"), message -> { }));
        assertEquals(ErrorCode.INVALID_REQUEST, wrongTopic.code());
        assertTrue(wrongTopic.getMessage().contains("consumes topic 't'"), wrongTopic.getMessage());
        GroupMember generated = groups.join(fixture.topic, GroupRequest.of("g", "t"), message -> { });
        assertTrue(generated.memberId().startsWith("g-"));
        assertEquals(2, groups.describe("g").orElseThrow().members().size());
        assertEquals(Set.of("g"), Set.copyOf(groups.describeAll().stream().map(GroupDescription::name).toList()));
        assertTrue(groups.describe("nope").isEmpty());
        assertFalse(groups.delete("nope"));
        member.commit();

        delivery.closeSubscriptionsOf(fixture.topic);
        groups.topicDeleted("t");
        assertTrue(member.isClosed());
        assertEquals(ErrorCode.UNKNOWN_MEMBER, assertThrows(BrokerException.class, member::commit).code());
        assertTrue(groups.describe("g").isEmpty());
        assertFalse(Files.exists(fixture.config.groupsDirectory().resolve("g.offsets")));
    }

    @Test
    void describeShowsMembersLanesAndLag() throws Exception {
        open(2, 2);
        List<String> keys = keys(10);
        appendRounds(keys, 3);
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        GroupMember member = join(GroupRequest.of("g", "t").withMemberId("a").from(StartPosition.earliest()), a);
        await(() -> a.size() == 30, "delivered");
        member.commit();
        appendRounds(keys, 2);
        await(() -> a.size() == 50, "delivered");
        GroupDescription description = groups.describe("g").orElseThrow();
        assertEquals("t", description.topic());
        assertEquals(2, description.lanesPerShard());
        assertEquals(List.of("0.0", "0.1", "1.0", "1.1"), description.members().get(0).lanes());
        assertEquals(50, description.members().get(0).delivered());
        assertEquals(4, description.lanes().size());
        for (GroupDescription.Lane lane : description.lanes()) {
            assertEquals("a", lane.owner());
        }
        assertEquals(10, description.streams().size());
        Map<String, GroupDescription.StreamLag> byKey = new HashMap<>();
        for (GroupDescription.StreamLag stream : description.streams()) {
            byKey.put(stream.key(), stream);
        }
        for (String key : keys) {
            GroupDescription.StreamLag stream = byKey.get(key);
            assertEquals(3, stream.committedOffset(), key);
            assertEquals(5, stream.endOffset());
            assertEquals(2, stream.lag());
            assertEquals(fixture.shardOf(key) + "." + Lanes.of(key, 2), stream.lane());
        }
        assertEquals(20, description.totalLag());
    }

    @Test
    void latestStartIsRememberedWhenALaneMovesBeforeAnyCommit() throws Exception {
        open(1, 2);
        List<String> keys = keys(10);
        appendRounds(keys, 2);
        MessageHandlerRecorder a = new MessageHandlerRecorder();
        MessageHandlerRecorder b = new MessageHandlerRecorder();
        GroupMember first = join(GroupRequest.of("g", "t").withMemberId("a").from(StartPosition.latest()), a);
        pause(30);
        Set<String> appended = appendRounds(keys, 1);
        await(() -> a.size() == 10, "the first member gets what came after it joined");
        join(GroupRequest.of("g", "t").withMemberId("b").from(StartPosition.latest()), b);
        await(() -> unionCovers(appended, a, b), "delivered");
        pause(30);
        assertEquals(appended, a.idSet(), "nothing from before the first join");
        assertTrue(appended.containsAll(b.idSet()), "the moved lane restarts where the group started it, not at a new latest: " + b.ids());
        assertFalse(b.ids().isEmpty(), "the moved lane is delivered again (nothing was committed)");
        first.close();
    }
}
