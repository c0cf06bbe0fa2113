package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.OVERHEAD;
import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecord;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecords;
import static io.memorystreamer.wal.WalTestSupport.await;
import static io.memorystreamer.wal.WalTestSupport.bytes;
import static io.memorystreamer.wal.WalTestSupport.readAll;
import static io.memorystreamer.wal.WalTestSupport.readAllVerified;
import static io.memorystreamer.wal.WalTestSupport.readBytes;
import static io.memorystreamer.wal.WalTestSupport.segmentFile;
import static io.memorystreamer.wal.WalTestSupport.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.WalTestSupport.DurableProbe;
import io.memorystreamer.wal.WalTestSupport.Rec;
import io.memorystreamer.wal.internal.FrameDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Appending and reading single records and batches, their limits, rotation, closing, back-pressure, durability and stats. */
class AppendAndReadTest {
    @TempDir
    Path dir;

    private LogConfig.Builder config() {
        return LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.NONE);
    }

    private static Rec rec(long stream, long offset, int keyLength, int headersLength, int payloadLength) {
        return new Rec(-1, 0, stream, offset, 1_700_000_000_000L + offset, bytes(stream, offset * 3, keyLength),
                bytes(stream, offset * 3 + 1, headersLength), bytes(stream, offset * 3 + 2, payloadLength));
    }

    /** A record whose frame (before alignment) is exactly {@code frameLength} bytes. */
    private static Rec recOfFrame(long stream, long offset, int frameLength) {
        return rec(stream, offset, 0, 0, frameLength - OVERHEAD);
    }

    private static int aligned(int length) {
        return FrameDescriptor.align(length);
    }

    @Test
    void aRecordWithKeyHeadersAndPayloadReadsBackAsAppendedAndTheBuffersDoNotMove() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().build())) {
            ByteBuffer key = ByteBuffer.wrap("xxkey-42yy".getBytes(StandardCharsets.US_ASCII));
            key.position(2).limit(8);
            ByteBuffer headers = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5});
            headers.position(1);
            ByteBuffer payload = ByteBuffer.allocateDirect(300);
            byte[] payloadBytes = bytes(9, 9, 300);
            payload.put(payloadBytes).flip().position(100);

            long position = log.appender().append(42, 7, 123_456_789L, key, headers, payload);

            assertEquals(0, position);
            assertEquals(2, key.position(), "the key buffer's position must not move");
            assertEquals(8, key.limit());
            assertEquals(1, headers.position());
            assertEquals(100, payload.position());
            List<Rec> read = new ArrayList<>();
            int records = log.cursor(0).poll(view -> {
                read.add(Rec.of(view));
                assertEquals(1, view.recordsInFrame());
                assertEquals(0, view.indexInFrame());
                assertEquals(6, view.keyLength());
                assertEquals(4, view.headersLength());
                assertEquals(200, view.payloadLength());
                byte[] copied = new byte[210];
                assertEquals(200, view.getPayload(copied, 10));
                assertArrayEquals(Arrays.copyOfRange(payloadBytes, 100, 300), Arrays.copyOfRange(copied, 10, 210));
                assertTrue(view.buffer().isReadOnly(), "a reader must not be able to write into the log");
            }, 10);
            assertEquals(1, records);
            Rec expected = new Rec(0, 0, 42, 7, 123_456_789L, "key-42".getBytes(StandardCharsets.US_ASCII),
                    new byte[] {2, 3, 4, 5}, Arrays.copyOfRange(payloadBytes, 100, 300));
            assertSameRecord(expected, read.get(0), "the record");
            assertEquals(aligned(OVERHEAD + 6 + 4 + 200), log.tailPosition());
        }
    }

    @Test
    void nullAndEmptyPartsReadBackAsEmpty() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().build())) {
            LogAppender appender = log.appender();
            assertEquals(0, appender.append(1, 0, 10, (ByteBuffer) null, null, null));
            assertEquals(aligned(OVERHEAD), appender.append(1, 1, 11, new byte[0], new byte[0], new byte[0]));
            assertEquals(2L * aligned(OVERHEAD), appender.append(1, 2, 12, ByteBuffer.allocate(0), ByteBuffer.allocate(0),
                    ByteBuffer.allocateDirect(0)));
            assertEquals(3L * aligned(OVERHEAD), appender.append(1, 3, 13, null, null, new byte[] {7}));
            List<Rec> read = readAllVerified(log, 0);
            assertEquals(4, read.size());
            for (int i = 0; i < 3; i++) {
                Rec r = read.get(i);
                assertEquals(i, r.streamOffset());
                assertEquals(0, r.key().length + r.headers().length + r.payload().length, r.toString());
            }
            assertArrayEquals(new byte[] {7}, read.get(3).payload());
            assertEquals(0, read.get(3).key().length);
        }
    }

    @Test
    void positionsAreAlignedAndAdvanceByTheAlignedFrameLength() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().build())) {
            LogAppender appender = log.appender();
            List<Rec> expected = new ArrayList<>();
            long next = 0;
            for (int i = 0; i < 200; i++) {
                Rec rec = rec(3, i, i % 5, i % 3 == 0 ? 0 : i % 17, (i * 37) % 301);
                long position = rec.append(appender);
                assertEquals(next, position, "record " + i);
                assertEquals(0, position % FrameDescriptor.ALIGNMENT);
                next = position + aligned(rec.frameLength());
                expected.add(rec.at(position, 0));
            }
            assertEquals(next, log.tailPosition());
            assertSameRecords(expected, readAllVerified(log, 0));
            // a cursor may start at any frame: it reads the rest
            assertSameRecords(expected.subList(137, 200), readAll(log, expected.get(137).position()));
        }
    }

    @Test
    void aBatchIsOneFrameWhoseRecordsKeepTheirOrder() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().build())) {
            LogAppender appender = log.appender();
            Rec first = rec(5, 0, 3, 4, 10);
            Rec empty = new Rec(-1, 0, 6, 0, 99, new byte[0], new byte[0], new byte[0]);
            Rec third = rec(5, 1, 0, 0, 1000);
            RecordBatch batch = new RecordBatch(16);
            batch.add(first.streamId(), first.streamOffset(), first.timestamp(), first.key(), first.headers(), first.payload());
            batch.add(empty.streamId(), empty.streamOffset(), empty.timestamp(), (ByteBuffer) null, null, null);
            batch.add(third.streamId(), third.streamOffset(), third.timestamp(), ByteBuffer.wrap(third.key()),
                    ByteBuffer.wrap(third.headers()), ByteBuffer.wrap(third.payload()));
            assertEquals(3, batch.count());
            int entries = first.entryLength() + empty.entryLength() + third.entryLength();
            assertEquals(entries, batch.entriesLength());
            assertEquals(FrameDescriptor.HEADER_LENGTH + entries, batch.frameLength());

            long position = appender.append(batch);
            assertEquals(0, position);
            long next = appender.append(batch.clear().add(7, 0, 1, null, null, new byte[] {1, 2}));
            assertEquals(aligned(FrameDescriptor.HEADER_LENGTH + entries), next, "the next frame follows the aligned batch");

            List<Integer> counts = new ArrayList<>();
            List<Rec> read = new ArrayList<>();
            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            while (cursor.poll(view -> {
                read.add(Rec.of(view));
                counts.add(view.recordsInFrame());
            }, 10) > 0) {
                // drain
            }
            assertSameRecords(List.of(first.at(0, 0), empty.at(0, 1), third.at(0, 2),
                    new Rec(next, 0, 7, 0, 1, new byte[0], new byte[0], new byte[] {1, 2})), read);
            assertEquals(List.of(3, 3, 3, 1), counts);
        }
    }

    @Test
    void aBatchGrowsBeyondItsInitialCapacityAndCanBeReused() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().build())) {
            LogAppender appender = log.appender();
            RecordBatch batch = new RecordBatch(0);
            List<Rec> expected = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                batch.clear();
                List<Rec> inBatch = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    Rec rec = rec(round, i, i % 4, i % 2, 50 + i);
                    batch.add(rec.streamId(), rec.streamOffset(), rec.timestamp(), rec.key(), rec.headers(), rec.payload());
                    inBatch.add(rec);
                }
                long position = appender.append(batch);
                for (int i = 0; i < inBatch.size(); i++) {
                    expected.add(inBatch.get(i).at(position, i));
                }
            }
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void anEmptyBatchIsRefused() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().name("empty-batch").build())) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> log.appender().append(new RecordBatch(64)));
            assertTrue(refused.getMessage().contains("empty"), refused.getMessage());
            assertEquals(0, log.tailPosition());
        }
    }

    @Test
    void aRecordOfExactlyMaxRecordSizeIsTakenAndOneByteMoreIsRefusedLeavingNothingBehind() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().maxRecordSize(1024).name("limits").build())) {
            LogAppender appender = log.appender();
            Rec small = rec(1, 0, 1, 1, 1);
            long smallPosition = small.append(appender);
            Rec exact = rec(1, 1, 100, 50, 1024 - OVERHEAD - 150);
            assertEquals(1024, exact.frameLength());
            long exactPosition = exact.append(appender);
            assertEquals(aligned(small.frameLength()), exactPosition);
            long tail = log.tailPosition();

            Rec over = rec(1, 2, 100, 50, 1024 - OVERHEAD - 149);
            RecordTooLargeException tooLarge = assertThrows(RecordTooLargeException.class, () -> over.append(appender));
            assertTrue(tooLarge.getMessage().contains("1025") && tooLarge.getMessage().contains("maxRecordSize")
                    && tooLarge.getMessage().contains("1024"), tooLarge.getMessage());
            Rec overAsBuffers = rec(1, 2, 0, 0, 2000);
            assertThrows(RecordTooLargeException.class, () -> appender.append(1, 2, 0, null, null, ByteBuffer.wrap(overAsBuffers.payload())));

            RecordBatch batch = new RecordBatch(64);
            // one record of 1024 - 16 (header) bytes of entry: the batch frame is exactly 1024
            batch.add(1, 2, 5, null, null, new byte[1024 - OVERHEAD]);
            assertEquals(1024, batch.frameLength());
            long batchPosition = appender.append(batch);
            assertEquals(tail, batchPosition);
            tail = log.tailPosition();
            batch.clear().add(1, 3, 5, null, null, new byte[1024 - OVERHEAD - 40]).add(1, 4, 5, null, null, new byte[5]);
            assertEquals(1024 + 1, batch.frameLength());
            assertThrows(RecordTooLargeException.class, () -> appender.append(batch));

            assertEquals(tail, log.tailPosition(), "a refused record claims no space");
            List<Rec> read = readAllVerified(log, 0);
            assertEquals(3, read.size(), "nothing of a refused record is visible: " + read);
            assertSameRecord(small.at(smallPosition, 0), read.get(0), "small");
            assertSameRecord(exact.at(exactPosition, 0), read.get(1), "exact");
            assertEquals(batchPosition, read.get(2).position());
            Rec after = rec(1, 3, 0, 0, 10);
            assertEquals(tail, after.append(appender), "the next record follows the last accepted one without a gap");
        }
    }

    @Test
    void aRecordAsLargeAsASegmentGetsAFreshSegment() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().maxRecordSize(SEGMENT).build())) {
            LogAppender appender = log.appender();
            Rec small = rec(1, 0, 0, 0, 10);
            Rec huge = recOfFrame(1, 1, SEGMENT);
            Rec after = rec(1, 2, 0, 0, 10);
            List<Rec> expected = List.of(small.at(small.append(appender), 0), huge.at(huge.append(appender), 0),
                    after.at(after.append(appender), 0));
            assertEquals(List.of(0L, (long) SEGMENT, 2L * SEGMENT), expected.stream().map(Rec::position).toList());
            assertSameRecords(expected, readAllVerified(log, 0));
            assertEquals(3, segmentFiles(dir).size());
        }
    }

    @Test
    void recordsThatExactlyFillASegmentAreFollowedByTheNextSegmentWithoutPadding() throws Exception {
        List<Rec> expected = new ArrayList<>();
        LogConfig config = config().maxRecordSize(4096).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            for (int i = 0; i < SEGMENT / 1024 + 3; i++) {
                Rec rec = recOfFrame(2, i, i % 2 == 0 ? 1024 : 1024 - 15);
                long position = rec.append(appender);
                assertEquals(1024L * i, position, "record " + i);
                expected.add(rec.at(position, 0));
            }
            assertEquals(List.of(segmentFile(dir, 0), segmentFile(dir, SEGMENT)), segmentFiles(dir));
            assertSameRecords(expected, readAllVerified(log, 0));
            assertSameRecords(expected.subList(64, expected.size()), readAllVerified(log, SEGMENT));
        }
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(expected.size(), log.recoveryReport().records());
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void aRecordThatDoesNotFitClosesTheSegmentWithAPaddingFrame() throws Exception {
        List<Rec> expected = new ArrayList<>();
        LogConfig config = config().maxRecordSize(16 * 1024).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            for (int i = 0; i < 60; i++) {
                Rec rec = recOfFrame(2, i, 1024);
                expected.add(rec.at(rec.append(appender), 0));
            }
            Rec big = recOfFrame(2, 60, 8192 - 3);
            long bigPosition = big.append(appender);
            assertEquals(SEGMENT, bigPosition, "a record that does not fit goes to the next segment");
            expected.add(big.at(bigPosition, 0));
            assertSameRecords(expected, readAllVerified(log, 0));
        }
        // the padding frame on disk: from 60 * 1024 to the segment's end, flagged, no records, with a valid CRC
        ByteBuffer header = ByteBuffer.wrap(readBytes(segmentFile(dir, 0), 60 * 1024, 16)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(SEGMENT - 60 * 1024, header.getInt(FrameDescriptor.LENGTH_OFFSET));
        assertEquals(FrameDescriptor.MAGIC, header.get(FrameDescriptor.MAGIC_OFFSET));
        assertEquals(FrameDescriptor.FLAG_PADDING, header.getShort(FrameDescriptor.FLAGS_OFFSET));
        assertEquals(0, header.getInt(FrameDescriptor.COUNT_OFFSET));
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void aClosedLogRefusesAppendsSayingWhichLogAndWhy() throws Exception {
        WriteAheadLog log = WriteAheadLog.open(config().name("orders-3").build());
        LogAppender appender = log.appender();
        assertEquals(0, appender.append(1, 0, 0, null, null, new byte[] {1}));
        log.close();
        assertTrue(log.isClosed());
        LogClosedException single = assertThrows(LogClosedException.class, () -> appender.append(1, 1, 0, null, null, new byte[] {1}));
        assertTrue(single.getMessage().contains("orders-3") && single.getMessage().contains("closed"), single.getMessage());
        LogClosedException batch = assertThrows(LogClosedException.class,
                () -> log.appender().append(new RecordBatch(64).add(1, 1, 0, null, null, new byte[] {1})));
        assertTrue(batch.getMessage().contains("orders-3"), batch.getMessage());
        log.close(); // idempotent
        try (WriteAheadLog reopened = WriteAheadLog.open(config().name("orders-3").build())) {
            assertEquals(1, readAll(reopened, 0).size());
        }
    }

    @Test
    void appendsAreBackPressuredWhileTheFlusherIsBehindAndResumeOnceItCatchesUp() throws Exception {
        LogConfig config = config().segmentSize(4 * SEGMENT).durability(Durability.BATCH).maxRecordSize(1024)
                .flushInterval(Duration.ofHours(1)).flushBytes(1L << 40).maxUnflushedBytes(SEGMENT).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            List<Rec> expected = new ArrayList<>();
            long result = 0;
            int i = 0;
            while (i < 10_000) {
                Rec rec = recOfFrame(1, i, 1024);
                result = rec.append(appender);
                if (result == WriteAheadLog.BACK_PRESSURED) {
                    break;
                }
                expected.add(rec.at(result, 0));
                i++;
            }
            assertEquals(WriteAheadLog.BACK_PRESSURED, result, "never back-pressured after " + i + " records");
            assertTrue(expected.size() >= SEGMENT / 1024, "back-pressured too early, after " + expected.size() + " records");
            long tail = log.tailPosition();
            assertEquals(WriteAheadLog.BACK_PRESSURED, appender.append(new RecordBatch(64).add(1, i, 0, null, null, new byte[8])));
            assertEquals(tail, log.tailPosition(), "a back-pressured append claims nothing");
            assertSameRecords(expected, readAll(log, 0));

            log.requestFlush();
            await(() -> log.durablePosition() >= tail, () -> "durable " + log.durablePosition() + " to reach " + tail);
            Rec rec = recOfFrame(1, i, 1024);
            long position = rec.append(appender);
            assertEquals(tail, position, "appends resume once the flusher caught up");
            expected.add(rec.at(position, 0));
            assertSameRecords(expected, readAll(log, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void whenDurableFiresOnceThePositionIsDurableInEveryMode(Durability durability) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().durability(durability).build())) {
            LogAppender appender = log.appender();
            long first = appender.append(1, 0, 0, null, null, new byte[100]);
            long second = appender.append(new RecordBatch(64).add(1, 1, 0, null, null, new byte[10]).add(1, 2, 0, (byte[]) null, null, null));
            DurableProbe probeFirst = new DurableProbe();
            DurableProbe probeSecond = new DurableProbe();
            assertTrue(log.whenDurable(second, probeSecond));
            assertTrue(log.whenDurable(first, probeFirst));
            probeSecond.await();
            probeFirst.await();
            assertNull(probeSecond.failure, () -> "failed: " + probeSecond.failure);
            assertEquals(second, probeSecond.position);
            assertTrue(probeSecond.durablePosition > second, "durable " + probeSecond.durablePosition + " covers " + second);
            assertEquals(first, probeFirst.position);
            assertTrue(log.durablePosition() > second);
            assertTrue(log.publishedPosition() >= log.durablePosition());
            if (durability != Durability.NONE) {
                assertTrue(log.stats().fsyncs() >= 1, "durable in " + durability + " means fsynced: " + log.stats());
            } else {
                assertEquals(0, log.stats().fsyncs(), "NONE never fsyncs");
            }
            // a position that is durable already is told at once
            DurableProbe late = new DurableProbe();
            assertTrue(log.whenDurable(first, late));
            late.await();
            assertNull(late.failure);
            assertEquals(1, probeFirst.calls);
            assertEquals(1, probeSecond.calls);
        }
    }

    @Test
    void batchModeFlushesOnlyWhenItsThresholdsSayOrWhenAsked() throws Exception {
        LogConfig config = config().durability(Durability.BATCH).flushInterval(Duration.ofHours(1)).flushBytes(1L << 40).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            long position = log.appender().append(1, 0, 0, null, null, new byte[100]);
            DurableProbe probe = new DurableProbe();
            assertTrue(log.whenDurable(position, probe));
            await(() -> log.publishedPosition() > position, () -> "the flusher to see the frame");
            Thread.sleep(150);
            assertFalse(probe.fired(), "BATCH mode must not call a position durable before an fsync");
            assertEquals(0, log.durablePosition());
            assertEquals(0, log.stats().fsyncs());
            log.requestFlush();
            probe.await();
            assertNull(probe.failure);
            assertEquals(1, log.stats().fsyncs());
            assertTrue(log.durablePosition() > position);
        }
    }

    @Test
    void durableCallbacksFireInPositionOrderWhateverTheOrderTheyWereRegisteredIn() throws Exception {
        LogConfig config = config().durability(Durability.BATCH).flushInterval(Duration.ofHours(1)).flushBytes(1L << 40).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                positions.add(appender.append(1, i, 0, null, null, new byte[i]));
            }
            List<Long> told = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(positions.size());
            for (int i = positions.size() - 1; i >= 0; i--) {
                assertTrue(log.whenDurable(positions.get(i), new DurableCallback() {
                    @Override
                    public void onDurable(long position, long durablePosition) {
                        told.add(position);
                        all.countDown();
                    }

                    @Override
                    public void onFailure(long position, Throwable cause) {
                        all.countDown();
                    }
                }));
            }
            log.requestFlush();
            assertTrue(all.await(30, TimeUnit.SECONDS));
            assertEquals(positions, told);
        }
    }

    @Test
    void closingTellsWaitersTheFinalFlushCoversAndFailsTheOthers() throws Exception {
        LogConfig config = config().durability(Durability.BATCH).flushInterval(Duration.ofHours(1)).flushBytes(1L << 40)
                .name("closing").build();
        WriteAheadLog log = WriteAheadLog.open(config);
        long position = log.appender().append(1, 0, 0, null, null, new byte[100]);
        DurableProbe written = new DurableProbe();
        DurableProbe never = new DurableProbe();
        assertTrue(log.whenDurable(position, written));
        assertTrue(log.whenDurable(log.tailPosition() + 4096, never));
        log.close();
        written.await();
        never.await();
        assertNull(written.failure, () -> "the last fsync on close covers an appended record: " + written.failure);
        assertInstanceOf(LogClosedException.class, never.failure);
        assertTrue(never.failure.getMessage().contains("closing"), never.failure.getMessage());

        DurableProbe afterClose = new DurableProbe();
        log.whenDurable(log.tailPosition() + 4096, afterClose);
        afterClose.await();
        assertInstanceOf(LogClosedException.class, afterClose.failure, "waiting on a closed log fails");
    }

    @Test
    void closingMakesEverythingAppendedBeforeItDurableEvenWhenTheFlusherIsFarBehind() throws Exception {
        LogConfig config = config().durability(Durability.BATCH).segmentSize(4 * 1024 * 1024).name("far-behind").build();
        WriteAheadLog log = WriteAheadLog.open(config);
        LogAppender appender = log.appender();
        // hold the flusher: a durability callback runs on its thread (a callback must not block; this one does on purpose)
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        long first = appender.append(1, 0, 0, null, null, new byte[10]);
        log.whenDurable(first, new DurableCallback() {
            @Override
            public void onDurable(long position, long durablePosition) {
                inCallback.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onFailure(long position, Throwable cause) {
                inCallback.countDown();
            }
        });
        assertTrue(inCallback.await(30, TimeUnit.SECONDS));
        // meanwhile producers append far more frames than the flusher scans in one duty cycle
        long last = 0;
        for (int i = 1; i <= 10_000; i++) {
            last = appender.append(1, i, 0, null, null, new byte[10]);
        }
        DurableProbe lastProbe = new DurableProbe();
        assertTrue(log.whenDurable(last, lastProbe));
        Thread closer = new Thread(log::close, "closer");
        closer.start();
        await(log::isClosed, () -> "close() to begin");
        Thread.sleep(100); // close() is now waiting for the flusher thread to stop
        release.countDown();
        closer.join(30_000);
        assertFalse(closer.isAlive());
        lastProbe.await();
        assertNull(lastProbe.failure, () -> "close() promises a last fsync of everything appended before it, but the waiter for the last"
                + " record was told: " + lastProbe.failure + "; durable position " + log.durablePosition() + ", tail " + log.tailPosition());
        assertEquals(log.tailPosition(), log.durablePosition(), "the last fsync on close covers the whole log");
    }

    @Test
    void statsDescribeTheLog() throws Exception {
        LogConfig config = config().durability(Durability.BATCH).name("stats-log").build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            long last = 0;
            for (int i = 0; i < 150; i++) {
                last = recOfFrame(1, i, 1024).append(appender);
            }
            long tail = last + 1024;
            assertEquals(tail, log.tailPosition());
            log.requestFlush();
            await(() -> log.durablePosition() == tail, () -> "durable " + log.durablePosition() + " to reach " + tail);
            LogStats stats = log.stats();
            assertEquals("stats-log", stats.name());
            assertEquals(dir.toString(), stats.directory());
            assertEquals(Durability.BATCH, stats.durability());
            assertEquals(3, stats.segments());
            assertEquals(3L * SEGMENT, stats.bytes());
            assertArrayEquals(new long[] {0, SEGMENT, 2L * SEGMENT}, stats.segmentBases());
            assertEquals(0, stats.startPosition());
            assertEquals(tail, stats.tailPosition());
            assertEquals(tail, stats.publishedPosition());
            assertEquals(tail, stats.durablePosition());
            assertEquals(0, stats.flushLag());
            assertTrue(stats.fsyncs() >= 1, stats.toString());
            assertTrue(stats.lastFsyncNanos() > 0, stats.toString());
            assertEquals(0, stats.segmentsDeleted());
            assertNull(stats.failure());
        }
    }
}
