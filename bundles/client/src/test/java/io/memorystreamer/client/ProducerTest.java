package io.memorystreamer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.internal.HeaderBlock;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.memorystreamer.client.protocol.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The producer: batching, idempotent retries, back-pressure. */
class ProducerTest {

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
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    private MemoryStreamerClient connect(ClientConfig.Builder config) {
        client = MemoryStreamerClient.connect(config.build());
        return client;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> sequences(FakeBroker.Request produce) {
        return produce.messages().stream().map(FakeBroker.Sent::sequence).collect(Collectors.toList());
    }

    @Test
    void recordsWithinTheLingerTravelInOneRequest() throws Exception {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ofMillis(100)).build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            acks.add(producer.send("orders", "customer-1", bytes("order " + i)));
        }
        for (int i = 0; i < 10; i++) {
            RecordAck ack = acks.get(i).get(5, TimeUnit.SECONDS);
            assertEquals(new RecordAck("orders", "customer-1", i, RecordAck.Status.WRITTEN), ack);
        }
        List<FakeBroker.Request> produces = broker.requests(Protocol.PRODUCE);
        assertEquals(1, produces.size(), "one PRODUCE for the ten records");
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), sequences(produces.get(0)));
        assertEquals(1, broker.requests(Protocol.INIT_PRODUCER).size());
        assertTrue(produces.get(0).producerId() != 0);
        assertEquals("order 7", new String(broker.log("orders").get(7).payload(), StandardCharsets.UTF_8));
    }

    @Test
    void aFullBatchLeavesWithoutWaitingForItsLinger() throws Exception {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ofSeconds(30)).batchBytes(300).build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            acks.add(producer.send("orders", "k", new byte[100]));
        }
        for (int i = 0; i < 4; i++) {
            acks.get(i).get(3, TimeUnit.SECONDS);
        }
        List<FakeBroker.Request> produces = broker.requests(Protocol.PRODUCE);
        assertTrue(produces.size() >= 2, produces.size() + " requests");
        for (FakeBroker.Request produce : produces) {
            assertEquals(2, produce.messages().size(), "121 bytes a record: two fit 300 bytes");
        }
        producer.flush();
        assertTrue(acks.stream().allMatch(CompletableFuture::isDone), "flush sends the batch still lingering");
        assertEquals(6, broker.log("orders").size());
    }

    @Test
    void aRetryAfterALostAnswerIsWrittenOnce() throws Exception {
        broker.dropAnswer = r -> r.type() == Protocol.PRODUCE && broker.requests(Protocol.PRODUCE).size() == 1;
        Producer producer = connect(broker.config().requestTimeout(Duration.ofMillis(300)))
                .producer(ProducerConfig.builder().linger(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acks.add(producer.send("orders", "customer-7", bytes("m" + i)));
        }
        for (int i = 0; i < 3; i++) {
            RecordAck ack = acks.get(i).get(5, TimeUnit.SECONDS);
            assertEquals(i, ack.streamOffset(), "the first copy's offset");
            assertTrue(ack.duplicate(), "the broker recognised the resend");
        }
        List<FakeBroker.Request> produces = broker.requests(Protocol.PRODUCE);
        assertEquals(2, produces.size());
        assertEquals(sequences(produces.get(0)), sequences(produces.get(1)), "the resend carries the same sequences");
        assertEquals(produces.get(0).producerId(), produces.get(1).producerId());
        assertEquals(3, broker.log("orders").size(), "written once");
    }

    @Test
    void aRetryAfterTheConnectionDropsIsWrittenOnce() throws Exception {
        broker.closeAfter = r -> r.type() == Protocol.PRODUCE && broker.requests(Protocol.PRODUCE).size() == 1;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            acks.add(producer.send("orders", "k" + (i % 2), bytes("m" + i)));
        }
        producer.flush();
        for (CompletableFuture<RecordAck> ack : acks) {
            assertTrue(ack.get().status() != RecordAck.Status.DROPPED);
        }
        assertEquals(5, broker.log("orders").size());
        assertEquals(2, broker.connections.size(), "reconnected");
    }

    @Test
    void recordsSentAcrossABrokerRestartLandOnceAndInOrder() throws Exception {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            acks.add(producer.send("orders", "customer-" + (i % 3), bytes("m" + i)));
            if (i == 20) {
                broker.restart();
            }
        }
        producer.flush();
        for (CompletableFuture<RecordAck> ack : acks) {
            ack.get();
        }
        assertEquals(2, broker.connections.size(), "reconnected");
        List<FakeBroker.Stored> log = broker.log("orders");
        assertEquals(50, log.size(), "nothing lost, nothing twice");
        for (int key = 0; key < 3; key++) {
            String name = "customer-" + key;
            List<String> payloads = log.stream().filter(m -> m.key().equals(name)).map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = key; i < 50; i += 3) {
                expected.add("m" + i);
            }
            assertEquals(expected, payloads, "stream order for " + name);
        }
    }

    @Test
    void backPressuredIsRetried() throws Exception {
        broker.failNext.put(Protocol.PRODUCE, new ArrayDeque<>(List.of(ProtocolError.BACK_PRESSURED.code(), ProtocolError.BACK_PRESSURED.code())));
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().retryBackoff(Duration.ofMillis(10), Duration.ofMillis(20)).build());
        RecordAck ack = producer.send("orders", "k", bytes("x")).get(5, TimeUnit.SECONDS);
        assertEquals(RecordAck.Status.WRITTEN, ack.status());
        assertEquals(3, broker.requests(Protocol.PRODUCE).size());
        assertEquals(1, broker.log("orders").size());
    }

    @Test
    void aRefusedRecordFailsAndTheStreamGoesOnWithoutAGap() throws Exception {
        broker.failNext.put(Protocol.PRODUCE, new ArrayDeque<>(List.of(ProtocolError.REJECTED.code())));
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ZERO).build());
        ExecutionException refused = assertThrows(ExecutionException.class, () -> producer.send("orders", "k", bytes("bad")).get(5, TimeUnit.SECONDS));
        ClientException e = (ClientException) refused.getCause();
        assertEquals(ProtocolError.REJECTED.code(), e.code());
        assertFalse(e.isRetriable());
        assertEquals(0, producer.send("orders", "k", bytes("good")).get(5, TimeUnit.SECONDS).streamOffset());
        List<FakeBroker.Request> produces = broker.requests(Protocol.PRODUCE);
        assertEquals(List.of(0L), sequences(produces.get(1)), "the refused sequence was given back");
    }

    @Test
    void aBatchLostForGoodMakesTheProducerRenumberTheNextOnesUnderANewId() throws Exception {
        broker.failNext.put(Protocol.PRODUCE, new ArrayDeque<>(List.of(ProtocolError.STORAGE_FAILURE.code())));
        broker.reverseNext = 2;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ZERO).batchBytes(1).build());
        CompletableFuture<RecordAck> lost = producer.send("orders", "k", bytes("first"));
        CompletableFuture<RecordAck> next = producer.send("orders", "k", bytes("second"));
        client.admin().metadata(); // releases the producer id held back, so both batches leave together
        ExecutionException e = assertThrows(ExecutionException.class, () -> lost.get(5, TimeUnit.SECONDS));
        assertEquals(ProtocolError.STORAGE_FAILURE.code(), ((ClientException) e.getCause()).code());
        assertEquals(new RecordAck("orders", "k", 0, RecordAck.Status.WRITTEN), next.get(5, TimeUnit.SECONDS));
        List<FakeBroker.Request> produces = broker.requests(Protocol.PRODUCE);
        assertEquals(3, produces.size(), "first (failed), second (refused for the gap), second again");
        assertEquals(List.of(1L), sequences(produces.get(1)));
        assertEquals(List.of(0L), sequences(produces.get(2)), "renumbered from 0");
        assertTrue(produces.get(2).producerId() != produces.get(1).producerId(), "under a new producer id");
        assertEquals(2, broker.requests(Protocol.INIT_PRODUCER).size());
        assertEquals(1, broker.log("orders").size(), "nothing twice");
    }

    @Test
    void aForgottenProducerIdIsReplaced() throws Exception {
        broker.forgetProducersOnRestart = true;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ZERO).build());
        producer.send("orders", "k", bytes("before")).get(5, TimeUnit.SECONDS);
        broker.restart();
        assertEquals(1, producer.send("orders", "k", bytes("after")).get(5, TimeUnit.SECONDS).streamOffset());
        assertEquals(2, broker.requests(Protocol.INIT_PRODUCER).size());
        assertEquals(2, broker.log("orders").size());
    }

    @Test
    void anUnknownTopicFailsItsRecords() {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ZERO).build());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> producer.send("nope", "k", bytes("x")).get(5, TimeUnit.SECONDS));
        assertEquals(ProtocolError.UNKNOWN_TOPIC.code(), ((ClientException) failed.getCause()).code());
    }

    @Test
    void aFullBufferFailsAtOnceWhenMaxBlockIsZero() throws Exception {
        broker.dropAnswer = r -> r.type() == Protocol.PRODUCE;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().bufferBytes(1000).maxBlock(Duration.ZERO).linger(Duration.ZERO)
                .build());
        List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acks.add(producer.send("orders", "k", new byte[300]));
        }
        assertEquals(3 * 321, producer.bufferedBytes());
        long start = System.nanoTime();
        CompletableFuture<RecordAck> refused = producer.send("orders", "k", new byte[300]);
        assertTrue(System.nanoTime() - start < 100_000_000L, "at once");
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        ClientException full = (ClientException) e.getCause();
        assertEquals(ClientException.BUFFER_FULL, full.code());
        assertTrue(full.isBackPressure());
        assertTrue(full.isRetriable());
        assertFalse(acks.get(0).isDone());
        producer.close(Duration.ZERO);
        ExecutionException abandoned = assertThrows(ExecutionException.class, () -> acks.get(0).get(1, TimeUnit.SECONDS));
        assertEquals(ClientException.CLIENT_CLOSED, ((ClientException) abandoned.getCause()).code());
        assertEquals(0, producer.bufferedBytes());
    }

    @Test
    void aFullBufferBlocksTheSenderUntilRoomFrees() throws Exception {
        broker.reverseNext = 2;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().bufferBytes(400).maxBlock(Duration.ofSeconds(5))
                .linger(Duration.ZERO).build());
        CompletableFuture<RecordAck> first = producer.send("orders", "k", new byte[300]);
        CompletableFuture<CompletableFuture<RecordAck>> second = CompletableFuture.supplyAsync(() -> producer.send("orders", "k", new byte[300]));
        Thread.sleep(200);
        assertFalse(second.isDone(), "blocked: the buffer is full until the first is acknowledged");
        client.admin().metadata();
        assertEquals(0, first.get(5, TimeUnit.SECONDS).streamOffset());
        assertEquals(1, second.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).streamOffset());
        assertEquals(0, producer.bufferedBytes());
    }

    @Test
    void aFullBufferFailsAfterMaxBlock() {
        broker.dropAnswer = r -> r.type() == Protocol.PRODUCE;
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().bufferBytes(400).maxBlock(Duration.ofMillis(150))
                .linger(Duration.ZERO).build());
        producer.send("orders", "k", new byte[300]);
        long start = System.nanoTime();
        CompletableFuture<RecordAck> refused = producer.send("orders", "k", new byte[300]);
        long waited = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waited >= 140 && waited < 2000, waited + " ms");
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertEquals(ClientException.BUFFER_FULL, ((ClientException) e.getCause()).code());
        producer.close(Duration.ZERO);
    }

    @Test
    void invalidRecordsFailWithoutTouchingTheBroker() {
        Producer producer = connect(broker.config()).producer();
        ExecutionException empty = assertThrows(ExecutionException.class, () -> producer.send("orders", "", bytes("x")).get());
        assertEquals(ClientException.INVALID_ARGUMENT, ((ClientException) empty.getCause()).code());
        ExecutionException longKey = assertThrows(ExecutionException.class, () -> producer.send("orders", "k".repeat(256), bytes("x")).get());
        assertEquals(ClientException.INVALID_ARGUMENT, ((ClientException) longKey.getCause()).code());
        ExecutionException header = assertThrows(ExecutionException.class, () -> producer.send("orders", "k", Map.of("", "v"), bytes("x")).get());
        assertEquals(ClientException.INVALID_ARGUMENT, ((ClientException) header.getCause()).code());
        ExecutionException huge = assertThrows(ExecutionException.class, () -> producer.send("orders", "k", new byte[17 * 1024 * 1024]).get());
        assertEquals(ProtocolError.MESSAGE_TOO_LARGE.code(), ((ClientException) huge.getCause()).code());
        assertEquals(0, broker.requests(Protocol.PRODUCE).size());
    }

    @Test
    void headersAndBufferPayloadsTravel() throws Exception {
        Producer producer = connect(broker.config()).producer();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "00-abc-01");
        headers.put("source", "web");
        ByteBuffer payload = ByteBuffer.wrap(bytes("__hello__"), 2, 5);
        producer.send("orders", "k", headers, payload).get(5, TimeUnit.SECONDS);
        assertEquals(2, payload.position(), "the caller's buffer is untouched");
        FakeBroker.Stored stored = broker.log("orders").get(0);
        assertEquals("hello", new String(stored.payload(), StandardCharsets.UTF_8));
        assertEquals(headers, HeaderBlock.decode(stored.headers()));
    }

    @Test
    void withoutIdempotenceNoProducerIdIsTaken() throws Exception {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().idempotence(false).build());
        producer.send("orders", "k", bytes("x")).get(5, TimeUnit.SECONDS);
        assertEquals(0, broker.requests(Protocol.INIT_PRODUCER).size());
        assertEquals(0, broker.requests(Protocol.PRODUCE).get(0).producerId());
    }

    @Test
    void manyThreadsSendAtOnce() throws Exception {
        Producer producer = connect(broker.config()).producer();
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<RecordAck>> acks = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    acks.add(producer.send("orders", "t" + thread, bytes(thread + ":" + i)));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        producer.flush();
        assertEquals(1000, acks.size());
        for (CompletableFuture<RecordAck> ack : acks) {
            assertEquals(RecordAck.Status.WRITTEN, ack.get().status());
        }
        List<FakeBroker.Stored> log = broker.log("orders");
        for (int t = 0; t < 4; t++) {
            String key = "t" + t;
            List<String> payloads = log.stream().filter(m -> m.key().equals(key)).map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
            assertEquals(250, payloads.size());
            for (int i = 0; i < 250; i++) {
                assertEquals(t + ":" + i, payloads.get(i), "each thread's records in its order");
            }
        }
        assertTrue(broker.requests(Protocol.PRODUCE).size() < 1000, "batched");
    }

    @Test
    void closingFlushesThenRefuses() throws Exception {
        Producer producer = connect(broker.config()).producer(ProducerConfig.builder().linger(Duration.ofSeconds(30)).build());
        CompletableFuture<RecordAck> ack = producer.send("orders", "k", bytes("x"));
        producer.close();
        assertEquals(RecordAck.Status.WRITTEN, ack.get(1, TimeUnit.SECONDS).status());
        ExecutionException e = assertThrows(ExecutionException.class, () -> producer.send("orders", "k", bytes("y")).get());
        assertEquals(ClientException.CLIENT_CLOSED, ((ClientException) e.getCause()).code());
    }
}
