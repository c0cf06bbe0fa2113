package io.memorystreamer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import io.memorystreamer.client.protocol.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The consumer: poll and listener, credit, resubscription after a restart, groups. */
class ConsumerTest {

    static {
        Leaks.install();
    }

    @org.junit.jupiter.api.BeforeAll
    static void forgetEarlierLeaks() {
        Leaks.clear();
    }

    @org.junit.jupiter.api.AfterAll
    static void nothingLeaked() throws InterruptedException {
        List<String> leaks = Leaks.collect();
        org.junit.jupiter.api.Assertions.assertTrue(leaks.isEmpty(), "Netty reported leaks: " + leaks);
    }
    private FakeBroker broker;
    private MemoryStreamerClient client;

    @BeforeEach
    void start() {
        broker = new FakeBroker();
        broker.createTopic("orders", 2);
        client = MemoryStreamerClient.connect(broker.config().build());
    }

    @AfterEach
    void stop() {
        client.close();
        broker.close();
    }

    private static String text(ConsumerRecord record) {
        return new String(record.payload(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord> pollUntil(Consumer consumer, int count) {
        List<ConsumerRecord> all = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (all.size() < count && System.nanoTime() < deadline) {
            all.addAll(consumer.poll(Duration.ofMillis(50)));
        }
        return all;
    }

    private List<Subscriptions.Subscribe> subscribes() {
        List<Subscriptions.Subscribe> result = new ArrayList<>();
        for (FakeBroker.Request request : broker.requests(Protocol.SUBSCRIBE)) {
            result.add((Subscriptions.Subscribe) request.body());
        }
        return result;
    }

    @Test
    void pollReturnsRecordsCopiedOutOfTheirFrames() throws Exception {
        client.producer().send("orders", "a", Map.of("h", "v"), "one".getBytes(StandardCharsets.UTF_8)).get();
        broker.append("orders", "b", "two");
        try (Consumer consumer = client.consumer(ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).build())) {
            List<ConsumerRecord> records = pollUntil(consumer, 2);
            assertEquals(2, records.size());
            ConsumerRecord first = records.get(0);
            assertEquals("orders", first.topic());
            assertEquals("a", first.key());
            assertEquals(0, first.streamOffset());
            assertEquals("one", text(first));
            assertEquals(Map.of("h", "v"), first.headers());
            assertEquals(broker.log("orders").get(0).shard(), first.shard());
            assertTrue(first.timestamp() > 0);
            assertEquals("two", text(records.get(1)));
            assertTrue(consumer.isActive());
            assertTrue(consumer.poll(Duration.ZERO).isEmpty());
        }
        assertEquals(1, broker.requests(Protocol.UNSUBSCRIBE).size(), "close ends the subscription");
        assertTrue(broker.openSubscriptions().isEmpty());
    }

    @Test
    void aListenerGetsRecordsOnItsOwnThread() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (Consumer consumer = client.consumer(ConsumerConfig.stream("orders", "a").startAt(StartPosition.earliest())
                .listener(record -> seen.add(Thread.currentThread().getName() + " " + text(record))).build())) {
            broker.append("orders", "a", "x");
            broker.append("orders", "b", "not mine");
            broker.append("orders", "a", "y");
            String first = seen.poll(5, TimeUnit.SECONDS);
            String second = seen.poll(5, TimeUnit.SECONDS);
            assertTrue(first.endsWith("delivery x"), first);
            assertTrue(second.endsWith("delivery y"), second);
            assertFalse(first.contains("-io"), "never the event loop");
            assertThrows(IllegalStateException.class, () -> consumer.poll(Duration.ZERO));
        }
    }

    @Test
    void creditNeverExceedsTheWindowAndFollowsTheApplication() {
        for (int i = 0; i < 50; i++) {
            broker.append("orders", "k", "m" + i);
        }
        try (Consumer consumer = client.consumer(ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).maxBuffered(10).maxPollRecords(5)
                .build())) {
            int id = Eventually.value("the subscription", () -> broker.openSubscriptions().isEmpty() ? null : broker.openSubscriptions().get(0));
            Eventually.until("the window is pushed", () -> broker.grantedAndPushed(id)[1] == 10);
            sleep(100);
            assertEquals(10, broker.grantedAndPushed(id)[1], "nothing more without the application");
            assertEquals(10, consumer.buffered());
            List<String> received = new ArrayList<>();
            long consumedByApplication = 0;
            while (received.size() < 50) {
                List<ConsumerRecord> polled = consumer.poll(Duration.ofSeconds(2));
                consumedByApplication = received.size();
                for (ConsumerRecord record : polled) {
                    received.add(text(record));
                }
                long[] state = broker.grantedAndPushed(id);
                assertTrue(state[0] <= 10 + consumedByApplication, "granted " + state[0] + " after consuming " + consumedByApplication);
                assertTrue(polled.size() <= 5);
            }
            for (int i = 0; i < 50; i++) {
                assertEquals("m" + i, received.get(i));
            }
        }
    }

    @Test
    void aStreamSubscriptionResumesAfterTheLastOffsetWhenTheBrokerRestarts() {
        try (Consumer consumer = client.consumer(ConsumerConfig.stream("orders", "a").startAt(StartPosition.earliest()).build())) {
            for (int i = 0; i < 3; i++) {
                broker.append("orders", "a", "m" + i);
            }
            assertEquals(3, pollUntil(consumer, 3).size());
            broker.restart();
            Eventually.until("resubscribed", () -> subscribes().size() == 2 && consumer.isActive());
            Subscriptions.Subscribe again = subscribes().get(1);
            assertEquals(Subscriptions.StartKind.OFFSET, again.startKind());
            assertEquals(3, again.startValue());
            for (int i = 3; i < 6; i++) {
                broker.append("orders", "a", "m" + i);
            }
            List<ConsumerRecord> after = pollUntil(consumer, 3);
            assertEquals(List.of(3L, 4L, 5L), after.stream().map(ConsumerRecord::streamOffset).toList());
        }
    }

    @Test
    void aTopicSubscriptionResumesByTimestampAndDropsWhatItHad() {
        // Keys that land on both shards of the topic.
        List<String> keys = List.of("a", "b", "c", "d");
        try (Consumer consumer = client.consumer(ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).build())) {
            for (String key : keys) {
                broker.append("orders", key, key + "0");
            }
            assertEquals(4, pollUntil(consumer, 4).size());
            assertEquals(2, broker.log("orders").stream().map(FakeBroker.Stored::shard).distinct().count(), "both shards delivered");
            broker.restart();
            Eventually.until("resubscribed", () -> subscribes().size() == 2 && consumer.isActive());
            Subscriptions.Subscribe again = subscribes().get(1);
            assertEquals(Subscriptions.StartKind.TIMESTAMP, again.startKind());
            assertEquals(1, broker.requests(Protocol.DESCRIBE_TOPIC).size(), "asked for the shard count");
            for (String key : keys) {
                broker.append("orders", key, key + "1");
            }
            List<ConsumerRecord> after = pollUntil(consumer, 4);
            sleep(100);
            after.addAll(consumer.poll(Duration.ZERO));
            assertEquals(List.of("a1", "b1", "c1", "d1"), after.stream().map(ConsumerTest::text).toList(), "the overlap is dropped");
        }
    }

    @Test
    void aLatestSubscriptionDoesNotLoseWhatWasPublishedWhileDisconnected() {
        try (Consumer consumer = client.consumer(ConsumerConfig.topic("orders").build())) {
            broker.stop();
            Eventually.until("disconnected", () -> !consumer.isActive());
            broker.append("orders", "a", "while down");
            broker.startAgain();
            List<ConsumerRecord> records = pollUntil(consumer, 1);
            assertEquals(List.of("while down"), records.stream().map(ConsumerTest::text).toList());
            assertEquals(Subscriptions.StartKind.TIMESTAMP, subscribes().get(1).startKind());
        }
    }

    @Test
    void aSubscriptionTheBrokerEndsFailsThePollAfterItsRecords() throws Exception {
        CompletableFuture<ClientException> ended = new CompletableFuture<>();
        try (Consumer polled = client.consumer(ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).build());
                Consumer listened = client.consumer(ConsumerConfig.topic("orders").startAt(StartPosition.earliest()).listener(new RecordListener() {
                    @Override
                    public void onRecord(ConsumerRecord record) {
                    }

                    @Override
                    public void onEnd(ClientException reason) {
                        ended.complete(reason);
                    }
                }).build())) {
            broker.append("orders", "a", "last");
            Eventually.until("delivered", () -> polled.buffered() == 1);
            client.admin().deleteTopic("orders");
            assertEquals("last", text(pollUntil(polled, 1).get(0)));
            ClientException e = assertThrows(ClientException.class, () -> polled.poll(Duration.ofSeconds(1)));
            assertEquals(ProtocolError.CLOSED.code(), e.code());
            assertFalse(polled.isActive());
            assertEquals(ProtocolError.CLOSED.code(), ended.get(5, TimeUnit.SECONDS).code());
            assertFalse(listened.isActive());
        }
    }

    @Test
    void aPatternSubscriptionGetsTheMatchingStreamsFromAnOffset() {
        broker.append("orders", "eu/1", "eu1-0");
        broker.append("orders", "us/1", "us1-0");
        broker.append("orders", "eu/2", "eu2-0");
        broker.append("orders", "eu/1", "eu1-1");
        try (Consumer consumer = client.consumer(ConsumerConfig.pattern("orders", "eu/*").startAt(StartPosition.offset(1)).build())) {
            assertEquals(List.of("eu1-1"), pollUntil(consumer, 1).stream().map(ConsumerTest::text).toList());
            broker.append("orders", "eu/2", "eu2-1");
            assertEquals(List.of("eu2-1"), pollUntil(consumer, 1).stream().map(ConsumerTest::text).toList());
        }
        Subscriptions.Subscribe subscribe = subscribes().get(0);
        assertEquals(Subscriptions.Kind.PATTERN, subscribe.kind());
        assertEquals("eu/*", subscribe.keyOrPattern());
        assertEquals(Subscriptions.StartKind.OFFSET, subscribe.startKind());
        assertEquals(1000, subscribe.initialCredit(), "the default window");
    }

    @Test
    void subscribingToAnUnknownTopicFails() {
        ClientException e = assertThrows(ClientException.class, () -> client.consumer(ConsumerConfig.topic("nope").build()));
        assertEquals(ProtocolError.UNKNOWN_TOPIC.code(), e.code());
    }

    @Test
    void aGroupMemberHeartbeatsEveryThirdOfItsSessionTimeout() {
        try (Consumer member = client.consumer(ConsumerConfig.group("billing", "orders").sessionTimeout(Duration.ofMillis(300)).build())) {
            assertEquals("member-1", member.memberId());
            assertEquals(List.of("0.0"), member.assignedLanes());
            sleep(650);
            List<FakeBroker.Request> beats = broker.requests(Protocol.HEARTBEAT);
            assertTrue(beats.size() >= 4 && beats.size() <= 8, beats.size() + " heartbeats in 650 ms");
            long gaps = 0;
            for (int i = 1; i < beats.size(); i++) {
                long gap = (beats.get(i).nanoTime() - beats.get(i - 1).nanoTime()) / 1_000_000;
                assertTrue(gap >= 20 && gap <= 250, "a heartbeat " + gap + " ms after the last");
                gaps += gap;
            }
            long mean = gaps / (beats.size() - 1);
            assertTrue(mean >= 80 && mean <= 130, "heartbeats every " + mean + " ms (a third of 300 ms)");
        }
        assertEquals(1, broker.requests(Protocol.LEAVE_GROUP).size());
    }

    @Test
    void aGroupMemberCommitsAndRejoinsWithItsIdAfterARestart() {
        for (int i = 0; i < 5; i++) {
            broker.append("orders", "k", "m" + i);
        }
        try (Consumer member = client.consumer(ConsumerConfig.group("billing", "orders").startAt(StartPosition.earliest()).autoCommit(false).build())) {
            assertEquals(5, pollUntil(member, 5).size());
            member.commit();
            assertEquals(5, broker.groupCommit("billing"));
            broker.restart();
            Eventually.until("joined again", () -> broker.requests(Protocol.JOIN_GROUP).size() == 2 && member.isActive());
            Groups.JoinGroup again = (Groups.JoinGroup) broker.requests(Protocol.JOIN_GROUP).get(1).body();
            assertEquals(member.memberId(), again.memberId(), "the broker's id, kept");
            broker.append("orders", "k", "m5");
            assertEquals(List.of("m5"), pollUntil(member, 1).stream().map(ConsumerTest::text).toList(), "from the commit");
            assertThrows(IllegalStateException.class, () -> {
                try (Consumer plain = client.consumer(ConsumerConfig.topic("orders").build())) {
                    plain.commit();
                }
            });
        }
    }

    @Test
    void autoCommitCoversWhatTheApplicationConsumed() throws Exception {
        for (int i = 0; i < 6; i++) {
            broker.append("orders", "k", "m" + i);
        }
        try (Consumer member = client.consumer(ConsumerConfig.group("audit", "orders").startAt(StartPosition.earliest())
                .autoCommitInterval(Duration.ofMillis(20)).maxBuffered(4).maxPollRecords(4).build())) {
            List<ConsumerRecord> first = pollUntil(member, 4);
            assertEquals(4, first.size());
            sleep(100);
            assertNull(broker.groupCommit("audit"), "nothing is committed while the application holds what it polled");
            List<ConsumerRecord> second = pollUntil(member, 2);
            assertEquals(2, second.size());
            Eventually.until("the first poll's records are committed", () -> Integer.valueOf(4).equals(broker.groupCommit("audit")));
            member.poll(Duration.ofMillis(100));
            Eventually.until("the second poll's records are committed", () -> Integer.valueOf(6).equals(broker.groupCommit("audit")));
        }
    }

    @Test
    void aCommitCoversWhatWasConsumedNotWhatIsBuffered() throws Exception {
        for (int i = 0; i < 10; i++) {
            broker.append("orders", "k", "m" + i);
        }
        try (Consumer member = client.consumer(ConsumerConfig.group("exact", "orders").startAt(StartPosition.earliest()).autoCommit(false)
                .maxPollRecords(3).build())) {
            assertEquals(List.of("m0", "m1", "m2"), pollUntil(member, 3).stream().map(ConsumerTest::text).toList());
            Eventually.until("everything is received", () -> member.buffered() == 10);
            member.commit();
            assertEquals(3, broker.groupCommit("exact"), "what the last poll returned, not the 7 records still buffered");
            Groups.Commit sent = (Groups.Commit) broker.requests(Protocol.COMMIT).get(0).body();
            assertEquals(List.of(new Groups.Position(0, 2, 1)), sent.positions(), "the position after m2 in lane 0");
            assertEquals(3, pollUntil(member, 3).size());
            member.commitAsync().get(5, TimeUnit.SECONDS);
            assertEquals(6, broker.groupCommit("exact"));
            member.commit();
            assertEquals(List.of(), ((Groups.Commit) broker.requests(Protocol.COMMIT).get(2).body()).positions(),
                    "nothing consumed since the last commit: an empty commit");
            assertEquals(6, broker.groupCommit("exact"));
        }
    }

    @Test
    void aListenerRecordIsCommittedOnceTheListenerReturns() throws Exception {
        for (int i = 0; i < 6; i++) {
            broker.append("orders", "k", "m" + i);
        }
        CompletableFuture<Void> release = new CompletableFuture<>();
        BlockingQueue<String> started = new LinkedBlockingQueue<>();
        try (Consumer member = client.consumer(ConsumerConfig.group("listening", "orders").startAt(StartPosition.earliest()).autoCommit(false)
                .listener(record -> {
                    started.add(text(record));
                    if (text(record).equals("m4")) {
                        release.join();
                    }
                }).build())) {
            for (int i = 0; i <= 4; i++) {
                assertEquals("m" + i, started.poll(5, TimeUnit.SECONDS));
            }
            member.commit();
            assertEquals(4, broker.groupCommit("listening"), "m4 is still in the listener; m5 is only buffered");
            release.complete(null);
            assertEquals("m5", started.poll(5, TimeUnit.SECONDS));
            Eventually.until("m5 consumed", () -> member.buffered() == 0);
            member.commit();
            assertEquals(6, broker.groupCommit("listening"));
        }
    }

    @Test
    void aRemovedMemberJoinsAgain() {
        try (Consumer member = client.consumer(ConsumerConfig.group("billing", "orders").build())) {
            int id = broker.openSubscriptions().get(0);
            broker.endSubscription(id, ProtocolError.UNKNOWN_MEMBER, "missed its session timeout");
            Eventually.until("joined again", () -> broker.requests(Protocol.JOIN_GROUP).size() == 2 && member.isActive());
            member.commitAsync().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
