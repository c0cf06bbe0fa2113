package io.memorystreamer.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.ClientConfig;
import io.memorystreamer.client.Consumer;
import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.ConsumerRecord;
import io.memorystreamer.client.Durability;
import io.memorystreamer.client.MemoryStreamerClient;
import io.memorystreamer.client.Producer;
import io.memorystreamer.client.RecordAck;
import io.memorystreamer.client.StartPosition;
import io.memorystreamer.client.TopicOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end over the network: a copy of the distribution (its own folder, its own free port)
 * driven through {@code bin/memorystreamer}'s client commands and through the client library:
 * topics, produce and consume from the command line, many concurrent clients, the benchmarks, a
 * producer carried across a clean restart, and a kill -9 of the broker under a {@code sync}
 * producer. The tests run in order and share one broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkIT {
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private static Path home;
    private static int port;

    record Outcome(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void installAndStart() throws Exception {
        Path dist = Path.of(System.getProperty("ms.dist.dir"));
        assertTrue(Files.isExecutable(dist.resolve("bin/memorystreamer")), "no distribution at " + dist);
        Path work = Path.of(System.getProperty("ms.work.dir")).resolveSibling("e2e-network");
        deleteTree(work);
        home = work.resolve("memorystreamer");
        copyTree(dist, home);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path cfg = home.resolve("conf/io.memorystreamer.transport.cfg");
        Files.writeString(cfg, Files.readString(cfg).replace("port = 9510", "port = " + port));
        Outcome start = run(null, "start");
        assertEquals(0, start.exit(), start.all());
    }

    @AfterAll
    static void stop() throws Exception {
        if (home != null && Files.exists(home.resolve("data/memorystreamer.pid"))) {
            run(null, "stop");
        }
    }

    @Test
    @Order(1)
    void topicProduceConsumeFromTheCommandLine() throws Exception {
        Outcome created = run(null, "topic", "create", "e2e-net", "--durability", "sync", "--retention-age", "7d");
        assertEquals(0, created.exit(), created.all());
        assertTrue(created.out().contains("Created topic e2e-net"), created.all());

        String lines = IntStream.range(0, 100).mapToObj(i -> "line-" + i).collect(Collectors.joining("\n", "", "\n"));
        Outcome produced = run(lines, "produce", "e2e-net", "--key", "cli/1", "--verbose");
        assertEquals(0, produced.exit(), produced.all());
        List<String> acks = produced.out().lines().collect(Collectors.toList());
        assertEquals(IntStream.range(0, 100).mapToObj(i -> "acked cli/1 offset " + i).collect(Collectors.toList()), acks);

        Outcome consumed = run(null, "consume", "e2e-net", "--from", "earliest", "--count", "100", "--timeout", "60s");
        assertEquals(0, consumed.exit(), consumed.all());
        assertEquals(lines, consumed.out());

        Outcome keyed = run(null, "consume", "e2e-net", "--stream", "cli/1", "--from", "98", "--count", "2", "--format", "keyed", "--timeout", "60s");
        assertEquals(0, keyed.exit(), keyed.all());
        assertEquals("cli/1@98\tline-98\ncli/1@99\tline-99\n", keyed.out());

        Outcome list = run(null, "topic", "list");
        assertEquals(0, list.exit(), list.all());
        assertTrue(list.out().startsWith("NAME"), list.all());
        assertTrue(list.out().lines().anyMatch(line -> line.startsWith("e2e-net ") && line.contains("sync")), list.all());

        Outcome described = run(null, "topic", "describe", "e2e-net");
        assertEquals(0, described.exit(), described.all());
        assertTrue(described.out().contains("durability:        sync"), described.all());
        assertTrue(described.out().contains("retention age:     7d"), described.all());
        assertTrue(described.out().contains("streams:           1"), described.all());

        Outcome unknown = run(null, "consume", "no-such-topic", "--count", "1");
        assertNotEquals(0, unknown.exit(), unknown.all());
        assertTrue(unknown.err().contains("UNKNOWN_TOPIC"), unknown.all());
        assertEquals(1, unknown.err().lines().count(), unknown.all());
        Outcome unknownProduce = run("x\n", "produce", "no-such-topic");
        assertNotEquals(0, unknownProduce.exit(), unknownProduce.all());
        assertTrue(unknownProduce.err().contains("UNKNOWN_TOPIC"), unknownProduce.all());
        Outcome badUsage = run(null, "topic", "create");
        assertEquals(2, badUsage.exit(), badUsage.all());

        Outcome deleted = run(null, "topic", "delete", "e2e-net");
        assertEquals(0, deleted.exit(), deleted.all());
        Outcome gone = run(null, "topic", "describe", "e2e-net");
        assertNotEquals(0, gone.exit(), gone.all());
        assertTrue(gone.err().startsWith("memorystreamer: "), gone.all());
    }

    @Test
    @Order(2)
    void manyConcurrentClients() throws Exception {
        int clients = 8;
        int messages = 500;
        try (MemoryStreamerClient admin = connect()) {
            admin.admin().createTopic("e2e-many", TopicOptions.builder().shards(2).durability(Durability.BATCH).build());
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            done.add(CompletableFuture.runAsync(() -> {
                try (MemoryStreamerClient client = connect(); Producer producer = client.producer()) {
                    List<CompletableFuture<RecordAck>> acks = new ArrayList<>();
                    for (int i = 0; i < messages; i++) {
                        acks.add(producer.send("e2e-many", "client/" + id, (id + ":" + i).getBytes(StandardCharsets.UTF_8)));
                    }
                    producer.flush();
                    for (int i = 0; i < messages; i++) {
                        assertEquals(i, acks.get(i).join().streamOffset());
                    }
                }
            }));
        }
        CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
        Map<String, List<ConsumerRecord>> byKey = readAll("e2e-many", clients * messages);
        assertEquals(clients, byKey.size());
        for (int c = 0; c < clients; c++) {
            List<ConsumerRecord> records = byKey.get("client/" + c);
            assertEquals(messages, records.size());
            for (int i = 0; i < messages; i++) {
                assertEquals(i, records.get(i).streamOffset());
                assertEquals(c + ":" + i, new String(records.get(i).payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    @Order(3)
    void benchmarksRunAndReport() throws Exception {
        Outcome latency = run(null, "bench", "latency", "--rate", "10000", "--seconds", "3");
        System.out.println(latency.all());
        assertEquals(0, latency.exit(), latency.all());
        assertTrue(latency.out().matches("(?s).*latency \\(us\\): p50=[0-9.]+ p99=[0-9.]+ p99\\.9=[0-9.]+ max=[0-9.]+ \\(30000 measured\\).*"),
                latency.all());
        Outcome throughput = run(null, "bench", "throughput", "--seconds", "3");
        System.out.println(throughput.all());
        assertEquals(0, throughput.exit(), throughput.all());
        assertTrue(throughput.out().matches("(?s).*acknowledged [0-9]+ messages in [0-9.]+ s: [0-9]+ msg/s, [0-9.]+ MB/s \\(failed 0\\).*"),
                throughput.all());
        Outcome topics = run(null, "topic", "list");
        assertTrue(!topics.out().contains("bench-"), "the temporary topics are deleted: " + topics.all());
    }

    @Test
    @Order(4)
    void aProducerCarriesOnAcrossABrokerRestart() throws Exception {
        try (MemoryStreamerClient admin = connect()) {
            admin.admin().createTopic("e2e-restart", TopicOptions.builder().durability(Durability.SYNC).build());
        }
        Map<Integer, Long> acked = new ConcurrentHashMap<>();
        try (MemoryStreamerClient client = connect(); Producer producer = client.producer()) {
            Sender sender = new Sender(producer, "e2e-restart", 1, acked);
            sender.start();
            awaitSize(acked, 200);
            Outcome stop = run(null, "stop");
            assertEquals(0, stop.exit(), stop.all());
            Outcome start = run(null, "start");
            assertEquals(0, start.exit(), start.all());
            int before = acked.size();
            awaitSize(acked, before + 200);
            sender.finish();
            producer.flush();
        }
        assertAckedOnceInOrder("e2e-restart", acked, 1);
    }

    @Test
    @Order(5)
    void everyAcknowledgedMessageSurvivesKillDashNine() throws Exception {
        int streams = 3;
        try (MemoryStreamerClient admin = connect()) {
            admin.admin().createTopic("e2e-kill", TopicOptions.builder().durability(Durability.SYNC).build());
        }
        Map<Integer, Long> acked = new ConcurrentHashMap<>();
        MemoryStreamerClient client = connect();
        Producer producer = client.producer();
        Sender sender = new Sender(producer, "e2e-kill", streams, acked);
        sender.start();
        awaitSize(acked, 1500);
        long pid = Long.parseLong(Files.readString(home.resolve("data/memorystreamer.pid")).trim());
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        sender.finish();
        int ackedAtKill = acked.size();
        client.close(Duration.ofSeconds(1));
        System.out.println("kill -9 after " + ackedAtKill + " acknowledged messages (" + sender.sent + " sent)");

        Outcome start = run(null, "start");
        assertEquals(0, start.exit(), start.all());
        assertAckedOnceInOrder("e2e-kill", acked, streams);
    }

    /** Sends message i to stream "s/(i % streams)" as fast as acknowledgements allow, recording each acknowledgement. */
    private static final class Sender extends Thread {
        private final Producer producer;
        private final String topic;
        private final int streams;
        private final Map<Integer, Long> acked;
        private final AtomicBoolean running = new AtomicBoolean(true);
        volatile int sent;

        Sender(Producer producer, String topic, int streams, Map<Integer, Long> acked) {
            super("e2e-sender-" + topic);
            this.producer = producer;
            this.topic = topic;
            this.streams = streams;
            this.acked = acked;
        }

        @Override
        public void run() {
            for (int i = 0; running.get(); i++) {
                int sequence = i;
                try {
                    producer.send(topic, "s/" + (i % streams), Integer.toString(i).getBytes(StandardCharsets.UTF_8)).whenComplete((ack, error) -> {
                        if (error == null) {
                            acked.put(sequence, ack.streamOffset());
                        }
                    });
                    sent = i + 1;
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // buffer full or closed: carry on until told to stop
                }
            }
        }

        void finish() throws InterruptedException {
            running.set(false);
            join(10_000);
        }
    }

    private static void assertAckedOnceInOrder(String topic, Map<Integer, Long> acked, int streams) throws Exception {
        Map<Integer, Integer> seen = new HashMap<>();
        Map<String, List<ConsumerRecord>> byKey = readUntil(topic, records -> {
            for (Integer sequence : acked.keySet()) {
                if (!records.containsKey(sequence)) {
                    return false;
                }
            }
            return true;
        });
        for (Map.Entry<String, List<ConsumerRecord>> stream : byKey.entrySet()) {
            long lastOffset = -1;
            int lastSequence = -1;
            for (ConsumerRecord record : stream.getValue()) {
                int sequence = Integer.parseInt(new String(record.payload(), StandardCharsets.UTF_8));
                assertEquals("s/" + (sequence % streams), stream.getKey());
                assertTrue(record.streamOffset() > lastOffset, "offsets ascend in " + stream.getKey());
                lastOffset = record.streamOffset();
                if (acked.containsKey(sequence)) {
                    // Acknowledged messages keep their order (unacknowledged ones may be retried later).
                    assertTrue(sequence > lastSequence, "in order in " + stream.getKey() + ": acknowledged " + sequence + " after " + lastSequence);
                    lastSequence = sequence;
                }
                seen.merge(sequence, 1, Integer::sum);
            }
        }
        for (Map.Entry<Integer, Long> ack : acked.entrySet()) {
            assertEquals(1, seen.getOrDefault(ack.getKey(), 0), "message " + ack.getKey() + " (acknowledged at offset " + ack.getValue() + ")");
        }
        System.out.println(topic + ": " + acked.size() + " acknowledged, " + seen.size() + " in the log, all acknowledged found once, in order");
    }

    private interface Complete {
        boolean test(Map<Integer, ConsumerRecord> bySequence);
    }

    /** Reads the topic from the start until the check passes and nothing more arrives for a second; records by key, in order. */
    private static Map<String, List<ConsumerRecord>> readUntil(String topic, Complete complete) throws Exception {
        Map<String, List<ConsumerRecord>> byKey = new HashMap<>();
        Map<Integer, ConsumerRecord> bySequence = new HashMap<>();
        try (MemoryStreamerClient client = connect();
                Consumer consumer = client.consumer(ConsumerConfig.topic(topic).startAt(StartPosition.earliest()).build())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                List<ConsumerRecord> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord record : records) {
                    byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
                    bySequence.put(Integer.parseInt(new String(record.payload(), StandardCharsets.UTF_8)), record);
                }
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(1) && complete.test(bySequence)) {
                    return byKey;
                }
            }
        }
        throw new AssertionError("not everything acknowledged arrived in 60 s; read " + bySequence.size());
    }

    private static Map<String, List<ConsumerRecord>> readAll(String topic, int count) throws Exception {
        Map<String, List<ConsumerRecord>> byKey = new HashMap<>();
        int read = 0;
        try (MemoryStreamerClient client = connect();
                Consumer consumer = client.consumer(ConsumerConfig.topic(topic).startAt(StartPosition.earliest()).build())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord record : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
                    read++;
                }
            }
        }
        assertEquals(count, read, "records read from " + topic);
        return byKey;
    }

    private static void awaitSize(Map<Integer, Long> acked, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (acked.size() < size) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acked.size() + " of " + size + " acknowledged");
            }
            Thread.sleep(20);
        }
    }

    private static MemoryStreamerClient connect() {
        return MemoryStreamerClient.connect(ClientConfig.builder().bootstrap("127.0.0.1", port).clientId("e2e").build());
    }

    private static Outcome run(String input, String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = home.resolve("bin/memorystreamer").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("MS_HOME", home.toString());
        Path in = null;
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        } else {
            in = Files.createTempFile("ms-net", ".in");
            Files.writeString(in, input);
            builder.redirectInput(in.toFile());
        }
        Path out = Files.createTempFile("ms-net", ".out");
        Path err = Files.createTempFile("ms-net", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/memorystreamer " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        Outcome outcome = new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        if (in != null) {
            Files.delete(in);
        }
        return outcome;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
