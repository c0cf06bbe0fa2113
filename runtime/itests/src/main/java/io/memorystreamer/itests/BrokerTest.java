package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.multiplexing.TopicSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

/**
 * The broker bundle in a real framework, through its service: publish and subscribe round trips
 * for every subscription kind and start position, a restart of the broker bundle that finds
 * topics, streams, offsets and committed positions intact, a consumer group whose membership
 * changes while messages flow, a subscriber that never grants credit, and bad input.
 */
@ExtendWith(BundleContextExtension.class)
class BrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @InjectBundleContext
    BundleContext context;

    private Broker broker() throws Exception {
        return Awaits.until(() -> {
            ServiceReference<Broker> reference = context.getServiceReference(Broker.class);
            return reference == null ? null : context.getService(reference);
        }, b -> b != null, "the Broker service is registered");
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    /** A handler that copies what it gets. */
    static final class Collector implements io.memorystreamer.broker.MessageHandler {
        final List<String> got = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onMessage(MessageView message) {
            got.add(message.keyAsString() + "@" + message.streamOffset() + "=" + message.payloadAsString());
        }

        List<String> awaitAtLeast(int count) throws Exception {
            return Awaits.until(() -> {
                synchronized (got) {
                    return new ArrayList<>(got);
                }
            }, list -> list.size() >= count, "at least " + count + " messages arrive");
        }
    }

    private static long send(Publisher publisher, String topic, String key, String text) throws Exception {
        return publisher.send(topic, key, null, text.getBytes(StandardCharsets.UTF_8), WAIT).get(30, TimeUnit.SECONDS).streamOffset();
    }

    @Test
    void everySubscriptionKindAndStartPositionRoundTrips() throws Exception {
        Broker broker = broker();
        String topic = unique("rt");
        broker.createTopic(TopicSettings.builder(topic).shardCount(3).durability("batch").build());
        try (Publisher publisher = broker.publisher(null)) {
            for (int i = 0; i < 4; i++) {
                send(publisher, topic, "orders/1", "a" + i);
                send(publisher, topic, "orders/2", "b" + i);
                send(publisher, topic, "other/3", "c" + i);
            }
            Thread.sleep(5); // a timestamp strictly after the first twelve
            long middle = System.currentTimeMillis();
            Thread.sleep(5);
            send(publisher, topic, "orders/1", "a4");
            send(publisher, topic, "other/3", "c4");

            Collector stream = new Collector();
            Collector whole = new Collector();
            Collector pattern = new Collector();
            Collector fromOffset = new Collector();
            Collector fromTime = new Collector();
            Collector latest = new Collector();
            List<Subscription> subscriptions = List.of(
                    broker.subscribe(SubscriptionRequest.stream(topic, "orders/1"), stream),
                    broker.subscribe(SubscriptionRequest.topic(topic), whole),
                    broker.subscribe(SubscriptionRequest.pattern(topic, "orders/*"), pattern),
                    broker.subscribe(SubscriptionRequest.stream(topic, "orders/2").from(StartPosition.offset(2)), fromOffset),
                    broker.subscribe(SubscriptionRequest.topic(topic).from(StartPosition.timestamp(middle)), fromTime),
                    broker.subscribe(SubscriptionRequest.stream(topic, "orders/1").from(StartPosition.latest()), latest));
            try {
                assertEquals(List.of("orders/1@0=a0", "orders/1@1=a1", "orders/1@2=a2", "orders/1@3=a3", "orders/1@4=a4"), stream.awaitAtLeast(5));
                assertEquals(14, whole.awaitAtLeast(14).size());
                List<String> orders = pattern.awaitAtLeast(9);
                assertTrue(orders.stream().allMatch(m -> m.startsWith("orders/")), orders.toString());
                assertEquals(List.of("orders/2@2=b2", "orders/2@3=b3"), fromOffset.awaitAtLeast(2));
                assertEquals(Set.of("orders/1@4=a4", "other/3@4=c4"), new HashSet<>(fromTime.awaitAtLeast(2)));
                send(publisher, topic, "orders/1", "a5");
                assertEquals(List.of("orders/1@5=a5"), latest.awaitAtLeast(1));
                Thread.sleep(200);
                assertEquals(6, stream.got.size(), "nothing is delivered twice");
                assertEquals(15, whole.got.size());
                assertEquals(3, fromTime.got.size(), "what came after the timestamp, a5 included");
            } finally {
                subscriptions.forEach(Subscription::close);
            }
        }
        assertTrue(broker.deleteTopic(topic));
    }

    @Test
    void restartingTheBrokerKeepsTopicsStreamsOffsetsAndCommits() throws Exception {
        Broker broker = broker();
        String topic = unique("keep");
        String group = unique("keepers");
        broker.createTopic(TopicSettings.builder(topic).shardCount(2).durability("sync").retentionAge(Duration.ofDays(1)).build());
        try (Publisher publisher = broker.publisher(null)) {
            for (int i = 0; i < 10; i++) {
                send(publisher, topic, "k" + (i % 2), "m" + i);
            }
        }
        Collector first = new Collector();
        try (GroupMember member = broker.joinGroup(GroupRequest.of(group, topic), first)) {
            first.awaitAtLeast(10);
            member.commit();
        }
        Bundle bundle = brokerBundle();
        bundle.stop();
        bundle.start();
        Broker again = broker();
        assertEquals(Duration.ofDays(1), again.topic(topic).orElseThrow().settings().retentionAge());
        Map<String, Long> next = new HashMap<>();
        for (StreamDescription stream : again.streams(topic, null, 10)) {
            next.put(stream.key(), stream.nextOffset());
        }
        assertEquals(Map.of("k0", 5L, "k1", 5L), next);
        GroupDescription described = again.group(group).orElseThrow();
        assertEquals(0, described.totalLag(), described.toString());
        try (Publisher publisher = again.publisher(null)) {
            assertEquals(5, send(publisher, topic, "k1", "m10"));
        }
        Collector second = new Collector();
        try (GroupMember member = again.joinGroup(GroupRequest.of(group, topic), second)) {
            assertEquals(List.of("k1@5=m10"), second.awaitAtLeast(1), "the group resumes after its commit");
            Thread.sleep(200);
            assertEquals(1, second.got.size());
            assertEquals(1, member.delivered());
        }
        assertTrue(again.deleteTopic(topic));
    }

    private Bundle brokerBundle() {
        for (Bundle bundle : context.getBundles()) {
            if ("io.memorystreamer.broker".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("the broker bundle is installed");
    }

    @Test
    void groupMembershipChangesWhileMessagesFlowLoseNothing() throws Exception {
        Broker broker = broker();
        String topic = unique("flow");
        String group = unique("workers");
        broker.createTopic(TopicSettings.builder(topic).shardCount(2).durability("none").build());
        Set<String> received = Collections.synchronizedSet(new HashSet<>());
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicLong published = new AtomicLong();
        Thread producer = new Thread(() -> {
            try (Publisher publisher = broker.publisher(null)) {
                for (int i = 0; publishing.get(); i++) {
                    ByteBuffer key = ByteBuffer.wrap(("s" + (i % 32)).getBytes(StandardCharsets.UTF_8));
                    if (publisher.publish(topic, key, null, ByteBuffer.wrap(("" + i).getBytes(StandardCharsets.UTF_8)), i) == Publisher.ACCEPTED) {
                        published.incrementAndGet();
                    } else {
                        i--;
                    }
                    if (i % 100 == 0) {
                        Thread.sleep(1);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "itest-producer");
        producer.start();
        io.memorystreamer.broker.MessageHandler record = m -> received.add(m.keyAsString() + "@" + m.streamOffset());
        GroupMember a = broker.joinGroup(GroupRequest.of(group, topic).withMemberId("a"), record);
        Thread.sleep(300);
        List<String> allLanes = a.assignment();
        GroupMember b = broker.joinGroup(GroupRequest.of(group, topic).withMemberId("b"), record);
        Awaits.until(() -> a.assignment().size() + b.assignment().size(), n -> n == allLanes.size() && !b.assignment().isEmpty(),
                "the second member gets lanes and the first gives them up");
        List<String> keptByA = a.assignment();
        assertTrue(allLanes.containsAll(keptByA) && allLanes.containsAll(b.assignment()), "a join only moves lanes from a to b");
        assertEquals(allLanes.size(), keptByA.size() + b.assignment().size(), "no lane is lost or doubled: " + keptByA + " + " + b.assignment());
        Thread.sleep(300);
        GroupMember c = broker.joinGroup(GroupRequest.of(group, topic).withMemberId("c"), record);
        Thread.sleep(300);
        b.close();
        Thread.sleep(300);
        publishing.set(false);
        producer.join(10_000);
        long total = published.get();
        try {
            Awaits.until(() -> received.size(), n -> n >= total, "every published message reaches some member (" + total + ")");
            assertEquals(total, received.size());
            GroupDescription described = broker.group(group).orElseThrow();
            assertEquals(Set.of("a", "c"), new HashSet<>(described.members().stream().map(GroupDescription.Member::id).toList()));
            assertTrue(described.lanes().stream().allMatch(l -> l.owner() != null), "every lane has an owner: " + described.lanes());
        } finally {
            a.close();
            c.close();
        }
        assertTrue(broker.deleteTopic(topic));
    }

    @Test
    void aSubscriberWithoutCreditGetsNothingAndCostsNoHeap() throws Exception {
        Broker broker = broker();
        String topic = unique("stalled");
        broker.createTopic(TopicSettings.builder(topic).durability("none").build());
        Collector stalled = new Collector();
        Subscription subscription = broker.subscribe(SubscriptionRequest.topic(topic).withCredit(0), stalled);
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long before = runtime.totalMemory() - runtime.freeMemory();
        byte[] payload = new byte[1000];
        try (Publisher publisher = broker.publisher(null)) {
            for (int i = 0; i < 60_000; i++) {
                while (publisher.publish(topic, ByteBuffer.wrap(("k" + (i % 16)).getBytes(StandardCharsets.UTF_8)), null, ByteBuffer.wrap(payload), i)
                        == Publisher.BACK_PRESSURED) {
                    Thread.onSpinWait();
                }
            }
            send(publisher, topic, "k0", "last");
        }
        System.gc();
        long after = runtime.totalMemory() - runtime.freeMemory();
        assertEquals(0, stalled.got.size(), "no credit, no delivery");
        assertTrue(after - before < 24 * 1024 * 1024, "60 MB published past a stalled subscriber left " + (after - before) / 1024
                + " KiB more on the heap: the broker must not buffer for it");
        subscription.grant(3);
        assertEquals(3, stalled.awaitAtLeast(3).size());
        Thread.sleep(200);
        assertEquals(3, stalled.got.size(), "exactly the credit granted");
        subscription.close();
        assertTrue(broker.deleteTopic(topic));
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() throws Exception {
        Broker broker = broker();
        String topic = unique("bad");
        broker.createTopic(TopicSettings.builder(topic).maxMessageSize(300).build());
        try (Publisher publisher = broker.publisher(null)) {
            assertCode(ErrorCode.UNKNOWN_TOPIC, () -> publisher.publish("no-such-topic", utf8("k"), null, utf8("x"), 0));
            assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish(topic, utf8("a//b"), null, utf8("x"), 0));
            assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> publisher.publish(topic, utf8("k"), null, ByteBuffer.allocate(400), 0));
            assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish(topic, utf8("k"), ByteBuffer.wrap(new byte[] {1}), utf8("x"), 0));
        }
        assertCode(ErrorCode.TOPIC_EXISTS, () -> broker.createTopic(TopicSettings.builder(topic).build()));
        assertCode(ErrorCode.UNKNOWN_TOPIC, () -> broker.subscribe(SubscriptionRequest.topic("no-such-topic"), m -> { }));
        assertCode(ErrorCode.INVALID_REQUEST, () -> broker.subscribe(SubscriptionRequest.pattern(topic, "or*ders"), m -> { }));
        assertCode(ErrorCode.INVALID_REQUEST, () -> broker.joinGroup(GroupRequest.of("Bad Group!", topic), m -> { }));
        IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                () -> TopicSettings.builder("x").durability("sometimes").build());
        assertTrue(invalid.getMessage().contains("durability"), invalid.getMessage());
        assertEquals(0, broker.topic(topic).orElseThrow().streams(), "nothing was created");
        assertFalse(broker.topic("no-such-topic").isPresent());
        assertTrue(broker.deleteTopic(topic));
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertCode(ErrorCode code, org.junit.jupiter.api.function.Executable call) {
        BrokerException error = assertThrows(BrokerException.class, call);
        assertEquals(code, error.code(), error.getMessage());
    }
}
