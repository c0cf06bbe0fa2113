package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of one producer thread to a {@link WriteAheadLog}, with 100-byte records (no
 * key, no headers):
 * <ul>
 *   <li>{@code single}: one record per append (one frame of 160 bytes each);
 *   <li>{@code batch64}: the producer fills a reused {@link RecordBatch} with 64 records and
 *       appends it as one frame (8,720 bytes: one claim, one CRC), so the cost of building the
 *       batch is included;
 *   <li>{@code batch64Prebuilt}: the same batch, built once and appended again and again: the
 *       log's own share of {@code batch64}.
 * </ul>
 * The output unit is microseconds, so besides the primary score (appends per µs) the counters
 * read directly as {@code records} = million records/s, {@code logBytes} = MB/s written to the
 * log (frames with headers and alignment), {@code payloadBytes} = MB/s of payload, and
 * {@code backPressured} = BACK_PRESSURED results (each retried by spinning) per µs.
 *
 * <p>Disk use as in {@link WalAppendLatencyBenchmark}: a fresh log per iteration, deleted after
 * it. Iterations longer than a few hundred milliseconds outrun the first (pre-created) segment
 * and measure the sustained rate, which the disk bounds; short ones (-r 100ms) measure a burst
 * into the page cache.
 *
 * <p>Threading: one producer thread; the log's flusher runs on its own thread.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true"})
@Threads(1)
@State(Scope.Benchmark)
public class WalAppendThroughputBenchmark {
    static final int BATCH_SIZE = 64;
    static final long STREAM_ID = 1;

    /** The log's durability: NONE (page cache only) or BATCH (group fsync by the flusher; back-pressure at 64 MiB unflushed). */
    @Param({"NONE", "BATCH"})
    public Durability durability;

    /** Whether segments are zero-filled (and fsynced) when created: the log's default, true. */
    @Param({"true"})
    public boolean preallocate;

    private Path directory;
    private WriteAheadLog log;

    /** Checks the free space once. */
    @Setup(Level.Trial)
    public void checkDisk() {
        TempLogs.requireFreeSpace(Path.of(System.getProperty("java.io.tmpdir")),
                (long) WalAppendLatencyBenchmark.REQUIRED_FREE_GIB << 30, "WalAppendThroughputBenchmark");
    }

    /** Opens a fresh log for the iteration (its first segment is created here, outside the measurement). */
    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        directory = TempLogs.newDirectory("append-throughput");
        log = WriteAheadLog.open(TempLogs.config(directory, durability, preallocate).build());
    }

    /** Closes the log, deletes its files and lets the JVM unmap them. */
    @TearDown(Level.Iteration)
    public void deleteLog() {
        try {
            log.close();
        } finally {
            TempLogs.deleteRecursively(directory);
            TempLogs.releaseMappings();
        }
    }

    /** What one producer appended in the iteration, reported by JMH per µs. Public fields are the counters. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Records appended. */
        public long records;
        /** Log bytes appended (frames: headers, entries, alignment). */
        public long logBytes;
        /** Payload bytes appended. */
        public long payloadBytes;
        /** BACK_PRESSURED results (each one retried). */
        public long backPressured;

        /** Zeroes the counters for the iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            records = 0;
            logBytes = 0;
            payloadBytes = 0;
            backPressured = 0;
        }
    }

    /** The producer: its appender and the records it appends (allocated once). */
    @State(Scope.Thread)
    public static class Producer {
        private final ByteBuffer payload = TempLogs.payload();
        private final RecordBatch batch = new RecordBatch(BATCH_SIZE * (36 + TempLogs.PAYLOAD_SIZE));
        private final RecordBatch prebuilt = new RecordBatch(BATCH_SIZE * (36 + TempLogs.PAYLOAD_SIZE));
        private int batchFrameBytes;
        private LogAppender appender;
        private long streamOffset;
        private long timestamp;

        /** Takes an appender of the iteration's log. */
        @Setup(Level.Iteration)
        public void attach(WalAppendThroughputBenchmark benchmark) {
            appender = benchmark.log.appender();
            streamOffset = 0;
            timestamp = System.currentTimeMillis();
            prebuilt.clear();
            for (int i = 0; i < BATCH_SIZE; i++) {
                prebuilt.add(STREAM_ID, i, timestamp, null, null, payload);
            }
            batchFrameBytes = TempLogs.align(prebuilt.frameLength());
        }
    }

    /**
     * Appends one record.
     *
     * @return its position (consumed by JMH)
     */
    @Benchmark
    public long single(Producer producer, Counters counters) {
        long position;
        while ((position = producer.appender.append(STREAM_ID, producer.streamOffset, producer.timestamp, null, null,
                producer.payload)) == WriteAheadLog.BACK_PRESSURED) {
            counters.backPressured++;
            Thread.onSpinWait();
        }
        producer.streamOffset++;
        counters.records++;
        counters.logBytes += TempLogs.SINGLE_FRAME_BYTES;
        counters.payloadBytes += TempLogs.PAYLOAD_SIZE;
        return position;
    }

    /**
     * Fills the batch with 64 records and appends it as one frame.
     *
     * @return its position (consumed by JMH)
     */
    @Benchmark
    public long batch64(Producer producer, Counters counters) {
        RecordBatch batch = producer.batch.clear();
        long offset = producer.streamOffset;
        for (int i = 0; i < BATCH_SIZE; i++) {
            batch.add(STREAM_ID, offset + i, producer.timestamp, null, null, producer.payload);
        }
        producer.streamOffset = offset + BATCH_SIZE;
        return appendBatch(producer, counters, batch);
    }

    /**
     * Appends the batch built once at set-up.
     *
     * @return its position (consumed by JMH)
     */
    @Benchmark
    public long batch64Prebuilt(Producer producer, Counters counters) {
        return appendBatch(producer, counters, producer.prebuilt);
    }

    private static long appendBatch(Producer producer, Counters counters, RecordBatch batch) {
        long position;
        while ((position = producer.appender.append(batch)) == WriteAheadLog.BACK_PRESSURED) {
            counters.backPressured++;
            Thread.onSpinWait();
        }
        counters.records += BATCH_SIZE;
        counters.logBytes += producer.batchFrameBytes;
        counters.payloadBytes += (long) BATCH_SIZE * TempLogs.PAYLOAD_SIZE;
        return position;
    }
}
