package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Latency of one append of a 100-byte record (no key, no headers) to a {@link WriteAheadLog}, as
 * the producer sees it: from the call to the returned position, sampled per operation so JMH
 * reports percentiles. A {@link WriteAheadLog#BACK_PRESSURED} result is retried by spinning, and
 * the spin counts in the operation's time (the producer is held up that long).
 *
 * <p>{@code oneProducer} runs one producer thread, {@code twoProducers} two threads appending to
 * the same log at once (each with its own appender and stream id; they contend on the segment's
 * tail). The log's flusher is a third thread; the machine these numbers come from has 2 cores.
 *
 * <p>Disk use: every measurement and warm-up iteration opens a fresh log (256 MiB segments) in a
 * new directory under {@code /tmp} and deletes it afterwards, so at most one iteration's appends
 * (rate x iteration time, a few GB at most with 2 s iterations) are on disk at once. The trial
 * refuses to start with less than {@value #REQUIRED_FREE_GIB} GiB free.
 *
 * <p>Threading: the log is shared ({@link Scope#Benchmark}); each producer thread owns a
 * {@link Producer} with its appender (appenders are single-threaded).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dchronicle.analytics.disable=true"})
@State(Scope.Benchmark)
public class WalAppendLatencyBenchmark {
    static final int REQUIRED_FREE_GIB = 12;

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
        TempLogs.requireFreeSpace(Path.of(System.getProperty("java.io.tmpdir")), (long) REQUIRED_FREE_GIB << 30,
                "WalAppendLatencyBenchmark");
    }

    /** Opens a fresh log for the iteration (its first segment is created here, outside the measurement). */
    @Setup(Level.Iteration)
    public void openLog() throws IOException {
        directory = TempLogs.newDirectory("append-latency");
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

    /** One producer thread: its appender, its stream and the record it appends (allocated once). */
    @State(Scope.Thread)
    public static class Producer {
        private final ByteBuffer payload = TempLogs.payload();
        private LogAppender appender;
        private long streamId;
        private long streamOffset;
        private long timestamp;

        /** Takes an appender of the iteration's log. */
        @Setup(Level.Iteration)
        public void attach(WalAppendLatencyBenchmark benchmark, ThreadParams thread) {
            appender = benchmark.log.appender();
            streamId = thread.getThreadIndex() + 1;
            streamOffset = 0;
            timestamp = System.currentTimeMillis();
        }

        /** @return the position of the appended record */
        long appendOne() {
            long position;
            while ((position = appender.append(streamId, streamOffset, timestamp, null, null, payload)) == WriteAheadLog.BACK_PRESSURED) {
                Thread.onSpinWait();
            }
            streamOffset++;
            return position;
        }
    }

    /**
     * One producer appending.
     *
     * @return the record's position (consumed by JMH)
     */
    @Benchmark
    @Threads(1)
    public long oneProducer(Producer producer) {
        return producer.appendOne();
    }

    /**
     * Two producers appending to the same log at once.
     *
     * @return the record's position (consumed by JMH)
     */
    @Benchmark
    @Threads(2)
    public long twoProducers(Producer producer) {
        return producer.appendOne();
    }
}
