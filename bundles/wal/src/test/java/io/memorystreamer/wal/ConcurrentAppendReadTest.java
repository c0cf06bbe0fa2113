package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four producers append at once (single records and batches, now and then a large one, on small
 * segments so they rotate all the time) while two readers tail the log: every record arrives
 * exactly once, intact, each producer's in its own order, and the verifying reader never meets a
 * frame that fails its checks.
 */
class ConcurrentAppendReadTest {
    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 12_000;
    private static final int READERS = 2;
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(90);

    @TempDir
    Path dir;

    static byte[] key(int producer, long sequence) {
        return bytes(producer + 100, sequence, (int) (sequence % 9));
    }

    static byte[] headers(int producer) {
        return ("producer=" + producer).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] payload(int producer, long sequence) {
        int length = sequence % 97 == 13 ? 6000 + (int) (sequence * 31 % 9000) : 8 + (int) (sequence * 13 % 300);
        return bytes(producer, sequence, length);
    }

    /** @return null when the record is the one producer {@code producer} appended as {@code sequence}, else what differs */
    static String check(RecordView view, int producer, long sequence) {
        if (view.timestamp() != sequence) {
            return "timestamp " + view.timestamp();
        }
        if (!Arrays.equals(view.keyBytes(), key(producer, sequence))) {
            return "key";
        }
        if (!Arrays.equals(view.headersBytes(), headers(producer))) {
            return "headers";
        }
        if (!Arrays.equals(view.payloadBytes(), payload(producer, sequence))) {
            return "payload of " + view.payloadLength() + " bytes";
        }
        return null;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRecordArrivesOnceIntactAndInItsProducersOrder() throws Exception {
        LogConfig config = LogConfig.builder(dir).segmentSize(SEGMENT).maxRecordSize(16 * 1024).durability(Durability.BATCH).build();
        AtomicReference<String> problem = new AtomicReference<>();
        long[][] positions = new long[PRODUCERS][PER_PRODUCER];
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            CyclicBarrier start = new CyclicBarrier(PRODUCERS + READERS);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                producers.add(new Thread(() -> produce(log, producer, positions[producer], start, problem), "producer-" + p));
            }
            Reader[] readers = new Reader[READERS];
            for (int r = 0; r < READERS; r++) {
                readers[r] = new Reader(log, r == 0, start, problem);
            }
            producers.forEach(Thread::start);
            for (Reader reader : readers) {
                reader.thread.start();
            }
            for (Thread producer : producers) {
                producer.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
                assertTrue(!producer.isAlive(), producer.getName() + " did not finish; problem: " + problem.get());
            }
            for (Reader reader : readers) {
                reader.thread.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
                assertTrue(!reader.thread.isAlive(), reader.thread.getName() + " did not finish; problem: " + problem.get());
            }
            assertNull(problem.get());
            for (Reader reader : readers) {
                for (int p = 0; p < PRODUCERS; p++) {
                    assertEquals(PER_PRODUCER, reader.next[p], reader.thread.getName() + " read all of producer " + p);
                }
                assertEquals(PRODUCERS * PER_PRODUCER, reader.records, reader.thread.getName() + " read no record twice");
            }
            assertNull(readers[0].cursor.corruption());
            assertTrue(log.stats().segments() > 20, "the test means to rotate a lot: " + log.stats().segments() + " segments");
        }
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 1; i < PER_PRODUCER; i++) {
                assertTrue(positions[p][i] >= positions[p][i - 1], "producer " + p + " positions grow at " + i);
            }
        }
        // and the log reads the same after a reopen
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            // (a clean reopen is AppendAndReadTest's business: here, nothing may be cut or set aside)
            assertEquals(0, log.recoveryReport().truncatedBytes(), log.recoveryReport().toString());
            assertEquals(List.of(), WalTestSupport.filesIn(dir, "corrupt"));
            assertEquals(List.of(), WalTestSupport.filesIn(dir, "torn"));
            Reader reader = new Reader(log, true, null, problem);
            reader.run();
            assertNull(problem.get());
            assertEquals(PRODUCERS * PER_PRODUCER, reader.records);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void closingUnderLoadLosesNoReturnedRecordAndTellsEveryWaiterOnce() throws Exception {
        LogConfig config = LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.BATCH).build();
        for (int round = 0; round < 15; round++) {
            Path roundDir = dir.resolve("round-" + round);
            LogConfig roundConfig = LogConfig.builder(roundDir).segmentSize(SEGMENT).durability(config.durability()).build();
            WriteAheadLog log = WriteAheadLog.open(roundConfig);
            AtomicReference<String> problem = new AtomicReference<>();
            AtomicLong registered = new AtomicLong();
            AtomicLong told = new AtomicLong();
            long[] appended = new long[PRODUCERS];
            CyclicBarrier start = new CyclicBarrier(PRODUCERS + 1);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                producers.add(new Thread(() -> {
                    try {
                        start.await();
                        LogAppender appender = log.appender();
                        for (long sequence = 0; sequence < 200_000; sequence++) {
                            long position;
                            try {
                                position = appender.append(producer, sequence, sequence, key(producer, sequence), headers(producer),
                                        payload(producer, sequence));
                            } catch (LogClosedException closed) {
                                return;
                            }
                            if (position == WriteAheadLog.BACK_PRESSURED) {
                                sequence--;
                                Thread.yield();
                                continue;
                            }
                            appended[producer] = sequence + 1;
                            // a waiter for this record, and one for a position that never becomes durable
                            for (long waitFor : new long[] {position, Long.MAX_VALUE / 2}) {
                                AtomicInteger calls = new AtomicInteger();
                                DurableCallback callback = new DurableCallback() {
                                    @Override
                                    public void onDurable(long at, long durable) {
                                        once();
                                    }

                                    @Override
                                    public void onFailure(long at, Throwable cause) {
                                        once();
                                    }

                                    private void once() {
                                        told.incrementAndGet();
                                        if (calls.incrementAndGet() != 1) {
                                            problem.compareAndSet(null, "a waiter was told twice");
                                        }
                                    }
                                };
                                if (log.whenDurable(waitFor, callback)) {
                                    registered.incrementAndGet();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        problem.compareAndSet(null, "producer " + producer + " failed: " + e);
                    }
                }, "producer-" + p));
            }
            producers.forEach(Thread::start);
            start.await();
            Thread.sleep(20 + round * 7);
            log.close();
            for (Thread producer : producers) {
                producer.join(TimeUnit.NANOSECONDS.toMillis(PATIENCE_NANOS));
                assertTrue(!producer.isAlive(), producer.getName() + " did not stop after close");
            }
            assertNull(problem.get(), "round " + round);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (told.get() < registered.get() && System.nanoTime() - deadline < 0) {
                Thread.sleep(5);
            }
            assertEquals(registered.get(), told.get(), "round " + round + ": every waiter whenDurable accepted is told, once");

            // every record an append returned a position for is there, intact, each producer's a dense prefix
            try (WriteAheadLog reopened = WriteAheadLog.open(roundConfig)) {
                Reader reader = new Reader(reopened, true, null, problem);
                reader.expected = Arrays.stream(appended).sum();
                reader.run();
                assertNull(problem.get(), "round " + round);
                for (int p = 0; p < PRODUCERS; p++) {
                    assertTrue(reader.next[p] >= appended[p], "round " + round + ": producer " + p + " appended " + appended[p]
                            + " records, " + reader.next[p] + " are in the log");
                }
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aWaiterAcceptedWhileTheLogClosesIsAlwaysTold() throws Exception {
        int threads = 8; // more threads than cores: some are preempted in the middle of registering when the log closes
        for (int round = 0; round < 15; round++) {
            LogConfig config = LogConfig.builder(dir.resolve("waiters-" + round)).segmentSize(SEGMENT).durability(Durability.NONE)
                    .preallocate(false).build();
            WriteAheadLog log = WriteAheadLog.open(config);
            AtomicLong accepted = new AtomicLong();
            AtomicLong told = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            DurableCallback callback = new DurableCallback() {
                @Override
                public void onDurable(long position, long durablePosition) {
                    told.incrementAndGet();
                }

                @Override
                public void onFailure(long position, Throwable cause) {
                    told.incrementAndGet();
                }
            };
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Thread> registering = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        return;
                    }
                    while (!stop.get()) {
                        // a position that never becomes durable: the waiter waits until the log closes
                        if (log.whenDurable(Long.MAX_VALUE / 2, callback)) {
                            accepted.incrementAndGet();
                        }
                    }
                }, "waiter-" + t);
                registering.add(thread);
                thread.start();
            }
            start.await();
            Thread.sleep(1 + round % 3);
            log.close();
            stop.set(true);
            for (Thread thread : registering) {
                thread.join(30_000);
            }
            // close() tells waiters synchronously; allow a moment anyway
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (told.get() < accepted.get() && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
            assertEquals(accepted.get(), told.get(), "round " + round + ": whenDurable returned true for " + (accepted.get() - told.get())
                    + " waiters that were never told (neither onDurable nor onFailure)");
        }
    }

    private static void produce(WriteAheadLog log, int producer, long[] positions, CyclicBarrier start, AtomicReference<String> problem) {
        try {
            start.await();
            LogAppender appender = log.appender();
            RecordBatch batch = new RecordBatch(1024);
            long deadline = System.nanoTime() + PATIENCE_NANOS;
            int sequence = 0;
            while (sequence < PER_PRODUCER && problem.get() == null) {
                int count = sequence % 7 == 3 ? Math.min(1 + sequence % 5, PER_PRODUCER - sequence) : 1;
                long position;
                if (count == 1) {
                    position = appender.append(producer, sequence, sequence, key(producer, sequence), headers(producer),
                            payload(producer, sequence));
                } else {
                    batch.clear();
                    for (int i = sequence; i < sequence + count; i++) {
                        batch.add(producer, i, i, key(producer, i), headers(producer), payload(producer, i));
                    }
                    position = appender.append(batch);
                }
                if (position == WriteAheadLog.BACK_PRESSURED) {
                    if (System.nanoTime() - deadline > 0) {
                        problem.compareAndSet(null, "producer " + producer + " back-pressured for too long");
                    }
                    Thread.yield();
                    continue;
                }
                for (int i = sequence; i < sequence + count; i++) {
                    positions[i] = position;
                }
                sequence += count;
            }
        } catch (Throwable e) {
            problem.compareAndSet(null, "producer " + producer + " failed: " + e);
        }
    }

    /** Tails the log from position 0 until it has every record, checking each. */
    private static final class Reader implements Runnable {
        final Thread thread;
        final LogCursor cursor;
        final long[] next = new long[PRODUCERS];
        long records;
        long expected = (long) PRODUCERS * PER_PRODUCER;
        private final CyclicBarrier start;
        private final AtomicReference<String> problem;
        private long lastPosition = -1;
        private int lastIndex = -1;

        Reader(WriteAheadLog log, boolean verify, CyclicBarrier start, AtomicReference<String> problem) {
            this.cursor = log.cursor(0).verifyChecksums(verify);
            this.start = start;
            this.problem = problem;
            this.thread = new Thread(this, verify ? "reader-verifying" : "reader");
        }

        @Override
        public void run() {
            try {
                if (start != null) {
                    start.await();
                }
                long deadline = System.nanoTime() + PATIENCE_NANOS;
                int idle = 0;
                while (records < expected && problem.get() == null && cursor.corruption() == null) {
                    if (cursor.poll(this::onRecord, 100) == 0) {
                        if (System.nanoTime() - deadline > 0) {
                            problem.compareAndSet(null, thread.getName() + " timed out at " + cursor.position() + " with "
                                    + Arrays.toString(next));
                        }
                        if (++idle % 64 == 0) {
                            Thread.sleep(1);
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                }
                if (cursor.corruption() != null) {
                    problem.compareAndSet(null, thread.getName() + " met a damaged frame: " + cursor.corruption());
                }
            } catch (Throwable e) {
                problem.compareAndSet(null, thread.getName() + " failed: " + e);
            }
        }

        private void onRecord(RecordView view) {
            String where = thread.getName() + " at " + view;
            if (view.position() < lastPosition || (view.position() == lastPosition && view.indexInFrame() != lastIndex + 1)) {
                fail(where + ": positions go back (last " + lastPosition + "#" + lastIndex + ")");
            }
            lastPosition = view.position();
            lastIndex = view.indexInFrame();
            long stream = view.streamId();
            if (stream < 0 || stream >= PRODUCERS) {
                problem.compareAndSet(null, where + ": no such producer");
                return;
            }
            int producer = (int) stream;
            if (view.streamOffset() != next[producer]) {
                problem.compareAndSet(null, where + ": expected sequence " + next[producer] + " of producer " + producer);
                return;
            }
            String wrong = check(view, producer, view.streamOffset());
            if (wrong != null) {
                problem.compareAndSet(null, where + ": wrong " + wrong);
                return;
            }
            next[producer]++;
            records++;
        }
    }
}
