package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.RecordHandler;
import io.memorystreamer.wal.RecordView;
import io.memorystreamer.wal.WriteAheadLog;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Heap bytes allocated per record, thread by thread, on the write-ahead log's paths: the producer's
 * {@code append} (single records, and 64-record batches including filling the batch), a reader's
 * {@code LogCursor.poll}, and the log's flusher thread while those records go by. JMH's
 * {@code -prof gc} counts every thread of the JVM together ({@code getTotalThreadAllocatedBytes}),
 * so it cannot tell the append path from the flusher; this reads each thread's own counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) around a measured run, after a
 * warm-up long enough for the JIT to compile the paths.
 *
 * <pre>
 * java -Dchronicle.analytics.disable=true -cp perf/target/benchmarks.jar \
 *     io.memorystreamer.perf.wal.AppendAllocation [--records 3000000]
 * </pre>
 *
 * <p>Writes about 300 bytes of log per record measured (plus the warm-up) to a new directory under
 * {@code /tmp}, NONE durability, and deletes it at the end.
 */
public final class AppendAllocation {
    private static final int BATCH_SIZE = 64;
    private static final int WARMUP_RECORDS = 1_000_000;

    private AppendAllocation() {
    }

    /**
     * Runs the measurement.
     *
     * @param args {@code --records N}: records measured per path (default 3,000,000)
     */
    public static void main(String[] args) throws Exception {
        int records = 3_000_000;
        if (args.length == 2 && args[0].equals("--records")) {
            records = Integer.parseInt(args[1]);
        } else if (args.length != 0) {
            System.out.println("options: --records <records measured per path, default 3000000>");
            return;
        }
        records = Math.max(BATCH_SIZE, records / BATCH_SIZE * BATCH_SIZE);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            System.out.println("this JVM does not count allocated bytes per thread");
            return;
        }
        Path directory = TempLogs.newDirectory("append-allocation");
        long logBytes = (long) (records + WARMUP_RECORDS) * 2 * TempLogs.SINGLE_FRAME_BYTES + 2L * TempLogs.SEGMENT_SIZE;
        TempLogs.requireFreeSpace(directory, logBytes, "AppendAllocation");
        try (WriteAheadLog log = WriteAheadLog.open(TempLogs.config(directory, Durability.NONE, true).build())) {
            long flusher = flusherThreadId(log);
            LogAppender appender = log.appender();
            ByteBuffer payload = TempLogs.payload();
            RecordBatch batch = new RecordBatch(BATCH_SIZE * (36 + TempLogs.PAYLOAD_SIZE));
            Counter counter = new Counter();
            LogCursor cursor = log.cursor(0);
            long self = Thread.currentThread().getId();

            // Warm-up: every path, so the JIT compiles them before the counting starts.
            appendSingles(appender, payload, 0, WARMUP_RECORDS);
            appendBatches(appender, batch, payload, WARMUP_RECORDS, WARMUP_RECORDS);
            readAll(cursor, counter, log);

            System.out.printf("AppendAllocation: %,d records of %d-byte payloads per path, after a warm-up of %,d; NONE durability; %s%n",
                    records, TempLogs.PAYLOAD_SIZE, 2 * WARMUP_RECORDS, System.getProperty("java.vm.version"));
            long offset = 2L * WARMUP_RECORDS;
            long producerBefore = threads.getThreadAllocatedBytes(self);
            long flusherBefore = threads.getThreadAllocatedBytes(flusher);
            appendSingles(appender, payload, offset, records);
            long producerSingle = threads.getThreadAllocatedBytes(self) - producerBefore;
            long flusherSingle = threads.getThreadAllocatedBytes(flusher) - flusherBefore;
            offset += records;

            producerBefore = threads.getThreadAllocatedBytes(self);
            flusherBefore = threads.getThreadAllocatedBytes(flusher);
            appendBatches(appender, batch, payload, offset, records);
            long producerBatch = threads.getThreadAllocatedBytes(self) - producerBefore;
            long flusherBatch = threads.getThreadAllocatedBytes(flusher) - flusherBefore;

            long readerBefore = threads.getThreadAllocatedBytes(self);
            long read = readAll(cursor, counter, log);
            long reader = threads.getThreadAllocatedBytes(self) - readerBefore;

            row("producer: append(single record)", producerSingle, records, records);
            row("producer: RecordBatch.add x64 + append(batch)", producerBatch, records / BATCH_SIZE, records);
            row("reader:   LogCursor.poll (both runs' records)", reader, read, read);
            row("flusher thread, during the single appends", flusherSingle, records, records);
            row("flusher thread, during the batch appends", flusherBatch, records / BATCH_SIZE, records);
            System.out.println("(the flusher's counter may lag by what it allocated after the producer finished)");
        } finally {
            TempLogs.deleteRecursively(directory);
            TempLogs.releaseMappings();
        }
    }

    private static void row(String what, long bytes, long operations, long records) {
        System.out.printf("  %-48s %,14d bytes  %10.3f B/op  %8.3f B/record%n", what, bytes, bytes / (double) operations,
                bytes / (double) records);
    }

    private static void appendSingles(LogAppender appender, ByteBuffer payload, long firstOffset, int count) {
        for (int i = 0; i < count; i++) {
            while (appender.append(1, firstOffset + i, 0, null, null, payload) == WriteAheadLog.BACK_PRESSURED) {
                Thread.onSpinWait();
            }
        }
    }

    private static void appendBatches(LogAppender appender, RecordBatch batch, ByteBuffer payload, long firstOffset, int count) {
        for (int i = 0; i < count; i += BATCH_SIZE) {
            batch.clear();
            for (int j = 0; j < BATCH_SIZE; j++) {
                batch.add(1, firstOffset + i + j, 0, null, null, payload);
            }
            while (appender.append(batch) == WriteAheadLog.BACK_PRESSURED) {
                Thread.onSpinWait();
            }
        }
    }

    /** Reads up to the tail; @return records read. */
    private static long readAll(LogCursor cursor, Counter counter, WriteAheadLog log) {
        long before = counter.records;
        long tail = log.tailPosition();
        while (cursor.position() < tail) {
            if (cursor.poll(counter, 256) == 0) {
                Thread.onSpinWait();
            }
        }
        return counter.records - before;
    }

    private static long flusherThreadId(WriteAheadLog log) {
        String name = "ms-wal-" + log.name();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                return thread.getId();
            }
        }
        throw new IllegalStateException("no thread named " + name + ": the log's flusher thread is named differently now");
    }

    /** Counts records and reads a field of each, as a consumer would. */
    private static final class Counter implements RecordHandler {
        long records;
        long sum;

        @Override
        public void onRecord(RecordView record) {
            records++;
            sum += record.streamOffset();
        }
    }
}
