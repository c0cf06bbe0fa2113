package io.memorystreamer.perf.broker;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.perf.wal.ProcessStats;
import io.memorystreamer.perf.wal.TempLogs;
import io.memorystreamer.wal.Durability;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publish throughput of the broker in process: publisher threads send 100-byte messages as fast
 * as the broker takes them, round-robin over N streams of one topic, either one message per call
 * ({@code single}) or in {@link PublishBatch}es of 64 ({@code batch}, filling the batch counted);
 * the clock runs from the start signal until the publish listeners have heard of every message
 * (acknowledged: appended, and durable as the topic's durability promises). A publisher that gets
 * {@code BACK_PRESSURED} (the writer's 8 MiB inbox is full) retries after a pause: {@code --retry park}
 * (default) sleeps ~50 µs, {@code yield} gives the core away once, {@code spin} retries at once (on
 * 2 cores a spinning publisher takes CPU the writer needs, and every refused call has validated and
 * hashed its keys for nothing).
 *
 * <pre>
 * java @perf/chronicle.args -cp perf/target/benchmarks.jar io.memorystreamer.perf.broker.BrokerThroughput \
 *     [--publishers 1,2] [--streams 1,1000] [--mode batch,single] [--messages 5000000] [--warmup-messages 2000000] \
 *     [--runs 3] [--idle backoff] [--durability NONE] [--batch 64] [--shards 1] [--preallocate false] [--retry park|yield|spin] \
 *     [--subscribe false]
 * </pre>
 *
 * <p>Each run opens a new broker in a new directory under {@code /tmp}, publishes the warm-up
 * messages, then the measured ones (about 190 bytes of log a message: ~1.3 GB for 7 M), and deletes
 * it. {@code --runs} passes go over every combination (interleaved); the table gives the median
 * msg/s and MB/s (payload bytes only: 100 a message) with every run's msg/s.
 *
 * <p>{@code --idle backoff} (default): the writer and the delivery thread back off when idle (the
 * delivery thread, with no subscriber here, then costs nothing); {@code --idle spin} makes both
 * spin, so with no subscription the delivery thread takes a core for nothing: on 2 cores that is
 * what you measure.
 *
 * <p>{@code --subscribe true} adds one subscriber to the whole topic (counting messages on the
 * delivery thread) and stops the clock only when it has received every message too.
 */
public final class BrokerThroughput {
    private static final String TOPIC = "throughput";
    /** What a publisher asks to sleep after BACK_PRESSURED with {@code --retry park} (Linux makes it ~50-60 µs at least). */
    private static final long PARK_NANOS = 10_000;

    private record Config(int publishers, int streams, boolean batch) {
    }

    private record Result(double messagesPerSecond, double acceptedPerSecond, long backPressured, long gcCount, long gcMillis,
            double othersPercent) {
    }

    private final long messages;
    private final long warmupMessages;
    private final boolean spin;
    private final Durability durability;
    private final int batchSize;
    private final int shards;
    private final boolean preallocate;
    private final String retry;
    private final boolean subscribe;

    private BrokerThroughput(long messages, long warmupMessages, boolean spin, Durability durability, int batchSize, int shards,
            boolean preallocate, String retry, boolean subscribe) {
        this.messages = messages;
        this.warmupMessages = warmupMessages;
        this.spin = spin;
        this.durability = durability;
        this.batchSize = batchSize;
        this.shards = shards;
        this.preallocate = preallocate;
        this.retry = retry;
        this.subscribe = subscribe;
    }

    /**
     * Runs every combination of the options' lists.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        List<Integer> publishers = List.of(1, 2);
        List<Integer> streams = List.of(1, 1000);
        List<String> modes = List.of("batch", "single");
        long messages = 5_000_000;
        long warmup = 2_000_000;
        int runs = 3;
        boolean spin = false;
        Durability durability = Durability.NONE;
        int batchSize = 64;
        int shards = 1;
        boolean preallocate = false;
        String retry = "park";
        boolean subscribe = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --publishers <threads list, default 1,2> --streams <list, default 1,1000>"
                        + " --mode <batch,single list, default both> --messages <measured per run, default 5000000>"
                        + " --warmup-messages <per run, default 2000000> --runs <default 3> --idle <spin|backoff, default backoff>"
                        + " --durability <NONE|BATCH|SYNC, default NONE> --batch <messages per PublishBatch, default 64>"
                        + " --shards <per topic, default 1> --preallocate <true|false, default false>"
                        + " --retry <spin|yield|park: what a publisher does before retrying a BACK_PRESSURED call, default park>"
                        + " --subscribe <true|false: one subscriber to the topic, and the clock stops when it has every message too; default false>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--publishers" -> publishers = Brokers.list(value, Integer::parseInt);
                case "--streams" -> streams = Brokers.list(value, Integer::parseInt);
                case "--mode" -> modes = Brokers.list(value, m -> m.toLowerCase(Locale.ROOT));
                case "--messages" -> messages = Long.parseLong(value);
                case "--warmup-messages" -> warmup = Long.parseLong(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--idle" -> spin = Brokers.parseIdle(value);
                case "--durability" -> durability = Brokers.durability(value);
                case "--batch" -> batchSize = Integer.parseInt(value);
                case "--shards" -> shards = Integer.parseInt(value);
                case "--preallocate" -> preallocate = Boolean.parseBoolean(value);
                case "--retry" -> retry = value;
                case "--subscribe" -> subscribe = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        if (!List.of("spin", "yield", "park").contains(retry)) {
            throw new IllegalArgumentException("--retry must be spin, yield or park, not " + retry);
        }
        for (String mode : modes) {
            if (!mode.equals("batch") && !mode.equals("single")) {
                throw new IllegalArgumentException("--mode takes batch and single, not " + mode);
            }
        }
        if (messages < 1 || warmup < 0 || runs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--messages, --runs and --batch at least 1, --warmup-messages at least 0");
        }
        Brokers.requireJvmOptions(BrokerThroughput.class.getSimpleName());
        List<Config> configs = new ArrayList<>();
        for (int p : publishers) {
            for (int n : streams) {
                for (String mode : modes) {
                    configs.add(new Config(p, n, mode.equals("batch")));
                }
            }
        }
        System.out.printf("BrokerThroughput: %d-byte payloads, durability %s, %d shard(s), idle %s, %,d warm-up + %,d measured messages a run, "
                + "%d run(s) of %d combinations, batches of %d, segments preallocated: %b, on BACK_PRESSURED: %s, subscriber: %b; %d cores, %s%n",
                Brokers.PAYLOAD_SIZE, durability, shards, Brokers.idleName(spin), warmup, messages, runs, configs.size(), batchSize, preallocate,
                retry, subscribe,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        BrokerThroughput harness = new BrokerThroughput(messages, warmup, spin, durability, batchSize, shards, preallocate, retry,
                subscribe);
        Result[][] results = new Result[configs.size()][runs];
        for (int run = 0; run < runs; run++) {
            for (int c = 0; c < configs.size(); c++) {
                results[c][run] = harness.run(configs.get(c), run + 1);
            }
        }
        System.out.printf("%nMessages acknowledged per second (publish start -> last onPublished%s), medians of %d run(s); MB/s of payload "
                + "(100 B a message); durability %s, idle %s; the last column is the share of the CPUs other processes took in each run%n",
                subscribe ? " and last delivery to the subscriber" : "", runs, durability,
                Brokers.idleName(spin));
        Brokers.Table table = new Brokers.Table("publishers", "streams", "mode", "msg/s", "MB/s", "runs (msg/s)", "accepted msg/s",
                "back-pressured", "GCs", "others' CPU %");
        for (int c = 0; c < configs.size(); c++) {
            Config config = configs.get(c);
            double[] rates = new double[runs];
            double[] accepted = new double[runs];
            double[] pressured = new double[runs];
            double[] gcs = new double[runs];
            double[] others = new double[runs];
            for (int r = 0; r < runs; r++) {
                rates[r] = results[c][r].messagesPerSecond;
                accepted[r] = results[c][r].acceptedPerSecond;
                pressured[r] = results[c][r].backPressured;
                gcs[r] = results[c][r].gcCount;
                others[r] = results[c][r].othersPercent;
            }
            double median = Brokers.median(rates);
            table.row(config.publishers, config.streams, config.batch ? "batch of " + batchSize : "single", String.format("%,.0f", median),
                    String.format("%,.0f", median * Brokers.PAYLOAD_SIZE / 1e6), Brokers.join(rates, "%,.0f"),
                    String.format("%,.0f", Brokers.median(accepted)), String.format("%,.0f", Brokers.median(pressured)),
                    String.format("%.0f", Brokers.median(gcs)), Brokers.join(others, "%.0f"));
        }
        table.print();
    }

    private Result run(Config config, int runNumber) throws Exception {
        Path directory = Brokers.newDirectory("throughput");
        TempLogs.requireFreeSpace(directory, (messages + warmupMessages) * 200 + 2L * Brokers.SEGMENT_BYTES * shards, "BrokerThroughput");
        LocalBroker broker = null;
        try {
            broker = Brokers.open(directory, spin, preallocate);
            broker.createTopic(Brokers.topic(TOPIC, durability, shards));
            ByteBuffer[] keys = Brokers.keys("stream/", config.streams, 6);
            Counter counter = new Counter();
            Subscription subscription = subscribe ? broker.subscribe(SubscriptionRequest.topic(TOPIC), counter) : null;
            if (warmupMessages > 0) {
                publishAll(broker, config, keys, warmupMessages, 0, new long[1], counter);
            }
            long[] backPressured = new long[1];
            ProcessStats.Snapshot before = ProcessStats.snapshot();
            long[] times = publishAll(broker, config, keys, messages, warmupMessages, backPressured, counter);
            ProcessStats.Snapshot after = ProcessStats.snapshot();
            if (subscription != null) {
                subscription.close();
            }
            double seconds = times[1] / 1e9;
            double rate = messages / seconds;
            double acceptedRate = messages / (times[0] / 1e9);
            long[] writer = broker.writerCounters();
            System.out.printf("run %d: %d publisher(s), %,d stream(s), %s: %,d messages acknowledged in %.3f s = %,.0f msg/s (%,.0f MB/s payload); "
                    + "all accepted after %.3f s (%,.0f msg/s); BACK_PRESSURED %,d; writer: %,d frames for %,d messages (%.1f a frame), "
                    + "%,d back-pressure waits%n  while measured: %s%n", runNumber, config.publishers, config.streams,
                    config.batch ? "batch of " + batchSize : "single", messages, seconds, rate, rate * Brokers.PAYLOAD_SIZE / 1e6, times[0] / 1e9,
                    acceptedRate, backPressured[0], writer[0], writer[1], writer[0] == 0 ? 0.0 : (double) writer[1] / writer[0], writer[2],
                    after.since(before));
            return new Result(rate, acceptedRate, backPressured[0], after.gcCount() - before.gcCount(), after.gcMillis() - before.gcMillis(),
                    after.othersPercentSince(before));
        } finally {
            Brokers.closeAndDelete(broker, directory);
        }
    }

    /**
     * Publishes {@code count} messages from {@code config.publishers} threads and waits for every acknowledgement.
     *
     * @return nanoseconds from the start signal until every call was accepted, and until every message was acknowledged
     */
    private long[] publishAll(LocalBroker broker, Config config, ByteBuffer[] keys, long count, long firstMessage, long[] backPressured,
            Counter counter) throws InterruptedException {
        long deliveredBefore = counter.received.get();
        int threads = config.publishers;
        PublisherThread[] workers = new PublisherThread[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            long share = count / threads + (t < count % threads ? 1 : 0);
            workers[t] = new PublisherThread(broker, config, keys, t, threads, share, firstMessage, ready, go);
            workers[t].start();
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        long acceptedAt = 0;
        while (true) {
            long acked = 0;
            long failed = 0;
            boolean sending = false;
            for (PublisherThread worker : workers) {
                acked += worker.acks.acked.get();
                failed += worker.acks.failed.get();
                sending |= worker.isAlive();
            }
            if (!sending && acceptedAt == 0) {
                acceptedAt = System.nanoTime() - start;
            }
            if (acked + failed >= count && (!subscribe || counter.received.get() - deliveredBefore >= count)) {
                long done = System.nanoTime() - start;
                if (acceptedAt == 0) {
                    acceptedAt = done;
                }
                if (failed > 0) {
                    throw new IllegalStateException(failed + " message(s) failed; see the first error above");
                }
                for (PublisherThread worker : workers) {
                    worker.join();
                    backPressured[0] += worker.backPressured;
                }
                return new long[] {acceptedAt, done};
            }
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) {
                throw new IllegalStateException("only " + acked + " of " + count + " messages acknowledged, "
                        + (counter.received.get() - deliveredBefore) + " delivered, after 5 minutes");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** One publishing thread: its own Publisher, batch, payload and listener. */
    private final class PublisherThread extends Thread {
        final Acks acks = new Acks();
        long backPressured;
        private final LocalBroker broker;
        private final Config config;
        private final ByteBuffer[] keys;
        private final int index;
        private final int threads;
        private final long count;
        private final long firstMessage;
        private final CountDownLatch ready;
        private final CountDownLatch go;

        PublisherThread(LocalBroker broker, Config config, ByteBuffer[] keys, int index, int threads, long count, long firstMessage,
                CountDownLatch ready, CountDownLatch go) {
            super("publisher-" + index);
            this.broker = broker;
            this.config = config;
            this.keys = keys;
            this.index = index;
            this.threads = threads;
            this.count = count;
            this.firstMessage = firstMessage;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            try (Publisher publisher = broker.publisher(acks)) {
                ByteBuffer payload = Brokers.payload();
                PublishBatch batch = new PublishBatch(batchSize * (PublishBatch.ENTRY_HEADER_LENGTH + 16 + Brokers.PAYLOAD_SIZE) + 64);
                int streams = keys.length;
                ready.countDown();
                go.await();
                // Message m of this thread is number firstMessage + index + m * threads overall; its stream is that number mod streams.
                long number = firstMessage + index;
                long sent = 0;
                long pressured = 0;
                if (config.batch) {
                    long token = 0;
                    while (sent < count) {
                        int n = (int) Math.min(batchSize, count - sent);
                        batch.clear();
                        for (int i = 0; i < n; i++) {
                            payload.putLong(0, number);
                            batch.add(keys[(int) (number % streams)], null, payload);
                            number += threads;
                        }
                        while (publisher.publish(TOPIC, batch, token) != Publisher.ACCEPTED) {
                            pressured++;
                            pause();
                        }
                        token++;
                        sent += n;
                    }
                } else {
                    while (sent < count) {
                        payload.putLong(0, number);
                        while (publisher.publish(TOPIC, keys[(int) (number % streams)], null, payload, sent) != Publisher.ACCEPTED) {
                            pressured++;
                            pause();
                        }
                        number += threads;
                        sent++;
                    }
                }
                backPressured = pressured;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits a little before retrying a BACK_PRESSURED call, as {@code --retry} says. */
    private void pause() {
        switch (retry) {
            case "spin" -> Thread.onSpinWait();
            case "yield" -> Thread.yield();
            default -> LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Counts deliveries; called on the delivery thread only. */
    private static final class Counter implements MessageHandler {
        final AtomicLong received = new AtomicLong();

        @Override
        public void onMessage(MessageView message) {
            received.lazySet(received.get() + 1);
        }
    }

    /** Counts acknowledgements; called on the writer thread only. */
    static final class Acks implements PublishListener {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        @Override
        public void onPublished(long token, int index, long streamOffset) {
            acked.lazySet(acked.get() + 1);
        }

        @Override
        public void onFailed(long token, int index, BrokerException error) {
            if (failed.getAndIncrement() == 0) {
                System.err.println("a publish failed: " + error);
            }
        }
    }
}
