package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.LogStats;
import io.memorystreamer.wal.RecordHandler;
import io.memorystreamer.wal.RecordView;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Publish-to-reader latency of the write-ahead log: a producer thread appends 100-byte records at
 * a fixed rate, each carrying the {@link System#nanoTime()} of its append in its payload; a reader
 * thread tails the log with a cursor, polling without pause, and records how long each record
 * took from the producer's append call to the reader's handler, in an HdrHistogram. Percentiles
 * are printed after a warm-up, for each durability mode asked for.
 *
 * <p>Two histograms are kept: from the moment of the append call ("from send"), and from the
 * moment the record was due by the schedule ("from schedule"). They differ when the producer fell
 * behind (back-pressure, a stall, a descheduled thread): the second counts that waiting too, so it
 * does not hide stalls the way a closed loop would (coordinated omission).
 *
 * <p>{@code --producer park} (default) sleeps ({@link LockSupport#parkNanos}) until the next record
 * is due and then sends every record that is due, each stamped with its own due time: on Linux a
 * park lasts at least ~50-60 µs (timer slack), so records leave in small bursts, on schedule on
 * average, and the producer needs little CPU. {@code --producer spin} spins until each record is
 * due (exact spacing, but a whole core): with the reader spinning too, that takes both cores of a
 * 2-core machine, and any other process then preempts one of them for a scheduler time slice
 * (milliseconds), which the histograms show. With {@code park} the "from schedule" histogram
 * includes the producer's wake-up lateness; "from send" does not.
 *
 * <p>{@code --visibility published} (default) hands a record to the reader as soon as its frame is
 * published (what a live subscriber sees); {@code --visibility durable} only once the log's durable
 * position has passed it (what a consumer that must not read unacknowledged data sees: the
 * flusher's cycle and, in BATCH mode, the group fsync).
 *
 * <pre>
 * java -Dchronicle.analytics.disable=true -cp perf/target/benchmarks.jar \
 *     io.memorystreamer.perf.wal.PublishToReaderLatency [--rate 100000] [--warmup 5] [--seconds 20] \
 *     [--durability NONE,BATCH] [--visibility published|durable] [--producer park|spin]
 * </pre>
 *
 * <p>Threads: the producer (main thread), the reader (spins between polls) and the log's flusher:
 * on a 2-core machine they share the cores with whatever else runs; each run prints how busy the
 * CPUs were, garbage collections, page faults and preemptions while it measured. The log is written to a
 * new directory under {@code /tmp} (rate x 160 bytes per second, 16 MB/s at 100k/s) and deleted at
 * the end.
 */
public final class PublishToReaderLatency {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int rate;
    private final int warmupSeconds;
    private final int seconds;
    private final boolean durableOnly;
    private final boolean producerSpins;

    private PublishToReaderLatency(int rate, int warmupSeconds, int seconds, boolean durableOnly, boolean producerSpins) {
        this.rate = rate;
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.durableOnly = durableOnly;
        this.producerSpins = producerSpins;
    }

    /**
     * Runs the measurement for each durability named.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        int rate = 100_000;
        int warmup = 5;
        int seconds = 20;
        String visibility = "published";
        String producer = "park";
        List<Durability> modes = new ArrayList<>(List.of(Durability.NONE, Durability.BATCH));
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --rate <records/s, default 100000> --warmup <s, default 5> --seconds <s, default 20>"
                        + " --durability <NONE,BATCH,SYNC list, default NONE,BATCH> --visibility <published|durable, default published>"
                        + " --producer <park|spin, default park>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--rate" -> rate = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--seconds" -> seconds = Integer.parseInt(value);
                case "--visibility" -> visibility = value;
                case "--producer" -> producer = value;
                case "--durability" -> {
                    modes.clear();
                    for (String mode : value.split(",")) {
                        modes.add(Durability.valueOf(mode.trim().toUpperCase(Locale.ROOT)));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        if (rate <= 0 || rate > 1_000_000_000 || warmup < 0 || seconds <= 0) {
            throw new IllegalArgumentException("--rate must be 1..1e9, --warmup at least 0, --seconds at least 1");
        }
        if (!visibility.equals("published") && !visibility.equals("durable")) {
            throw new IllegalArgumentException("--visibility must be published or durable, not " + visibility);
        }
        if (!producer.equals("park") && !producer.equals("spin")) {
            throw new IllegalArgumentException("--producer must be park or spin, not " + producer);
        }
        System.out.printf("PublishToReaderLatency: %,d records/s of %d-byte payloads, %d s warm-up, %d s measured, visibility %s, "
                + "producer %ss between sends, %d cores, %s%n", rate, TempLogs.PAYLOAD_SIZE, warmup, seconds, visibility, producer,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
        PublishToReaderLatency harness = new PublishToReaderLatency(rate, warmup, seconds, visibility.equals("durable"),
                producer.equals("spin"));
        for (Durability mode : modes) {
            harness.run(mode);
        }
    }

    private void run(Durability durability) throws IOException, InterruptedException {
        long warmupRecords = (long) rate * warmupSeconds;
        long total = warmupRecords + (long) rate * seconds;
        Path directory = TempLogs.newDirectory("publish-to-reader");
        TempLogs.requireFreeSpace(directory, total * TempLogs.SINGLE_FRAME_BYTES + ((long) TempLogs.SEGMENT_SIZE << 1),
                "PublishToReaderLatency");
        try (WriteAheadLog log = WriteAheadLog.open(TempLogs.config(directory, durability, true).build())) {
            Reader reader = new Reader(log, warmupRecords, total, durableOnly);
            Thread readerThread = new Thread(reader, "reader");
            readerThread.start();
            ProcessStats.Snapshot before = null;
            LogAppender appender = log.appender();
            ByteBuffer payload = TempLogs.payload();
            long backPressured = 0;
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
            for (long i = 0; i < total; i++) {
                if (i == warmupRecords) {
                    before = ProcessStats.snapshot();
                }
                long due = start + i * 1_000_000_000L / rate;
                long now;
                while ((now = System.nanoTime()) < due) {
                    if (producerSpins) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(due - now);
                    }
                }
                payload.putLong(8, due);
                while (true) {
                    payload.putLong(0, System.nanoTime());
                    if (appender.append(1, i, 0, null, null, payload) != WriteAheadLog.BACK_PRESSURED) {
                        break;
                    }
                    backPressured++;
                    Thread.onSpinWait();
                }
            }
            long sendEnd = System.nanoTime();
            readerThread.join(TimeUnit.SECONDS.toMillis(30));
            ProcessStats.Snapshot after = ProcessStats.snapshot();
            if (readerThread.isAlive()) {
                reader.stop = true;
                readerThread.join();
                System.out.printf("%n%s: the reader saw only %,d of %,d records within 30 s of the last send%n", durability,
                        reader.received, total);
            }
            double sendSeconds = (sendEnd - start) / 1e9;
            System.out.printf("%n== durability %s: %,d records sent in %.2f s (%,.0f/s), %,d measured after %,d warm-up; "
                    + "BACK_PRESSURED retries %,d; out-of-order or missing %,d%n", durability, total, sendSeconds,
                    total / sendSeconds, reader.measured.getTotalCount(), warmupRecords, backPressured, reader.outOfOrder);
            if (before != null) {
                System.out.println("while measured: " + after.since(before));
            }
            print("append -> reader (from send)", reader.measured);
            print("due    -> reader (from schedule)", reader.measuredFromDue);
            LogStats stats = log.stats();
            System.out.printf("log: %d segments, %,d bytes appended, %,d fsyncs (last took %.2f ms)%n", stats.segments(),
                    stats.tailPosition(), stats.fsyncs(), stats.lastFsyncNanos() / 1e6);
        } finally {
            TempLogs.deleteRecursively(directory);
            TempLogs.releaseMappings();
        }
    }

    private static void print(String what, Histogram histogram) {
        System.out.printf("%-34s µs: p50 %8.2f  p90 %8.2f  p99 %8.2f  p99.9 %8.2f  p99.99 %9.2f  max %9.2f  mean %7.2f%n", what,
                micros(histogram.getValueAtPercentile(50)), micros(histogram.getValueAtPercentile(90)),
                micros(histogram.getValueAtPercentile(99)), micros(histogram.getValueAtPercentile(99.9)),
                micros(histogram.getValueAtPercentile(99.99)), micros(histogram.getMaxValue()), histogram.getMean() / 1000.0);
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    /** The reading thread: a busy-polling cursor and the histograms it alone writes (read after it ends). */
    private static final class Reader implements Runnable, RecordHandler {
        final Histogram measured = new Histogram(HIGHEST_NANOS, 3);
        final Histogram measuredFromDue = new Histogram(HIGHEST_NANOS, 3);
        private final WriteAheadLog log;
        private final LogCursor cursor;
        private final long warmupRecords;
        private final long total;
        private final boolean durableOnly;
        volatile boolean stop;
        volatile long received;
        long outOfOrder;

        Reader(WriteAheadLog log, long warmupRecords, long total, boolean durableOnly) {
            this.log = log;
            this.cursor = log.cursor(0);
            this.warmupRecords = warmupRecords;
            this.total = total;
            this.durableOnly = durableOnly;
        }

        @Override
        public void run() {
            while (received < total && !stop) {
                int polled;
                if (durableOnly) {
                    polled = cursor.position() < log.durablePosition() ? cursor.poll(this, 1) : 0;
                } else {
                    polled = cursor.poll(this, 64);
                }
                if (polled == 0) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void onRecord(RecordView record) {
            long now = System.nanoTime();
            ByteBuffer buffer = record.buffer();
            int at = record.payloadOffset();
            long sent = buffer.getLong(at);
            long due = buffer.getLong(at + 8);
            long sequence = record.streamOffset();
            long count = received;
            if (sequence != count) {
                outOfOrder++;
            }
            if (sequence >= warmupRecords) {
                measured.recordValue(Math.min(Math.max(0, now - sent), HIGHEST_NANOS));
                measuredFromDue.recordValue(Math.min(Math.max(0, now - due), HIGHEST_NANOS));
            }
            received = count + 1;
        }
    }
}
