package io.memorystreamer.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.MessageHeaders;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.PublishReceipt;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.RecordView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publish path on a real broker over real files: offsets, acknowledgements, batches, bad input, restart, back-pressure. */
class PublishPathTest {
    @TempDir
    Path dir;

    private BrokerConfig config() {
        return BrokerConfig.defaults(dir).withSegmentBytes(4 << 20).withPreallocate(false);
    }

    /** Collects outcomes by token and index. */
    static final class Outcomes implements PublishListener {
        final Map<String, Long> offsets = new ConcurrentHashMap<>();
        final Map<String, BrokerException> failures = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Outcomes(int expected) {
            done = new CountDownLatch(expected);
        }

        @Override
        public void onPublished(long token, int index, long streamOffset) {
            offsets.put(token + ":" + index, streamOffset);
            done.countDown();
        }

        @Override
        public void onFailed(long token, int index, BrokerException error) {
            failures.put(token + ":" + index, error);
            done.countDown();
        }

        void await() throws InterruptedException {
            assertTrue(done.await(30, TimeUnit.SECONDS), "every message is acknowledged");
        }
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> readAll(LocalBroker broker, String topicName) {
        Topic topic = broker.topicOrThrow(topicName);
        List<String> records = new ArrayList<>();
        for (Shard shard : topic.shards) {
            LogCursor cursor = shard.log.cursor(shard.log.startPosition());
            while (cursor.poll((RecordView r) -> records.add(new String(r.keyBytes(), StandardCharsets.UTF_8) + "@" + r.streamOffset() + "="
                    + r.payloadAsString()), 1000) > 0) {
                // keep reading
            }
        }
        return records;
    }

    @Test
    void offsetsAreDensePerStreamAndAcknowledgedWhenDurable() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("orders").shardCount(4).durability("batch").build());
            Outcomes outcomes = new Outcomes(300);
            try (Publisher publisher = broker.publisher(outcomes)) {
                for (int i = 0; i < 300; i++) {
                    String key = "customer-" + (i % 3);
                    while (publisher.publish("orders", utf8(key), null, utf8("m" + i), i) == Publisher.BACK_PRESSURED) {
                        Thread.onSpinWait();
                    }
                }
                outcomes.await();
            }
            assertTrue(outcomes.failures.isEmpty(), outcomes.failures.toString());
            for (int i = 0; i < 300; i++) {
                assertEquals(i / 3, outcomes.offsets.get(i + ":0"), "message " + i + " gets the next offset of its stream");
            }
            List<StreamDescription> streams = broker.streams("orders", null, 10);
            assertEquals(3, streams.size());
            for (StreamDescription stream : streams) {
                assertEquals(100, stream.nextOffset(), stream.toString());
            }
            List<String> records = readAll(broker, "orders");
            assertEquals(300, records.size());
            assertTrue(records.contains("customer-1@99=m298"), records.toString());
            TopicDescription topic = broker.topic("orders").orElseThrow();
            assertTrue(topic.shards().stream().allMatch(s -> s.durablePosition() == s.publishedPosition()), topic.toString());
        }
    }

    @Test
    void batchesAndSendCompleteWithOffsets() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("t").shardCount(2).durability("sync").build());
            Outcomes outcomes = new Outcomes(5);
            try (Publisher publisher = broker.publisher(outcomes)) {
                PublishBatch batch = new PublishBatch();
                for (int i = 0; i < 5; i++) {
                    batch.add("a/" + (i % 2), MessageHeaders.encode(Map.of("n", "" + i)), ("b" + i).getBytes(StandardCharsets.UTF_8));
                }
                assertEquals(Publisher.ACCEPTED, publisher.publish("t", batch, 7));
                outcomes.await();
                assertEquals(Map.of("7:0", 0L, "7:1", 0L, "7:2", 1L, "7:3", 1L, "7:4", 2L), outcomes.offsets);
                PublishReceipt receipt = publisher.send("t", "a/0", Map.of("h", "v"), new byte[] {1}, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                assertEquals(new PublishReceipt("t", "a/0", 3), receipt);
            }
        }
    }

    @Test
    void badInputIsRefusedAndChangesNothing() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("t").maxMessageSize(1024).build());
            try (Publisher publisher = broker.publisher(new Outcomes(0))) {
                assertCode(ErrorCode.UNKNOWN_TOPIC, () -> publisher.publish("nope", utf8("k"), null, utf8("x"), 1));
                assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish("t", utf8(""), null, utf8("x"), 1));
                assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish("t", utf8("/leading"), null, utf8("x"), 1));
                assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish("t", ByteBuffer.wrap(new byte[] {(byte) 0xFF}), null, utf8("x"), 1));
                assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish("t", utf8("k"), ByteBuffer.wrap(new byte[] {5, 0, 1}), utf8("x"), 1));
                assertCode(ErrorCode.MESSAGE_TOO_LARGE, () -> publisher.publish("t", utf8("k"), null, ByteBuffer.allocate(1024), 1));
                PublishBatch batch = new PublishBatch().add("good", null, new byte[1]).add("", null, new byte[1]);
                BrokerException error = assertCode(ErrorCode.INVALID_REQUEST, () -> publisher.publish("t", batch, 1));
                assertTrue(error.getMessage().contains("message 1 of the batch"), error.getMessage());
            }
            assertEquals(0, broker.streams("t", null, 10).size(), "nothing was created");
            assertEquals(List.of(), readAll(broker, "t"));
            assertCode(ErrorCode.TOPIC_EXISTS, () -> broker.createTopic(TopicSettings.builder("t").build()));
            assertCode(ErrorCode.UNSUPPORTED_CHANGE, () -> broker.alterTopic(TopicSettings.builder("t").shardCount(3).build()));
            assertCode(ErrorCode.UNKNOWN_TOPIC, () -> broker.alterTopic(TopicSettings.builder("other").build()));
            assertCode(ErrorCode.INVALID_REQUEST, () -> broker.createTopic(TopicSettings.builder("huge").maxMessageSize(64 * 1024 * 1024).build()));
            assertThrows(IllegalArgumentException.class, () -> TopicSettings.builder("t").shardCount(0).build());
        }
    }

    private static BrokerException assertCode(ErrorCode code, org.junit.jupiter.api.function.Executable call) {
        BrokerException error = assertThrows(BrokerException.class, call);
        assertEquals(code, error.code(), error.getMessage());
        assertFalse(error.getMessage().isBlank());
        return error;
    }

    @Test
    void topicsStreamsAndOffsetsSurviveARestart() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("keep").shardCount(3).durability("sync").retentionAge(Duration.ofDays(2)).build());
            broker.createTopic(TopicSettings.builder("gone").build());
            try (Publisher publisher = broker.publisher(null)) {
                for (int i = 0; i < 20; i++) {
                    publisher.send("keep", "s" + (i % 4), null, new byte[] {(byte) i}, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
                }
            }
            assertTrue(broker.deleteTopic("gone"));
            assertFalse(broker.deleteTopic("gone"));
        }
        try (LocalBroker broker = LocalBroker.open(config())) {
            assertEquals(List.of("keep"), broker.topics().stream().map(TopicDescription::name).toList());
            TopicDescription keep = broker.topic("keep").orElseThrow();
            assertEquals(3, keep.settings().shardCount());
            assertEquals(Duration.ofDays(2), keep.settings().retentionAge());
            assertEquals(4, keep.streams());
            Map<String, Long> next = new HashMap<>();
            broker.streams("keep", null, 10).forEach(s -> next.put(s.key(), s.nextOffset()));
            assertEquals(Map.of("s0", 5L, "s1", 5L, "s2", 5L, "s3", 5L), next);
            try (Publisher publisher = broker.publisher(null)) {
                assertEquals(5, publisher.send("keep", "s2", null, null, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).streamOffset());
            }
        }
    }

    @Test
    void registryMissingAnAppendIsRepairedFromTheLog() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("t").build());
            try (Publisher publisher = broker.publisher(null)) {
                publisher.send("t", "k", null, null, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            }
            // What a crash between the append and the registry update leaves: a record the registry does not count.
            Topic topic = broker.topicOrThrow("t");
            long id = topic.registry.lookupOrCreate("k", 0);
            topic.shards[0].appender.append(id, 1, 0, utf8("k"), null, utf8("late"));
            topic.shards[0].log.requestFlush();
        }
        try (LocalBroker broker = LocalBroker.open(config())) {
            assertEquals(2, broker.streams("t", null, 10).get(0).nextOffset(), "the replay counted the record the registry missed");
        }
    }

    @Test
    void interceptorsDropAndReject() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config())) {
            broker.createTopic(TopicSettings.builder("t").durability("none").build());
            AtomicInteger seen = new AtomicInteger();
            PublishInterceptor counter = (topic, key, headers, payload) -> {
                seen.incrementAndGet();
                return PublishInterceptor.PASS;
            };
            PublishInterceptor dropper = (topic, key, headers, payload) -> payload.remaining() == 0 ? PublishInterceptor.DROP
                    : payload.get(payload.position()) == 'x' ? PublishInterceptor.REJECT : PublishInterceptor.PASS;
            broker.installInterceptors("t", counter, dropper);
            try (Publisher publisher = broker.publisher(null)) {
                assertEquals(Publisher.DROPPED, publisher.send("t", "k", null, new byte[0], Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).streamOffset());
                assertEquals(0, publisher.send("t", "k", null, new byte[] {'a'}, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).streamOffset());
                assertCode(ErrorCode.REJECTED, () -> publisher.publish("t", utf8("k"), null, utf8("x"), 1));
            }
            assertEquals(3, seen.get());
            assertEquals(List.of("k@0=a"), readAll(broker, "t"));
            broker.installInterceptors("t");
            try (Publisher publisher = broker.publisher(null)) {
                assertEquals(1, publisher.send("t", "k", null, new byte[] {'x'}, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS).streamOffset());
            }
        }
    }

    @Test
    void aFullInboxBackPressuresInsteadOfBuffering() throws Exception {
        BrokerConfig small = config().withInboxBytes(64 * 1024);
        try (LocalBroker broker = LocalBroker.open(small)) {
            broker.createTopic(TopicSettings.builder("t").durability("sync").maxMessageSize(16 * 1024).build());
            int total = 3000;
            Outcomes outcomes = new Outcomes(total);
            int backPressured = 0;
            byte[] payload = new byte[2048];
            try (Publisher publisher = broker.publisher(outcomes)) {
                for (int i = 0; i < total; i++) {
                    int result;
                    while ((result = publisher.publish("t", utf8("k" + (i % 8)), null, ByteBuffer.wrap(payload), i)) == Publisher.BACK_PRESSURED) {
                        backPressured++;
                        Thread.onSpinWait();
                    }
                    assertEquals(Publisher.ACCEPTED, result);
                }
                outcomes.await();
            }
            assertTrue(backPressured > 0, "a 64 KiB inbox cannot hold 6 MB of sync publishes: the publisher must have been told to wait");
            assertTrue(outcomes.failures.isEmpty());
            assertEquals(total, readAll(broker, "t").size(), "every accepted message is in the log, once");
            long[] counters = broker.writerCounters();
            assertTrue(counters[0] < counters[1], "under load the writer coalesced messages into fewer frames: " + counters[0] + " frames for " + counters[1]);
        }
    }

    @Test
    void aFullRegistryFailsNewStreamsClearlyAndLosesNoAcknowledgement() throws Exception {
        try (LocalBroker broker = LocalBroker.open(config().withStreamsPerTopic(1024))) {
            broker.createTopic(TopicSettings.builder("t").durability("none").build());
            int total = 12_000;
            Outcomes outcomes = new Outcomes(total);
            try (Publisher publisher = broker.publisher(outcomes)) {
                for (int i = 0; i < total; i++) {
                    while (publisher.publish("t", utf8("s" + i), null, utf8("x"), i) == Publisher.BACK_PRESSURED) {
                        Thread.onSpinWait();
                    }
                }
                outcomes.await();
            }
            assertEquals(total, outcomes.offsets.size() + outcomes.failures.size(), "every message is answered, one way or the other");
            assertFalse(outcomes.failures.isEmpty(), "a registry sized for 1024 streams cannot take 12000");
            BrokerException failure = outcomes.failures.values().iterator().next();
            assertEquals(ErrorCode.STORAGE_FAILURE, failure.code());
            assertTrue(failure.getMessage().contains("streams.per.topic"), failure.getMessage());
            try (Publisher publisher = broker.publisher(null)) {
                assertEquals(1, publisher.send("t", "s0", null, null, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).streamOffset(),
                        "existing streams carry on");
            }
        }
    }
}
