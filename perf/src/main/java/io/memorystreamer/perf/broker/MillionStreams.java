package io.memorystreamer.perf.broker;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.broker.internal.BrokerConfig;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.perf.wal.TempLogs;
import io.memorystreamer.wal.Durability;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * What a million streams cost in a running broker (DESIGN.md: "a million streams, mostly idle,
 * must cost under 1 KB each, all in (heap, off-heap, files)"), and how the publish path behaves
 * with that many in the stream registry.
 *
 * <p>For each stream count N asked for: opens a broker on a new directory under {@code /tmp},
 * creates one topic (durability NONE, one shard), and creates N streams by publishing one 100-byte
 * message to each of N new keys {@code device/000000}, {@code device/000001}, ... (batches of 64).
 * Then, after {@link System#gc()}:
 * <ul>
 * <li>memory: heap used, the JVM's direct and mapped buffer pools, and the process's resident
 * memory ({@code /proc/self/status}, and {@code /proc/self/smaps} summed over the registry's
 * and the logs' mappings), each compared with the same broker before the streams existed;</li>
 * <li>files: every file under the data directory, apparent size and blocks allocated on disk
 * ({@code stat}), by kind (registry, log segments, segment indexes, the rest);</li>
 * <li>publish latency with the registry loaded: closed-loop round trips (publish one message,
 * spin until the listener acknowledges it) to random existing streams, and to one stream again
 * and again for comparison;</li>
 * <li>throughput to random existing streams (batches of 64);</li>
 * <li>finding a stream: {@code Broker.streams(topic, exactKey, 1)} (the admin listing, which
 * scans the registry) and subscribing to one random stream until its message arrives;</li>
 * <li>restart: closing the broker and opening it again with the N streams.</li>
 * </ul>
 * A stream count that would not fit on the disk (from the bytes per stream measured for the
 * previous count, or 2 KB a stream without one), or whose creation would take over 10 minutes
 * (extrapolated the same way), is skipped with the reason.
 *
 * <pre>
 * java @perf/chronicle.args -cp perf/target/benchmarks.jar io.memorystreamer.perf.broker.MillionStreams \
 *     [--streams 1000000,10000000] [--idle backoff] [--samples 100000]
 * </pre>
 */
public final class MillionStreams {
    private static final String TOPIC = "devices";
    private static final String PREFIX = "device/";
    private static final int BATCH_SIZE = 64;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long MAX_CREATE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final boolean spin;
    private final int samples;
    private double bytesPerStreamOnDisk = 2048;
    private double createNanosPerStream;

    private MillionStreams(boolean spin, int samples) {
        this.spin = spin;
        this.samples = samples;
    }

    /**
     * Runs the measurement for each stream count.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        List<Long> counts = List.of(1_000_000L, 10_000_000L);
        boolean spin = false;
        int samples = 100_000;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --streams <list, default 1000000,10000000> --idle <spin|backoff, default backoff>"
                        + " --samples <round trips per latency row, default 100000>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--streams" -> counts = Brokers.list(value, Long::parseLong);
                case "--idle" -> spin = Brokers.parseIdle(value);
                case "--samples" -> samples = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        Brokers.requireJvmOptions(MillionStreams.class.getSimpleName());
        System.out.printf("MillionStreams: streams %s, one %d-byte message each, one topic (durability NONE, 1 shard), idle %s; "
                + "max heap %,d MiB; %d cores, %s%n", counts, Brokers.PAYLOAD_SIZE, Brokers.idleName(spin),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        MillionStreams harness = new MillionStreams(spin, samples);
        for (long count : counts) {
            harness.run(count);
        }
    }

    private void run(long streams) throws Exception {
        System.out.printf("%n======== %,d streams ========%n", streams);
        Path directory = Brokers.newDirectory("million");
        long free = Files.getFileStore(directory).getUsableSpace();
        long needed = (long) (streams * bytesPerStreamOnDisk * 1.5) + (1L << 30);
        if (needed > free) {
            System.out.printf("SKIPPED: %,d streams need about %,d MiB on disk (%.0f B a stream, measured or assumed, x 1.5 + 1 GiB); "
                    + "%s has %,d MiB free%n", streams, needed >> 20, bytesPerStreamOnDisk, directory, free >> 20);
            TempLogs.deleteRecursively(directory);
            return;
        }
        if (createNanosPerStream > 0 && createNanosPerStream * streams > MAX_CREATE_NANOS) {
            System.out.printf("SKIPPED: creating %,d streams would take about %.0f s at the rate measured before (%.2f µs a stream); "
                    + "the limit is 10 minutes%n", streams, createNanosPerStream * streams / 1e9, createNanosPerStream / 1e3);
            TempLogs.deleteRecursively(directory);
            return;
        }
        int digits = Math.max(6, Long.toString(streams - 1).length());
        LocalBroker broker = null;
        try {
            Memory baseline = Memory.measure(directory);
            // The registry is sized for the streams to come (streams.per.topic), as an operator would.
            broker = Brokers.open(directory, spin, false, BrokerConfig.DEFAULT_INBOX_BYTES, streams);
            broker.createTopic(Brokers.topic(TOPIC, Durability.NONE, 1));
            Memory empty = Memory.measure(directory);
            DiskUsage empty0 = DiskUsage.of(directory);

            // ---- create the streams ----
            BrokerThroughput.Acks acks = new BrokerThroughput.Acks();
            long createNanos;
            try (Publisher publisher = broker.publisher(acks)) {
                createNanos = create(publisher, acks, streams, digits);
            }
            if (createNanos < 0) {
                System.out.printf("FAILED: stream creation stopped (see above); %,d acknowledged, %,d failed, of %,d%n", acks.acked.get(),
                        acks.failed.get(), streams);
                return;
            }
            createNanosPerStream = (double) createNanos / streams;
            TopicDescription topic = broker.topic(TOPIC).orElseThrow();
            System.out.printf("created %,d streams in %.1f s (%,.0f streams/s, %.2f µs each); the topic reports %,d streams%n", streams,
                    createNanos / 1e9, streams / (createNanos / 1e9), createNanos / 1e3 / streams, topic.streams());

            // ---- what they cost ----
            Memory loaded = Memory.measure(directory);
            DiskUsage files = DiskUsage.of(directory);
            bytesPerStreamOnDisk = Math.max(1, (double) files.allocated() / streams);
            printCosts(streams, baseline, empty, loaded, empty0, files);

            // ---- the publish path with the registry loaded ----
            BrokerThroughput.Acks roundTrips = new BrokerThroughput.Acks();
            try (Publisher publisher = broker.publisher(roundTrips)) {
                byte[] keyBytes = keyTemplate(digits);
                ByteBuffer key = ByteBuffer.wrap(keyBytes);
                ByteBuffer payload = Brokers.payload();
                SplittableRandom random = new SplittableRandom(42);
                roundTrip(publisher, roundTrips, key, keyBytes, payload, random, streams, digits, Math.min(samples, 20_000), true);
                Histogram randomStreams = roundTrip(publisher, roundTrips, key, keyBytes, payload, random, streams, digits, samples, true);
                roundTrip(publisher, roundTrips, key, keyBytes, payload, random, streams, digits, Math.min(samples, 20_000), false);
                Histogram oneStream = roundTrip(publisher, roundTrips, key, keyBytes, payload, random, streams, digits, samples, false);
                System.out.printf("%nPublish round trip (publish -> onPublished, closed loop, durability NONE), µs, %,d samples each:%n", samples);
                Brokers.Table table = new Brokers.Table("to", "p50", "p90", "p99", "p99.9", "max");
                row(table, "a random one of the " + String.format("%,d", streams) + " streams", randomStreams);
                row(table, "the same stream every time", oneStream);
                table.print();
            }
            double randomRate = randomThroughput(broker, streams, digits);
            System.out.printf("%nThroughput to random existing streams (batches of %d, one publisher, until acknowledged): %,.0f msg/s%n",
                    BATCH_SIZE, randomRate);

            // ---- finding a stream ----
            findStreams(broker, streams, digits);

            // ---- restart ----
            broker.close();
            broker = null;
            TempLogs.releaseMappings();
            long reopenStart = System.nanoTime();
            broker = Brokers.open(directory, spin, false);
            long reopen = System.nanoTime() - reopenStart;
            Memory reopened = Memory.measure(directory);
            System.out.printf("%nRestart: LocalBroker.open with %,d streams took %.0f ms; the topic reports %,d streams; after it, heap after GC "
                    + "%,d MiB (%,d MiB more than before the first open), resident %,d MiB (anonymous %,d MiB, file-backed %,d MiB: "
                    + "the registry's mapping %,d MiB, the log segments' %,d MiB)%n", streams, reopen / 1e6,
                    broker.topic(TOPIC).orElseThrow().streams(), reopened.heap >> 20, (reopened.heap - baseline.heap) >> 20, reopened.rss >> 20,
                    reopened.rssAnon >> 20, reopened.rssFile >> 20, reopened.registryResident >> 20, reopened.logResident >> 20);
        } finally {
            Brokers.closeAndDelete(broker, directory);
        }
    }

    // ---- creating ----

    private static byte[] keyTemplate(int digits) {
        return Brokers.key(PREFIX, 0, digits).getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes {@code i}, zero-padded, into the digits at the end of the key. */
    private static void setKey(byte[] key, long i, int digits) {
        int at = key.length - 1;
        for (int d = 0; d < digits; d++) {
            key[at--] = (byte) ('0' + (i % 10));
            i /= 10;
        }
    }

    /** @return nanoseconds until every stream's message was acknowledged, or -1 when the acknowledgements stopped coming */
    private static long create(Publisher publisher, BrokerThroughput.Acks acks, long streams, int digits) {
        byte[] keyBytes = keyTemplate(digits);
        ByteBuffer key = ByteBuffer.wrap(keyBytes);
        ByteBuffer payload = Brokers.payload();
        PublishBatch batch = new PublishBatch(BATCH_SIZE * 160);
        long start = System.nanoTime();
        long lastProgress = start;
        long lastAcked = 0;
        long nextReport = 1_000_000;
        for (long i = 0; i < streams; ) {
            batch.clear();
            long token = i;
            for (int b = 0; b < BATCH_SIZE && i < streams; b++, i++) {
                setKey(keyBytes, i, digits);
                payload.putLong(0, i);
                batch.add(key, null, payload);
            }
            while (publisher.publish(TOPIC, batch, token) != Publisher.ACCEPTED) {
                long acked = acks.acked.get();
                long now = System.nanoTime();
                if (acked != lastAcked) {
                    lastAcked = acked;
                    lastProgress = now;
                } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(20) || acks.failed.get() > 0) {
                    return -1;
                }
                LockSupport.parkNanos(20_000);
            }
            if (i >= nextReport) {
                System.out.printf("  %,d streams sent, %,d acknowledged, %.1f s%n", i, acks.acked.get(), (System.nanoTime() - start) / 1e9);
                nextReport += streams >= 5_000_000 ? 2_000_000 : 1_000_000;
            }
        }
        while (acks.acked.get() < streams) {
            long acked = acks.acked.get();
            long now = System.nanoTime();
            if (acked != lastAcked) {
                lastAcked = acked;
                lastProgress = now;
            } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(20) || acks.failed.get() > 0) {
                return -1;
            }
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime() - start;
    }

    // ---- latency and throughput with the registry loaded ----

    private static Histogram roundTrip(Publisher publisher, BrokerThroughput.Acks acks, ByteBuffer key, byte[] keyBytes, ByteBuffer payload,
            SplittableRandom random, long streams, int digits, int count, boolean randomStream) {
        Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
        long fixed = streams / 2;
        setKey(keyBytes, fixed, digits);
        for (int i = 0; i < count; i++) {
            if (randomStream) {
                setKey(keyBytes, random.nextLong(streams), digits);
            }
            long expected = acks.acked.get() + 1;
            long start = System.nanoTime();
            while (publisher.publish(TOPIC, key, null, payload, i) != Publisher.ACCEPTED) {
                Thread.onSpinWait();
            }
            while (acks.acked.get() < expected) {
                Thread.onSpinWait();
            }
            histogram.recordValue(Math.min(System.nanoTime() - start, HIGHEST_NANOS));
        }
        return histogram;
    }

    private static void row(Brokers.Table table, String what, Histogram histogram) {
        table.row(what, us(histogram.getValueAtPercentile(50)), us(histogram.getValueAtPercentile(90)), us(histogram.getValueAtPercentile(99)),
                us(histogram.getValueAtPercentile(99.9)), us(histogram.getMaxValue()));
    }

    private static String us(long nanos) {
        return String.format("%.1f", nanos / 1e3);
    }

    private static double randomThroughput(LocalBroker broker, long streams, int digits) {
        int messages = 2_000_000;
        BrokerThroughput.Acks acks = new BrokerThroughput.Acks();
        try (Publisher publisher = broker.publisher(acks)) {
            byte[] keyBytes = keyTemplate(digits);
            ByteBuffer key = ByteBuffer.wrap(keyBytes);
            ByteBuffer payload = Brokers.payload();
            PublishBatch batch = new PublishBatch(BATCH_SIZE * 160);
            SplittableRandom random = new SplittableRandom(7);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i += BATCH_SIZE) {
                batch.clear();
                for (int b = 0; b < BATCH_SIZE; b++) {
                    setKey(keyBytes, random.nextLong(streams), digits);
                    batch.add(key, null, payload);
                }
                while (publisher.publish(TOPIC, batch, i) != Publisher.ACCEPTED) {
                    Thread.onSpinWait();
                }
            }
            int total = messages / BATCH_SIZE * BATCH_SIZE;
            while (acks.acked.get() < total) {
                LockSupport.parkNanos(20_000);
            }
            return total / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void findStreams(LocalBroker broker, long streams, int digits) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(3);
        int lookups = 5;
        double[] listing = new double[lookups];
        for (int i = 0; i < lookups; i++) {
            String key = Brokers.key(PREFIX, random.nextLong(streams), digits);
            long start = System.nanoTime();
            List<StreamDescription> found = broker.streams(TOPIC, key, 1);
            listing[i] = (System.nanoTime() - start) / 1e6;
            if (found.size() != 1 || !found.get(0).key().equals(key)) {
                System.out.println("Broker.streams did not find " + key + ": " + found);
            }
        }
        int subscribes = 20;
        double[] firstMessage = new double[subscribes];
        for (int i = 0; i < subscribes; i++) {
            String key = Brokers.key(PREFIX, random.nextLong(streams), digits);
            First handler = new First();
            long start = System.nanoTime();
            try (Subscription subscription = broker.subscribe(SubscriptionRequest.stream(TOPIC, key), handler)) {
                long deadline = start + TimeUnit.SECONDS.toNanos(10);
                while (handler.at.get() == 0 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(10_000);
                }
                firstMessage[i] = handler.at.get() == 0 ? Double.NaN : (handler.at.get() - start) / 1e6;
                if (subscription.isClosed()) {
                    System.out.println("the subscription to " + key + " was closed by the broker");
                }
            }
        }
        System.out.printf("%nFinding one stream among %,d:%n", streams);
        Brokers.Table table = new Brokers.Table("how", "median", "max", "all");
        table.row("Broker.streams(topic, exact key, 1) (admin listing; scans the registry until a match)",
                String.format("%.1f ms", Brokers.median(listing)), String.format("%.1f ms", max(listing)), Brokers.join(listing, "%.1f"));
        table.row("subscribe(stream, earliest) -> its first message delivered", String.format("%.2f ms", Brokers.median(firstMessage)),
                String.format("%.2f ms", max(firstMessage)), Brokers.join(firstMessage, "%.2f"));
        table.print();
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    /** Notes when the first message arrives (delivery thread). */
    private static final class First implements MessageHandler {
        final AtomicLong at = new AtomicLong();

        @Override
        public void onMessage(MessageView message) {
            if (at.get() == 0) {
                at.set(System.nanoTime());
            }
        }
    }

    // ---- what it costs ----

    private static void printCosts(long streams, Memory baseline, Memory empty, Memory loaded, DiskUsage empty0, DiskUsage files) {
        System.out.printf("%nMemory after System.gc(), before the broker / with the empty topic / with %,d streams:%n", streams);
        Brokers.Table memory = new Brokers.Table("what", "no broker", "empty topic", "N streams", "N streams - empty topic", "per stream");
        memoryRow(memory, "heap used", baseline.heap, empty.heap, loaded.heap, streams);
        memoryRow(memory, "direct buffers (BufferPoolMXBean 'direct')", baseline.direct, empty.direct, loaded.direct, streams);
        memoryRow(memory, "mapped buffers (BufferPoolMXBean 'mapped')", baseline.mapped, empty.mapped, loaded.mapped, streams);
        memoryRow(memory, "process resident (VmRSS)", baseline.rss, empty.rss, loaded.rss, streams);
        memoryRow(memory, "  anonymous (RssAnon: heap, native)", baseline.rssAnon, empty.rssAnon, loaded.rssAnon, streams);
        memoryRow(memory, "  file-backed (RssFile)", baseline.rssFile, empty.rssFile, loaded.rssFile, streams);
        memoryRow(memory, "  of which the registry's mapping (smaps)", baseline.registryResident, empty.registryResident,
                loaded.registryResident, streams);
        memoryRow(memory, "  of which log segments' mappings (smaps)", baseline.logResident, empty.logResident, loaded.logResident, streams);
        memory.print();

        System.out.printf("%nFiles under the data directory (apparent size / allocated on disk, from stat):%n");
        Brokers.Table table = new Brokers.Table("kind", "files", "apparent", "allocated", "allocated, empty topic", "allocated per stream");
        for (String kind : files.kinds()) {
            long[] now = files.of(kind);
            long[] before = empty0.of(kind);
            table.row(kind, now[0], mib(now[1]), mib(now[2]), mib(before[2]), String.format("%.1f B", (double) now[2] / streams));
        }
        table.row("all", files.count(), mib(files.apparent()), mib(files.allocated()), mib(empty0.allocated()),
                String.format("%.1f B", (double) files.allocated() / streams));
        table.print();

        long heap = loaded.heap - empty.heap;
        // Direct buffers only: the 'mapped' pool is the log segments' mappings (virtual size, message data), whose
        // resident part is in the smaps rows above.
        long offHeap = loaded.direct - empty.direct;
        long registryFile = files.of("registry (streams/)")[2];
        long indexFiles = files.of("segment indexes (*.index)")[2];
        long logFiles = files.of("log segments (*.log)")[2];
        double state = (double) (heap + offHeap + registryFile + indexFiles) / streams;
        System.out.printf("%nPer stream, all in: heap %.1f B + direct buffers %.1f B + registry file %.1f B + segment indexes %.1f B "
                + "= %.1f B of stream state (target: under 1 KB)%n", (double) heap / streams, (double) offHeap / streams,
                (double) registryFile / streams, (double) indexFiles / streams, state);
        System.out.printf("  plus the log holding each stream's one message: %.1f B (100-byte payload, key, headers, frame)%n",
                (double) logFiles / streams);
        System.out.printf("  resident memory grew by %.1f B a stream (the registry's mapped pages: %.1f B)%n",
                (double) (loaded.rss - empty.rss) / streams, (double) (loaded.registryResident - empty.registryResident) / streams);
    }

    private static void memoryRow(Brokers.Table table, String what, long base, long empty, long loaded, long streams) {
        table.row(what, mib(base), mib(empty), mib(loaded), mib(loaded - empty), String.format("%.1f B", (double) (loaded - empty) / streams));
    }

    private static String mib(long bytes) {
        return String.format("%,.1f MiB", bytes / 1048576.0);
    }

    /** Memory of this process after System.gc(). */
    private record Memory(long heap, long direct, long mapped, long rss, long rssAnon, long rssFile, long registryResident, long logResident) {
        /** The first line of a mapping in smaps: {@code start-end perms offset dev inode [path]}. */
        private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

        static Memory measure(Path directory) throws InterruptedException, IOException {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(100);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long direct = 0;
            long mapped = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (pool.getName().equals("direct")) {
                    direct = pool.getMemoryUsed();
                } else if (pool.getName().equals("mapped")) {
                    mapped = pool.getMemoryUsed();
                }
            }
            Map<String, Long> status = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] parts = line.split(":\\s+");
                if (parts.length == 2 && parts[1].endsWith(" kB")) {
                    status.put(parts[0], Long.parseLong(parts[1].substring(0, parts[1].length() - 3).trim()) * 1024);
                }
            }
            long registry = 0;
            long logs = 0;
            String where = directory.toString();
            String mapping = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (MAPPING.matcher(line).lookingAt()) {
                    String[] parts = line.trim().split("\\s+", 6);
                    mapping = parts.length == 6 ? parts[5] : "";
                } else if (line.startsWith("Rss:") && mapping != null && mapping.startsWith(where)) {
                    long kb = Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                    if (mapping.endsWith(".cmap")) {
                        registry += kb * 1024;
                    } else if (mapping.endsWith(".log")) {
                        logs += kb * 1024;
                    }
                }
            }
            return new Memory(heap, direct, mapped, status.getOrDefault("VmRSS", -1L), status.getOrDefault("RssAnon", -1L),
                    status.getOrDefault("RssFile", -1L), registry, logs);
        }
    }

    /** The files under a directory by kind: count, apparent bytes, allocated bytes. */
    private static final class DiskUsage {
        private final Map<String, long[]> byKind = new LinkedHashMap<>();

        static DiskUsage of(Path directory) throws IOException, InterruptedException {
            DiskUsage files = new DiskUsage();
            for (String kind : new String[] {"registry (streams/)", "log segments (*.log)", "segment indexes (*.index)", "other"}) {
                files.byKind.put(kind, new long[3]);
            }
            List<Path> all = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(directory)) {
                walk.filter(java.nio.file.Files::isRegularFile).forEach(all::add);
            }
            Map<Path, Long> allocated = allocated(all);
            for (Path file : all) {
                String name = file.getFileName().toString();
                String kind = file.getParent().getFileName().toString().equals("streams") ? "registry (streams/)"
                        : name.endsWith(".log") ? "log segments (*.log)" : name.endsWith(".index") ? "segment indexes (*.index)" : "other";
                long[] sums = files.byKind.get(kind);
                sums[0]++;
                sums[1] += Files.size(file);
                sums[2] += allocated.getOrDefault(file, 0L);
            }
            return files;
        }

        /** @return bytes allocated on disk for each file, from {@code stat -c '%b %B %n'} */
        private static Map<Path, Long> allocated(List<Path> files) throws IOException, InterruptedException {
            Map<Path, Long> sizes = new LinkedHashMap<>();
            if (files.isEmpty()) {
                return sizes;
            }
            List<String> command = new ArrayList<>(List.of("stat", "-c", "%b %B %n"));
            for (Path file : files) {
                command.add(file.toString());
            }
            Process stat = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            stat.waitFor();
            for (String line : out.split("\n")) {
                String[] parts = line.split(" ", 3);
                if (parts.length == 3) {
                    try {
                        sizes.put(Path.of(parts[2]), Long.parseLong(parts[0]) * Long.parseLong(parts[1]));
                    } catch (NumberFormatException e) {
                        // a message from stat, not a line of output
                    }
                }
            }
            return sizes;
        }

        Iterable<String> kinds() {
            return byKind.keySet();
        }

        long[] of(String kind) {
            return byKind.getOrDefault(kind, new long[3]);
        }

        long count() {
            return byKind.values().stream().mapToLong(v -> v[0]).sum();
        }

        long apparent() {
            return byKind.values().stream().mapToLong(v -> v[1]).sum();
        }

        long allocated() {
            return byKind.values().stream().mapToLong(v -> v[2]).sum();
        }
    }
}
