package io.memorystreamer.perf.broker;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.perf.wal.ProcessStats;
import io.memorystreamer.perf.wal.TempLogs;
import io.memorystreamer.wal.Durability;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap bytes allocated per message, thread by thread, on the broker's publish path at steady
 * state: the publisher's {@code publish} (single messages, and {@link PublishBatch}es of 64
 * including filling them), the writer thread ({@code ms-writer-0}: inbox, stream registry, log
 * append, acknowledgement), the delivery thread ({@code ms-delivery}, with one subscriber to the
 * whole topic) and the shard's log flusher ({@code ms-wal-<topic>-0}). Read from each thread's own
 * counter ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) around each measured
 * phase, after a warm-up of both phases long enough for the JIT to compile them; the garbage
 * collections during each phase are printed too (run with {@code -Xlog:gc} and a small young
 * generation, {@code -Xmn8m}, to see them happen or not).
 *
 * <pre>
 * java @perf/chronicle.args [-Xlog:gc -Xmn8m] -cp perf/target/benchmarks.jar io.memorystreamer.perf.broker.BrokerAllocation \
 *     [--messages 1000000] [--streams 1000] [--idle backoff]
 * </pre>
 *
 * <p>Durability NONE, one shard, 100-byte payloads; the publisher paces itself by the
 * acknowledgements (at most 16 Ki messages, ~2.5 MB, in flight) so that it rarely finds the writer's
 * 8 MiB inbox full: a {@code BACK_PRESSURED} call is retried, and what a refused call allocated
 * counts too (the retries are printed).
 * Writes about 200 bytes of log a message to a new directory under {@code /tmp}, deleted at the end.
 */
public final class BrokerAllocation {
    private static final String TOPIC = "allocation";
    private static final int BATCH_SIZE = 64;
    private static final long MAX_IN_FLIGHT = 16_384;

    /** BACK_PRESSURED answers (main thread only). */
    private static long backPressured;

    private BrokerAllocation() {
    }

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        int messages = 1_000_000;
        int streams = 1000;
        boolean spin = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --messages <measured per phase, default 1000000> --streams <default 1000>"
                        + " --idle <spin|backoff, default backoff>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--messages" -> messages = Integer.parseInt(value);
                case "--streams" -> streams = Integer.parseInt(value);
                case "--idle" -> spin = Brokers.parseIdle(value);
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        messages = Math.max(BATCH_SIZE, messages / BATCH_SIZE * BATCH_SIZE);
        Brokers.requireJvmOptions(BrokerAllocation.class.getSimpleName());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            System.out.println("this JVM does not count allocated bytes per thread");
            return;
        }
        int warmup = Math.max(1_000_000, messages);
        Path directory = Brokers.newDirectory("allocation");
        TempLogs.requireFreeSpace(directory, 2L * (messages + warmup) * 200 + 2L * Brokers.SEGMENT_BYTES, "BrokerAllocation");
        LocalBroker broker = null;
        try {
            broker = Brokers.open(directory, spin, false);
            broker.createTopic(Brokers.topic(TOPIC, Durability.NONE, 1));
            Counter counter = new Counter();
            BrokerThroughput.Acks acks = new BrokerThroughput.Acks();
            try (Subscription subscription = broker.subscribe(SubscriptionRequest.topic(TOPIC), counter);
                    Publisher publisher = broker.publisher(acks)) {
                ByteBuffer[] keys = Brokers.keys("stream/", streams, 6);
                ByteBuffer payload = Brokers.payload();
                PublishBatch batch = new PublishBatch(BATCH_SIZE * 160);
                Map<String, Long> ids = new LinkedHashMap<>();
                ids.put("publisher (this thread)", Thread.currentThread().getId());
                ids.put("ms-writer-0", Brokers.threadId("ms-writer-0"));
                ids.put("ms-delivery", Brokers.threadId("ms-delivery"));
                ids.put("ms-wal-" + TOPIC + "-0", Brokers.threadId("ms-wal-" + TOPIC + "-0"));

                long sent = 0;
                // Warm-up: both phases, so the JIT compiles every path before counting starts.
                sent = singles(publisher, keys, payload, acks, sent, warmup);
                sent = batches(publisher, batch, keys, payload, acks, sent, warmup);
                settle(acks, counter, sent);

                System.out.printf("BrokerAllocation: %,d messages of %d-byte payloads per phase over %,d streams, after a warm-up of %,d; "
                        + "durability NONE, idle %s, one topic subscriber; %s%n", messages, Brokers.PAYLOAD_SIZE, streams, 2 * warmup,
                        Brokers.idleName(spin), System.getProperty("java.vm.version"));
                for (String phase : new String[] {"publish(single message)", "PublishBatch.add x64 + publish(batch)"}) {
                    ProcessStats.Snapshot stats = ProcessStats.snapshot();
                    long[] before = allocated(threads, ids);
                    long pressuredBefore = backPressured;
                    long start = System.nanoTime();
                    sent = phase.startsWith("publish(single") ? singles(publisher, keys, payload, acks, sent, messages)
                            : batches(publisher, batch, keys, payload, acks, sent, messages);
                    settle(acks, counter, sent);
                    long elapsed = System.nanoTime() - start;
                    long[] after = allocated(threads, ids);
                    ProcessStats.Snapshot statsAfter = ProcessStats.snapshot();
                    System.out.printf("%n%s: %,d messages in %.2f s, all acknowledged and delivered; BACK_PRESSURED answers %,d%n"
                            + "  while measured: %s%n", phase, messages, elapsed / 1e9, backPressured - pressuredBefore, statsAfter.since(stats));
                    int t = 0;
                    for (String name : ids.keySet()) {
                        long bytes = after[t] - before[t];
                        System.out.printf("  %-28s %,14d bytes  %8.3f B/message%n", name, bytes, bytes / (double) messages);
                        t++;
                    }
                }
                System.out.printf("(a thread's counter includes what it allocated while the phase's last messages settled; "
                        + "this harness allocates only outside the phases; %,d messages delivered in all)%n", subscription.delivered());
            }
        } finally {
            Brokers.closeAndDelete(broker, directory);
        }
    }

    private static long[] allocated(com.sun.management.ThreadMXBean threads, Map<String, Long> ids) {
        long[] bytes = new long[ids.size()];
        int i = 0;
        for (long id : ids.values()) {
            bytes[i++] = id < 0 ? 0 : threads.getThreadAllocatedBytes(id);
        }
        return bytes;
    }

    private static long singles(Publisher publisher, ByteBuffer[] keys, ByteBuffer payload, BrokerThroughput.Acks acks, long first, int count) {
        int streams = keys.length;
        for (long m = first; m < first + count; m++) {
            while (m - acks.acked.get() > MAX_IN_FLIGHT) {
                Thread.onSpinWait();
            }
            payload.putLong(0, m);
            while (publisher.publish(TOPIC, keys[(int) (m % streams)], null, payload, m) != Publisher.ACCEPTED) {
                backPressured++;
                Thread.onSpinWait();
            }
        }
        return first + count;
    }

    private static long batches(Publisher publisher, PublishBatch batch, ByteBuffer[] keys, ByteBuffer payload, BrokerThroughput.Acks acks,
            long first, int count) {
        int streams = keys.length;
        for (long m = first; m < first + count; ) {
            while (m - acks.acked.get() > MAX_IN_FLIGHT) {
                Thread.onSpinWait();
            }
            batch.clear();
            long token = m;
            for (int i = 0; i < BATCH_SIZE; i++, m++) {
                payload.putLong(0, m);
                batch.add(keys[(int) (m % streams)], null, payload);
            }
            while (publisher.publish(TOPIC, batch, token) != Publisher.ACCEPTED) {
                backPressured++;
                Thread.onSpinWait();
            }
        }
        return first + count;
    }

    /** Waits until every message sent was acknowledged and delivered. */
    private static void settle(BrokerThroughput.Acks acks, Counter counter, long sent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acks.acked.get() < sent || counter.received.get() < sent) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("after 60 s: " + acks.acked.get() + " acknowledged, " + counter.received.get()
                        + " delivered of " + sent);
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /** Counts messages and reads a field of each, as a consumer would; on the delivery thread. */
    private static final class Counter implements MessageHandler {
        final AtomicLong received = new AtomicLong();
        long sum;

        @Override
        public void onMessage(MessageView message) {
            sum += message.buffer().getLong(message.payloadOffset());
            received.lazySet(received.get() + 1);
        }
    }
}
