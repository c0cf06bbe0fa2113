package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.MessageHeaders;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.Subscriptions.Kind;
import io.memorystreamer.client.protocol.Subscriptions.StartKind;
import io.memorystreamer.client.protocol.TopicAdmin;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import io.memorystreamer.multiplexing.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every operation of the protocol against a real broker over loopback, as a client sees it. */
class TransportOperationsTest extends TransportFixture {
    private static final long UNLIMITED = Long.MAX_VALUE / 2;

    @Test
    void handshakeAnnouncesVersionAndLimitsAndMetadataRepeatsThem() throws Exception {
        start(s -> s.withMaxInFlight(77));
        TestClient client = connect();
        Handshake.HelloOk ok = client.hello();
        assertEquals(1, ok.version());
        assertEquals("test", ok.brokerVersion());
        assertEquals(Protocol.DEFAULT_MAX_FRAME_BYTES, ok.maxFrameBytes());
        assertEquals(77, ok.maxInFlight());
        createTopic(client, "one", 1, Durability.NONE, 0);
        Handshake.MetadataOk metadata = client.ok(new FrameBody.Empty(Protocol.METADATA));
        assertEquals(1, metadata.minVersion());
        assertEquals(1, metadata.maxVersion());
        assertEquals(77, metadata.maxInFlight());
        assertEquals(1024 * 1024, metadata.maxMessageBytesDefault());
        assertEquals(1, metadata.topicCount());
    }

    @Test
    void topicAdministration() throws Exception {
        start();
        TestClient client = session();
        TopicAdmin.TopicInfo created = client.<TopicAdmin.TopicsInfo>ok(new TopicAdmin.CreateTopic("orders", 4, Durability.SYNC, 60_000, 1 << 20, 4096))
                .topics().get(0);
        assertEquals(new TopicAdmin.TopicInfo("orders", 4, Durability.SYNC, 60_000, 1 << 20, 4096, 0, created.bytesOnDisk()), created);
        client.error(new TopicAdmin.CreateTopic("orders", 1, Durability.BATCH, 0, 0, 0), ProtocolError.TOPIC_EXISTS);
        client.error(new TopicAdmin.CreateTopic("bad name!", 1, Durability.BATCH, 0, 0, 0), ProtocolError.INVALID_REQUEST);
        client.error(new TopicAdmin.CreateTopic("zero", 0, Durability.BATCH, 0, 0, 0), ProtocolError.INVALID_REQUEST);
        client.error(new TopicAdmin.CreateTopic("negative", 1, Durability.BATCH, -5, 0, 0), ProtocolError.INVALID_REQUEST);
        client.error(new TopicAdmin.CreateTopic("huge", 1, Durability.BATCH, 0, 0, 1 << 30), ProtocolError.INVALID_REQUEST);
        createTopic(client, "audit", 1, Durability.BATCH, 0);

        TopicAdmin.TopicsInfo described = client.ok(new TopicAdmin.DescribeTopic("orders"));
        assertEquals("orders", described.topics().get(0).name());
        assertEquals(Durability.SYNC, described.topics().get(0).durability());
        client.error(new TopicAdmin.DescribeTopic("missing"), ProtocolError.UNKNOWN_TOPIC);

        TopicAdmin.TopicsInfo all = client.ok(new FrameBody.Empty(Protocol.LIST_TOPICS));
        assertEquals(List.of("audit", "orders"), all.topics().stream().map(TopicAdmin.TopicInfo::name).collect(Collectors.toList()));
        assertEquals(1024 * 1024, all.topics().get(0).maxMessageBytes(), "a topic created with 0 gets the broker's default");

        assertTrue(client.<TopicAdmin.Deleted>ok(new TopicAdmin.DeleteTopic("orders")).existed());
        assertFalse(client.<TopicAdmin.Deleted>ok(new TopicAdmin.DeleteTopic("orders")).existed());
        assertTrue(broker.topic("orders").isEmpty());
    }

    @Test
    void produceIsAcknowledgedWithStreamOffsetsAndSubscribersGetTheMessages() throws Exception {
        start();
        TestClient producer = session();
        createTopic(producer, "events", 4, Durability.BATCH, 0);
        byte[] headers = MessageHeaders.encode(Map.of("trace", "abc"));
        Publishing.ProduceAck ack = producer.ok(produce("events", List.of(Out.of("a", "a0"), Out.of("b", "b0"), new Out(0, "a", headers, "a1"),
                Out.of("c/x", "c0"))));
        assertEquals(List.of(0L, 0L, 1L, 0L), ack.acks().stream().map(Publishing.Ack::streamOffset).collect(Collectors.toList()));
        assertTrue(ack.acks().stream().allMatch(a -> a.status() == Publishing.AckStatus.WRITTEN));
        Publishing.ProduceAck empty = producer.ok(produce("events", List.of()));
        assertEquals(0, empty.acks().size());

        TestClient consumer = session();
        consumer.ok(new Subscriptions.Subscribe(1, "events", Kind.TOPIC, "", StartKind.EARLIEST, 0, UNLIMITED));
        List<TestClient.Message> all = consumer.receive(4);
        assertEquals(List.of("a@0=a0", "a@1=a1", "b@0=b0", "c/x@0=c0"),
                all.stream().map(Object::toString).sorted().collect(Collectors.toList()));
        TestClient.Message withHeaders = all.stream().filter(m -> m.payload().equals("a1")).findFirst().orElseThrow();
        assertEquals(Map.of("trace", "abc"), MessageHeaders.decode(withHeaders.headers()));
        assertTrue(withHeaders.timestamp() > 0);

        consumer.ok(new Subscriptions.Subscribe(2, "events", Kind.STREAM, "a", StartKind.OFFSET, 1, UNLIMITED));
        assertEquals("[a@1=a1]", consumer.receive(1).toString());
        consumer.ok(new Subscriptions.Subscribe(3, "events", Kind.PATTERN, "c/*", StartKind.EARLIEST, 0, UNLIMITED));
        assertEquals("[c/x@0=c0]", consumer.receive(1).toString());
        consumer.ok(new Subscriptions.Subscribe(4, "events", Kind.TOPIC, "", StartKind.LATEST, 0, UNLIMITED));
        Thread.sleep(200);
        producer.ok(produce("events", List.of(Out.of("d", "live"))));
        List<TestClient.Message> live = consumer.receive(2);
        assertEquals(List.of(1, 4), live.stream().map(TestClient.Message::subscriptionId).sorted().collect(Collectors.toList()));
        assertNull(consumer.pollPush(Duration.ofMillis(200)));

        assertEquals(new Subscriptions.Unsubscribed(4), consumer.ok(new Subscriptions.Unsubscribe(4)));
        consumer.error(new Subscriptions.Unsubscribe(4), ProtocolError.UNKNOWN_SUBSCRIPTION);
        consumer.error(new Subscriptions.Subscribe(1, "events", Kind.TOPIC, "", StartKind.EARLIEST, 0, 0), ProtocolError.INVALID_REQUEST);
        consumer.error(new Subscriptions.Subscribe(9, "nope", Kind.TOPIC, "", StartKind.EARLIEST, 0, 0), ProtocolError.UNKNOWN_TOPIC);
        consumer.error(new Subscriptions.Subscribe(9, "events", Kind.STREAM, "", StartKind.EARLIEST, 0, 0), ProtocolError.INVALID_REQUEST);
        consumer.error(new Subscriptions.Subscribe(9, "events", Kind.TOPIC, "x", StartKind.EARLIEST, 0, 0), ProtocolError.INVALID_REQUEST);
        consumer.error(new Subscriptions.Subscribe(9, "events", Kind.PATTERN, "a/**/b", StartKind.EARLIEST, 0, 0), ProtocolError.INVALID_REQUEST);
        consumer.error(new Subscriptions.Subscribe(9, "events", Kind.TOPIC, "", StartKind.OFFSET, -1, 0), ProtocolError.INVALID_REQUEST);
        consumer.error(new Subscriptions.Subscribe(9, "events", Kind.TOPIC, "", StartKind.EARLIEST, 0, -1), ProtocolError.INVALID_REQUEST);
    }

    @Test
    void creditLimitsWhatIsPushed() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "credit", 1, Durability.NONE, 0);
        List<Out> messages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            messages.add(Out.of("k", "m" + i));
        }
        client.ok(produce("credit", messages));
        client.ok(new Subscriptions.Subscribe(7, "credit", Kind.STREAM, "k", StartKind.EARLIEST, 0, 0));
        assertNull(client.pollPush(Duration.ofMillis(300)), "nothing is pushed without credit");
        client.sendNoAnswer(new Subscriptions.Credit(7, 3));
        assertEquals("[k@0=m0, k@1=m1, k@2=m2]", client.receive(3).toString());
        assertNull(client.pollPush(Duration.ofMillis(300)), "no more than the credit");
        client.sendNoAnswer(new Subscriptions.Credit(7, 2));
        assertEquals("[k@3=m3, k@4=m4]", client.receive(2).toString());
        assertNull(client.pollPush(Duration.ofMillis(300)));

        long unknown = client.sendNoAnswer(new Subscriptions.Credit(8, 1));
        TestClient.Reply error = client.nextOrphan();
        assertEquals(unknown, error.correlationId());
        assertEquals(ProtocolError.UNKNOWN_SUBSCRIPTION.code(), error.error().code());
        long zero = client.sendNoAnswer(new Subscriptions.Credit(7, 0));
        error = client.nextOrphan();
        assertEquals(zero, error.correlationId());
        assertEquals(ProtocolError.INVALID_REQUEST.code(), error.error().code());
        assertTrue(client.isOpen(), "a failed CREDIT does not close the connection");
        client.sendNoAnswer(new Subscriptions.Credit(7, UNLIMITED));
        assertEquals("[k@5=m5, k@6=m6, k@7=m7, k@8=m8, k@9=m9]", client.receive(5).toString());
    }

    @Test
    void consumerGroupJoinHeartbeatCommitAssignmentAndLeave() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "jobs", 2, Durability.BATCH, 0);
        List<Out> messages = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            messages.add(Out.of("job-" + i, "p" + i));
        }
        admin.ok(produce("jobs", messages));

        TestClient first = session();
        Groups.Joined joined = first.ok(new Groups.JoinGroup(11, "workers", "jobs", "w1", StartKind.EARLIEST, 0, 10_000, UNLIMITED));
        assertEquals("w1", joined.memberId());
        assertEquals(16, joined.lanes().size(), "2 shards of 8 lanes, all to the only member");
        assertEquals(40, first.receive(40).size());
        assertEquals(new FrameBody.Empty(Protocol.OK), first.ok(new Groups.Heartbeat(11)));
        assertEquals(new FrameBody.Empty(Protocol.OK), first.ok(new Groups.Commit(11)));
        first.error(new Groups.Heartbeat(12), ProtocolError.UNKNOWN_SUBSCRIPTION);
        first.ok(new Subscriptions.Subscribe(13, "jobs", Kind.TOPIC, "", StartKind.LATEST, 0, 0));
        first.error(new Groups.Heartbeat(13), ProtocolError.INVALID_REQUEST);
        first.error(new Groups.Commit(13), ProtocolError.INVALID_REQUEST);
        first.error(new Groups.LeaveGroup(13), ProtocolError.INVALID_REQUEST);
        first.error(new Groups.JoinGroup(14, "workers", "jobs", "", StartKind.EARLIEST, 0, 5, 0), ProtocolError.INVALID_REQUEST);
        first.error(new Groups.JoinGroup(14, "workers", "nope", "", StartKind.EARLIEST, 0, 10_000, 0), ProtocolError.UNKNOWN_TOPIC);

        TestClient second = session();
        Groups.Joined other = second.ok(new Groups.JoinGroup(21, "workers", "jobs", "", StartKind.EARLIEST, 0, 10_000, UNLIMITED));
        assertFalse(other.memberId().isEmpty(), "the broker names a member that did not name itself");
        TestClient.Reply assignment = first.nextPush();
        assertEquals(Protocol.ASSIGNMENT, assignment.type());
        Groups.Assignment lanes = (Groups.Assignment) assignment.body();
        assertEquals(11, lanes.subscriptionId());
        assertEquals(16, lanes.lanes().size() + other.lanes().size(), "the lanes are shared out: " + lanes + " / " + other);

        admin.ok(produce("jobs", List.of(Out.of("job-1", "again"))));
        assertEquals(new FrameBody.Empty(Protocol.OK), second.ok(new Groups.LeaveGroup(21)));
        second.error(new Groups.LeaveGroup(21), ProtocolError.UNKNOWN_SUBSCRIPTION);
        assertEquals(new Subscriptions.Unsubscribed(11), first.ok(new Subscriptions.Unsubscribe(11)), "UNSUBSCRIBE ends a membership too");
        first.error(new Groups.Heartbeat(11), ProtocolError.UNKNOWN_SUBSCRIPTION);
    }

    @Test
    void aCommitOfExplicitPositionsIsWhereTheNextMemberResumes() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "tasks", 2, Durability.BATCH, 0);
        List<Out> messages = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            messages.add(Out.of("key-" + (i % 11), "t" + i));
        }
        admin.ok(produce("tasks", messages));

        TestClient first = session();
        first.ok(new Groups.JoinGroup(1, "crew", "tasks", "a", StartKind.EARLIEST, 0, 10_000, UNLIMITED));
        List<TestClient.Message> received = first.receive(60);
        for (TestClient.Message m : received) {
            assertTrue(m.lane() >= 0 && m.framePosition() >= 0 && m.indexInFrame() >= 0, m::toString);
        }
        int k = 23;
        assertEquals(new FrameBody.Empty(Protocol.OK), first.ok(new Groups.Commit(1, List.of())), "an empty commit commits nothing");
        assertEquals(new FrameBody.Empty(Protocol.OK), first.ok(new Groups.Commit(1, after(received.subList(0, k)))));
        first.close();

        TestClient second = session();
        second.ok(new Groups.JoinGroup(2, "crew", "tasks", "b", StartKind.EARLIEST, 0, 10_000, UNLIMITED));
        List<TestClient.Message> redelivered = receiveMessages(second, 60 - k);
        assertEquals(payloads(received.subList(k, 60)), payloads(redelivered),
                "exactly what follows the committed positions: nothing skipped, nothing before them");
        assertNoMessages(second);

        // A position beyond what was delivered is cut back to it.
        admin.ok(produce("tasks", List.of(Out.of("key-0", "late"))));
        TestClient.Message late = receiveMessages(second, 1).get(0);
        List<TestClient.Message> all = new ArrayList<>(redelivered);
        List<Groups.Position> positions = new ArrayList<>(after(all));
        positions.add(new Groups.Position(late.lane(), Long.MAX_VALUE / 2, 0));
        second.ok(new Groups.Commit(2, positions));
        second.close();
        TestClient third = session();
        third.ok(new Groups.JoinGroup(3, "crew", "tasks", "c", StartKind.EARLIEST, 0, 10_000, UNLIMITED));
        assertNoMessages(third);
        admin.ok(produce("tasks", List.of(Out.of("key-0", "later"))));
        assertEquals("later", receiveMessages(third, 1).get(0).payload(), "the commit far ahead was cut back to what was delivered");
    }

    /** @return per lane, the position after the last of these messages */
    private static List<Groups.Position> after(List<TestClient.Message> messages) {
        Map<Integer, Groups.Position> positions = new java.util.LinkedHashMap<>();
        for (TestClient.Message m : messages) {
            positions.put(m.lane(), new Groups.Position(m.lane(), m.framePosition(), m.indexInFrame() + 1));
        }
        return new ArrayList<>(positions.values());
    }

    private static List<String> payloads(List<TestClient.Message> messages) {
        return messages.stream().map(TestClient.Message::payload).sorted().collect(Collectors.toList());
    }

    /** Receives {@code count} messages, skipping ASSIGNMENT pushes (members come and go). */
    private static List<TestClient.Message> receiveMessages(TestClient client, int count) throws InterruptedException {
        List<TestClient.Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + TestClient.WAIT.toNanos();
        while (got.size() < count) {
            TestClient.Reply reply = client.pollPush(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            assertTrue(reply != null, "only " + got.size() + " of " + count + " messages arrived: " + got);
            if (reply.type() == Protocol.MESSAGES) {
                got.addAll(reply.messages());
            } else {
                assertEquals(Protocol.ASSIGNMENT, reply.type(), () -> "unexpected push " + reply.body());
            }
        }
        assertEquals(count, got.size(), () -> "more messages than expected: " + got);
        return got;
    }

    private static void assertNoMessages(TestClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(400).toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TestClient.Reply reply = client.pollPush(Duration.ofNanos(left));
            if (reply != null && reply.type() != Protocol.ASSIGNMENT) {
                throw new AssertionError("expected no messages, got " + reply.type() + " " + reply.messages());
            }
        }
    }

    @Test
    void aMemberIdTheBrokerRemovedJoinsAgainAsANewMember() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "ids", 1, Durability.NONE, 0);
        TestClient client = session();
        assertEquals("again", client.<Groups.Joined>ok(new Groups.JoinGroup(1, "g", "ids", "again", StartKind.EARLIEST, 0, 200, 10)).memberId());
        TestClient.Reply ended = client.nextPush();
        assertEquals(Protocol.SUBSCRIPTION_ENDED, ended.type(), () -> "removed for its silence: " + ended.body());
        assertEquals(ProtocolError.UNKNOWN_MEMBER.code(), ((Subscriptions.SubscriptionEnded) ended.body()).code());
        Groups.Joined rejoined = client.ok(new Groups.JoinGroup(2, "g", "ids", "again", StartKind.EARLIEST, 0, 10_000, 10));
        assertEquals("again", rejoined.memberId(), "the removed member's id is accepted as a new join");
        assertEquals(8, rejoined.lanes().size());
        assertEquals(new FrameBody.Empty(Protocol.OK), client.ok(new Groups.LeaveGroup(2)));
        Groups.Joined afterLeave = client.ok(new Groups.JoinGroup(1, "g", "ids", "again", StartKind.EARLIEST, 0, 10_000, 10));
        assertEquals("again", afterLeave.memberId(), "and so is the id of a member that left");
        assertEquals(new FrameBody.Empty(Protocol.OK), client.ok(new Groups.Heartbeat(1)));
    }

    @Test
    void aMemberThatStopsHeartbeatingIsEndedAndADeletedTopicEndsItsSubscriptions() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "short", 1, Durability.NONE, 0);
        client.ok(new Groups.JoinGroup(5, "g", "short", "", StartKind.EARLIEST, 0, 300, UNLIMITED));
        TestClient.Reply ended = client.nextPush();
        assertEquals(Protocol.SUBSCRIPTION_ENDED, ended.type());
        Subscriptions.SubscriptionEnded end = (Subscriptions.SubscriptionEnded) ended.body();
        assertEquals(5, end.subscriptionId());
        assertEquals(ProtocolError.UNKNOWN_MEMBER.code(), end.code(), end.message());
        client.error(new Groups.Heartbeat(5), ProtocolError.UNKNOWN_SUBSCRIPTION);

        client.ok(new Subscriptions.Subscribe(6, "short", Kind.TOPIC, "", StartKind.EARLIEST, 0, UNLIMITED));
        TestClient other = session();
        other.ok(new TopicAdmin.DeleteTopic("short"));
        ended = client.nextPush();
        end = (Subscriptions.SubscriptionEnded) ended.body();
        assertEquals(6, end.subscriptionId());
        assertEquals(ProtocolError.CLOSED.code(), end.code(), end.message());
        client.error(new Subscriptions.Subscribe(6, "short", Kind.TOPIC, "", StartKind.EARLIEST, 0, 0), ProtocolError.UNKNOWN_TOPIC);
    }

    @Test
    void aMessageTooLargeForAFrameEndsTheSubscription() throws Exception {
        start(s -> s.withMaxFrameBytes(1024 * 1024));
        broker.createTopic(TopicSettings.builder("big").maxMessageSize(2 * 1024 * 1024).build());
        try (Publisher publisher = broker.publisher(null)) {
            publisher.send("big", "k", null, "small".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5)).get();
            publisher.send("big", "k", null, new byte[1536 * 1024], Duration.ofSeconds(5)).get();
        }
        TestClient client = session();
        client.ok(new Subscriptions.Subscribe(3, "big", Kind.STREAM, "k", StartKind.EARLIEST, 0, UNLIMITED));
        assertEquals("[k@0=small]", client.receive(1).toString());
        TestClient.Reply ended = client.nextPush();
        assertEquals(Protocol.SUBSCRIPTION_ENDED, ended.type(), () -> ended.body().toString());
        Subscriptions.SubscriptionEnded end = (Subscriptions.SubscriptionEnded) ended.body();
        assertEquals(3, end.subscriptionId());
        assertEquals(ProtocolError.MESSAGE_TOO_LARGE.code(), end.code(), end.message());
        client.error(new Subscriptions.Unsubscribe(3), ProtocolError.UNKNOWN_SUBSCRIPTION);
        assertTrue(client.isOpen());
    }
}
