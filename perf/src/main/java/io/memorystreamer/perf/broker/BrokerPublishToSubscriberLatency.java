package io.memorystreamer.perf.broker;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.internal.BrokerConfig;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.perf.wal.ProcessStats;
import io.memorystreamer.perf.wal.TempLogs;
import io.memorystreamer.wal.Durability;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Publish-to-subscriber latency of the broker in process: a paced publisher sends 100-byte
 * messages at a fixed rate to one topic, round-robin over N streams, and a subscriber to the whole
 * topic records, on the broker's delivery thread, how long each message took to reach its handler.
 *
 * <p><b>Coordinated omission.</b> Message {@code i} is due at {@code start + i / rate}; the
 * publisher sends it at that time (or as soon as it can, when late) and writes both its due time
 * and its actual send time ({@link System#nanoTime()}) into the payload. The main figure is
 * measured <em>from the due time</em>, so a publisher that fell behind (back-pressure, a stall, a
 * preempted thread) shows as latency instead of as fewer samples. The figure from the actual send
 * is printed too, and so is the acknowledgement latency (due time to the publish listener's
 * {@code onPublished}, on the writer thread: the message appended, and durable as its topic's
 * durability promises).
 *
 * <p><b>Threads.</b> The publisher (main thread), the broker's writer ({@code ms-writer-0}), its
 * delivery thread ({@code ms-delivery}), and each shard's log flusher ({@code ms-wal-*}).
 * {@code --idle spin} makes the writer and the delivery thread busy-spin when idle (one core each:
 * on a 2-core machine the publisher and the flusher then run on cores taken by spinners);
 * {@code --idle backoff} makes them spin briefly, yield, then park (up to 1 ms; nothing wakes a
 * parked writer or delivery thread, they wake by their own timer). {@code --producer park}
 * (default) sleeps until the next message is due and then sends every message that is due, so at
 * 1M msg/s messages leave in bursts of ~50 (Linux's park lasts ~50-60 µs at least);
 * {@code --producer spin} spins to each due time (exact spacing, one more core).
 * {@code --publish single} (default) makes one {@code publish} call per message;
 * {@code --publish batch} puts every message due when the publisher wakes (up to 64) into one
 * {@link PublishBatch} and one call (each message still stamped with its own due time; the send
 * time is when the batch was filled).
 *
 * <pre>
 * java @perf/chronicle.args -cp perf/target/benchmarks.jar io.memorystreamer.perf.broker.BrokerPublishToSubscriberLatency \
 *     [--rates 100000,1000000] [--streams 1,1000] [--durability NONE,BATCH] [--idle spin,backoff] \
 *     [--warmup 2] [--seconds 5] [--runs 1] [--producer park|spin] [--publish single|batch] [--shards 1] [--preallocate false] \
 *     [--inbox-mib 8]
 * </pre>
 *
 * <p>Every combination of the lists is run, {@code --runs} passes over all of them (interleaved, so
 * a noisy moment of the machine does not fall on one combination only), each in a new broker
 * writing to a new directory under {@code /tmp} (about rate x 190 bytes a second: 1.3 GB for 7 s at
 * 1M msg/s) deleted after it. Prints each run, then one table with the medians over the runs.
 */
public final class BrokerPublishToSubscriberLatency {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String TOPIC = "latency";
    /** The most messages one batched publish call carries. */
    private static final int MAX_BATCH = 64;

    private record Config(boolean spin, Durability durability, int streams, int rate) {
        String label() {
            return String.format("idle %s, durability %s, %,d stream%s, %,d msg/s", Brokers.idleName(spin), durability, streams,
                    streams == 1 ? "" : "s", rate);
        }
    }

    private record Result(double achievedRate, Histogram fromDue, Histogram fromSend, Histogram ack, long backPressured, long missing,
            double othersPercent) {
    }

    private final int warmupSeconds;
    private final int seconds;
    private final boolean producerSpins;
    private final int shards;
    private final boolean preallocate;
    private final boolean batched;
    private final int inboxBytes;

    private BrokerPublishToSubscriberLatency(int warmupSeconds, int seconds, boolean producerSpins, int shards, boolean preallocate,
            boolean batched, int inboxBytes) {
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.producerSpins = producerSpins;
        this.shards = shards;
        this.preallocate = preallocate;
        this.batched = batched;
        this.inboxBytes = inboxBytes;
    }

    /**
     * Runs every combination of the options' lists.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        List<Integer> rates = List.of(100_000, 1_000_000);
        List<Integer> streams = List.of(1, 1000);
        List<Durability> durabilities = List.of(Durability.NONE, Durability.BATCH);
        List<Boolean> idles = List.of(true, false);
        int warmup = 2;
        int seconds = 5;
        int runs = 1;
        String producer = "park";
        int shards = 1;
        boolean preallocate = false;
        String publish = "single";
        int inboxMib = BrokerConfig.DEFAULT_INBOX_BYTES >> 20;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --rates <msg/s list, default 100000,1000000> --streams <list, default 1,1000>"
                        + " --durability <NONE,BATCH,SYNC list, default NONE,BATCH> --idle <spin,backoff list, default both>"
                        + " --warmup <s, default 2> --seconds <s, default 5> --runs <passes, default 1> --producer <park|spin, default park>"
                        + " --shards <per topic, default 1> --preallocate <true|false, default false>"
                        + " --publish <single|batch: one call per message, or one PublishBatch of the messages due (up to 64), default single>"
                        + " --inbox-mib <the writer's inbox, a power of two, default 8>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--rates" -> rates = Brokers.list(value, Integer::parseInt);
                case "--streams" -> streams = Brokers.list(value, Integer::parseInt);
                case "--durability" -> durabilities = Brokers.list(value, Brokers::durability);
                case "--idle" -> idles = Brokers.list(value, Brokers::parseIdle);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--runs" -> runs = Integer.parseInt(value);
                case "--producer" -> producer = value;
                case "--shards" -> shards = Integer.parseInt(value);
                case "--preallocate" -> preallocate = Boolean.parseBoolean(value);
                case "--publish" -> publish = value;
                case "--inbox-mib" -> inboxMib = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        if (!publish.equals("single") && !publish.equals("batch")) {
            throw new IllegalArgumentException("--publish must be single or batch, not " + publish);
        }
        if (!producer.equals("park") && !producer.equals("spin")) {
            throw new IllegalArgumentException("--producer must be park or spin, not " + producer);
        }
        if (warmup < 0 || seconds < 1 || runs < 1) {
            throw new IllegalArgumentException("--warmup at least 0, --seconds and --runs at least 1");
        }
        Brokers.requireJvmOptions(BrokerPublishToSubscriberLatency.class.getSimpleName());
        List<Config> configs = new ArrayList<>();
        for (boolean idle : idles) {
            for (Durability durability : durabilities) {
                for (int n : streams) {
                    for (int rate : rates) {
                        configs.add(new Config(idle, durability, n, rate));
                    }
                }
            }
        }
        System.out.printf("BrokerPublishToSubscriberLatency: %d-byte payloads, topic subscription, %d shard(s), %d s warm-up + %d s measured, "
                + "producer %ss between sends, publishes %s, %d run(s) of %d combinations, segments preallocated: %b, inbox %d MiB; %d cores, %s%n",
                Brokers.PAYLOAD_SIZE, shards, warmup, seconds, producer, publish.equals("batch") ? "a batch of the messages due (up to 64) a call"
                : "one message a call", runs, configs.size(), preallocate, inboxMib, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"));
        BrokerPublishToSubscriberLatency harness = new BrokerPublishToSubscriberLatency(warmup, seconds, producer.equals("spin"), shards,
                preallocate, publish.equals("batch"), inboxMib << 20);
        Result[][] results = new Result[configs.size()][runs];
        for (int run = 0; run < runs; run++) {
            for (int c = 0; c < configs.size(); c++) {
                results[c][run] = harness.run(configs.get(c), run + 1);
            }
        }
        System.out.printf("%nLatency from the due time (coordinated-omission free), in µs; medians of %d run(s); "
                + "'ack p99' is due time -> onPublished; the last column is the share of the CPUs other processes took in each run "
                + "(tick-sampled): a run where it is high measured the machine more than the broker%n", runs);
        Brokers.Table table = new Brokers.Table("idle", "durability", "streams", "target msg/s", "achieved msg/s", "p50", "p99", "p99.9",
                "max", "from send p99", "ack p99", "back-pressured", "others' CPU %");
        for (int c = 0; c < configs.size(); c++) {
            Config config = configs.get(c);
            Result[] r = results[c];
            table.row(Brokers.idleName(config.spin), config.durability, config.streams, String.format("%,d", config.rate),
                    String.format("%,.0f", median(r, x -> x.achievedRate)),
                    micros(median(r, x -> x.fromDue.getValueAtPercentile(50))), micros(median(r, x -> x.fromDue.getValueAtPercentile(99))),
                    micros(median(r, x -> x.fromDue.getValueAtPercentile(99.9))), micros(median(r, x -> x.fromDue.getMaxValue())),
                    micros(median(r, x -> x.fromSend.getValueAtPercentile(99))), micros(median(r, x -> x.ack.getValueAtPercentile(99))),
                    String.format("%,.0f", median(r, x -> x.backPressured)), othersPercents(r));
        }
        table.print();
    }

    /** @return each run's share of CPU taken by other processes, for judging the row */
    private static String othersPercents(Result[] results) {
        double[] values = new double[results.length];
        for (int i = 0; i < results.length; i++) {
            values[i] = results[i].othersPercent;
        }
        return Brokers.join(values, "%.0f");
    }

    private interface Metric {
        double of(Result result);
    }

    private static double median(Result[] results, Metric metric) {
        double[] values = new double[results.length];
        for (int i = 0; i < results.length; i++) {
            values[i] = metric.of(results[i]);
        }
        return Brokers.median(values);
    }

    private static String micros(double nanos) {
        double us = nanos / 1000.0;
        return us >= 1000 ? String.format("%,.0f", us) : us >= 100 ? String.format("%.0f", us) : String.format("%.1f", us);
    }

    private Result run(Config config, int runNumber) throws Exception {
        long warmupMessages = (long) config.rate * warmupSeconds;
        long total = warmupMessages + (long) config.rate * seconds;
        Path directory = Brokers.newDirectory("latency");
        TempLogs.requireFreeSpace(directory, total * 200 + 2L * Brokers.SEGMENT_BYTES * shards, "BrokerPublishToSubscriberLatency");
        LocalBroker broker = null;
        try {
            broker = Brokers.open(directory, config.spin, preallocate, inboxBytes);
            broker.createTopic(Brokers.topic(TOPIC, config.durability, shards));
            ByteBuffer[] keys = Brokers.keys("stream/", config.streams, 6);
            Receiver receiver = new Receiver(warmupMessages);
            Acks acks = new Acks(warmupMessages, config.rate);
            long interval = 1_000_000_000L;
            long measured;
            long backPressured = 0;
            long sendEnd;
            long measureStart = 0;
            long batches = 0;
            ProcessStats.Snapshot before = null;
            try (Subscription subscription = broker.subscribe(SubscriptionRequest.topic(TOPIC), receiver);
                    Publisher publisher = broker.publisher(acks)) {
                ByteBuffer payload = Brokers.payload();
                // Read /proc before sending, not when the measured part starts: the read takes milliseconds, which the
                // messages due meanwhile would show as latency. So the statistics include the warm-up.
                before = ProcessStats.snapshot();
                long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                acks.start = start;
                int streams = config.streams;
                int rate = config.rate;
                PublishBatch batch = new PublishBatch(MAX_BATCH * 160);
                long i = 0;
                while (i < total) {
                    long due = start + i * interval / rate;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        if (producerSpins) {
                            Thread.onSpinWait();
                        } else {
                            LockSupport.parkNanos(due - now);
                        }
                    }
                    if (!batched) {
                        if (i == warmupMessages) {
                            measureStart = now;
                        }
                        payload.putLong(8, due);
                        payload.putLong(16, i);
                        ByteBuffer key = keys[(int) (i % streams)];
                        while (true) {
                            payload.putLong(0, System.nanoTime());
                            if (publisher.publish(TOPIC, key, null, payload, i) == Publisher.ACCEPTED) {
                                break;
                            }
                            backPressured++;
                            Thread.onSpinWait();
                        }
                        i++;
                        continue;
                    }
                    // Every message due by now (up to MAX_BATCH) in one call, each stamped with its own due time.
                    long first = i;
                    batch.clear();
                    do {
                        if (i == warmupMessages) {
                            measureStart = now;
                        }
                        payload.putLong(0, now);
                        payload.putLong(8, start + i * interval / rate);
                        payload.putLong(16, i);
                        batch.add(keys[(int) (i % streams)], null, payload);
                        i++;
                    } while (i < total && batch.count() < MAX_BATCH && start + i * interval / rate <= now);
                    while (publisher.publish(TOPIC, batch, first) != Publisher.ACCEPTED) {
                        backPressured++;
                        Thread.onSpinWait();
                    }
                    batches++;
                }
                sendEnd = System.nanoTime();
                long deadline = sendEnd + TimeUnit.SECONDS.toNanos(30);
                while ((receiver.received.get() < total || acks.acked.get() + acks.failed.get() < total) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                measured = total - warmupMessages;
                if (subscription.delivered() != receiver.received.get()) {
                    System.out.printf("the subscription counts %,d delivered, the handler %,d%n", subscription.delivered(), receiver.received.get());
                }
            }
            ProcessStats.Snapshot after = ProcessStats.snapshot();
            double achieved = measured / ((sendEnd - measureStart) / 1e9);
            long missing = total - receiver.received.get();
            System.out.printf("%n== run %d: %s: %,d messages (%,d measured) sent at %,.0f msg/s%s; BACK_PRESSURED retries %,d; "
                    + "not received %,d, not acknowledged %,d, failed %,d%n", runNumber, config.label(), total, measured, achieved,
                    batched ? String.format(" in %,d batches (%.1f messages a batch)", batches, (double) total / batches) : "", backPressured,
                    missing, total - acks.acked.get() - acks.failed.get(), acks.failed.get());
            if (before != null) {
                System.out.println("while sending (warm-up included): " + after.since(before));
            }
            print("due  -> subscriber (from schedule)", receiver.fromDue);
            print("send -> subscriber (from send)", receiver.fromSend);
            print("due  -> onPublished (ack)", acks.latency);
            System.out.println("stalls: " + receiver.describeEpisodes(acks.start));
            return new Result(achieved, receiver.fromDue, receiver.fromSend, acks.latency, backPressured, missing,
                    before == null ? -1 : after.othersPercentSince(before));
        } finally {
            Brokers.closeAndDelete(broker, directory);
        }
    }

    private static void print(String what, Histogram histogram) {
        System.out.printf("%-36s µs: p50 %8.1f  p90 %8.1f  p99 %8.1f  p99.9 %9.1f  p99.99 %9.1f  max %9.1f  (%,d samples)%n", what,
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(90) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getValueAtPercentile(99.99) / 1e3, histogram.getMaxValue() / 1e3,
                histogram.getTotalCount());
    }

    /**
     * The subscriber's handler: runs on the delivery thread, which alone writes its histograms (read after the run). Also
     * notes episodes of consecutive measured messages more than {@value #EPISODE_NANOS} ns late (from their due time), to
     * tell a few long stalls from a spread-out tail.
     */
    private static final class Receiver implements MessageHandler {
        static final long EPISODE_NANOS = 1_000_000;
        static final int MAX_EPISODES = 100_000;
        final Histogram fromDue = new Histogram(HIGHEST_NANOS, 3);
        final Histogram fromSend = new Histogram(HIGHEST_NANOS, 3);
        final AtomicLong received = new AtomicLong();
        final long[] episodeStart = new long[MAX_EPISODES];
        final long[] episodePeak = new long[MAX_EPISODES];
        final long[] episodeMessages = new long[MAX_EPISODES];
        int episodes;
        private boolean inEpisode;
        private final long warmupMessages;

        Receiver(long warmupMessages) {
            this.warmupMessages = warmupMessages;
        }

        private void episode(long due, long latency) {
            if (latency <= EPISODE_NANOS) {
                inEpisode = false;
                return;
            }
            if (!inEpisode) {
                if (episodes == MAX_EPISODES) {
                    return;
                }
                inEpisode = true;
                episodeStart[episodes] = due;
                episodes++;
            }
            int e = episodes - 1;
            episodePeak[e] = Math.max(episodePeak[e], latency);
            episodeMessages[e]++;
        }

        /** @return a line about the episodes, the longest ones with their time (due time of their first message, since {@code start}) */
        String describeEpisodes(long start) {
            if (episodes == 0) {
                return "no message was more than 1 ms late";
            }
            Integer[] order = new Integer[episodes];
            for (int i = 0; i < episodes; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(episodePeak[b], episodePeak[a]));
            StringBuilder text = new StringBuilder(String.format("%,d episode(s) of messages more than 1 ms late (%,d messages); worst:",
                    episodes, java.util.Arrays.stream(episodeMessages, 0, episodes).sum()));
            for (int i = 0; i < Math.min(6, episodes); i++) {
                int e = order[i];
                text.append(String.format(" %.1f ms at %.3f s (%,d msgs);", episodePeak[e] / 1e6, (episodeStart[e] - start) / 1e9, episodeMessages[e]));
            }
            return text.toString();
        }

        @Override
        public void onMessage(MessageView message) {
            long now = System.nanoTime();
            ByteBuffer buffer = message.buffer();
            int at = message.payloadOffset();
            long sent = buffer.getLong(at);
            long due = buffer.getLong(at + 8);
            long sequence = buffer.getLong(at + 16);
            if (sequence >= warmupMessages) {
                fromDue.recordValue(Math.min(Math.max(0, now - due), HIGHEST_NANOS));
                fromSend.recordValue(Math.min(Math.max(0, now - sent), HIGHEST_NANOS));
                episode(due, now - due);
            }
            received.lazySet(received.get() + 1);
        }
    }

    /**
     * The publish listener: runs on the writer thread, which alone writes its histogram. The token is the number of the
     * call's first message, so a message's number is token + index.
     */
    private static final class Acks implements PublishListener {
        final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        private final long warmupMessages;
        private final int rate;
        volatile long start;

        Acks(long warmupMessages, int rate) {
            this.warmupMessages = warmupMessages;
            this.rate = rate;
        }

        @Override
        public void onPublished(long token, int index, long streamOffset) {
            long number = token + index;
            if (number >= warmupMessages) {
                long due = start + number * 1_000_000_000L / rate;
                latency.recordValue(Math.min(Math.max(0, System.nanoTime() - due), HIGHEST_NANOS));
            }
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
