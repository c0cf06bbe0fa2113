package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.OVERHEAD;
import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecords;
import static io.memorystreamer.wal.WalTestSupport.await;
import static io.memorystreamer.wal.WalTestSupport.bytes;
import static io.memorystreamer.wal.WalTestSupport.readAll;
import static io.memorystreamer.wal.WalTestSupport.readAllVerified;
import static io.memorystreamer.wal.WalTestSupport.segmentFile;
import static io.memorystreamer.wal.WalTestSupport.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memorystreamer.wal.WalTestSupport.Rec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by size and by age: whole sealed segments, oldest first, never the active one; cursors jump the gap. */
class RetentionTest {
    private static final int RECORDS_PER_SEGMENT = SEGMENT / 1024;

    @TempDir
    Path dir;

    private LogConfig.Builder config() {
        return LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.NONE).retentionCheckInterval(Duration.ofMillis(5));
    }

    /** Appends {@code count} records of exactly 1024 bytes (64 per segment), offsets from {@code first}. */
    private static List<Rec> fill(WriteAheadLog log, long first, int count, long timestamp) throws InterruptedException {
        LogAppender appender = log.appender();
        List<Rec> appended = new ArrayList<>();
        for (long offset = first; offset < first + count; offset++) {
            Rec rec = new Rec(-1, 0, 1, offset, timestamp, new byte[0], new byte[0], bytes(1, offset, 1024 - OVERHEAD));
            appended.add(rec.at(WalTestSupport.appendRetrying(appender, rec), 0));
        }
        return appended;
    }

    private static List<Rec> from(List<Rec> records, long position) {
        return records.stream().filter(r -> r.position() >= position).toList();
    }

    @Test
    void sizeRetentionDeletesWholeSealedSegmentsOldestFirst() throws Exception {
        LogConfig config = config().retentionBytes(3L * SEGMENT).build();
        List<Rec> appended;
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            appended = fill(log, 0, 10 * RECORDS_PER_SEGMENT + 5, System.currentTimeMillis());
            await(() -> log.stats().segments() == 3, () -> "3 segments left, not " + log.stats().segments());
            LogStats stats = log.stats();
            assertEquals(3, stats.segments());
            assertEquals(3L * SEGMENT, stats.bytes());
            assertEquals(8L * SEGMENT, log.startPosition());
            assertArrayEquals(new long[] {8L * SEGMENT, 9L * SEGMENT, 10L * SEGMENT}, stats.segmentBases());
            assertEquals(List.of(segmentFile(dir, 8L * SEGMENT), segmentFile(dir, 9L * SEGMENT), segmentFile(dir, 10L * SEGMENT)),
                    segmentFiles(dir), "whole segments deleted from the disk, the newest kept");
            for (Path file : segmentFiles(dir)) {
                assertEquals(SEGMENT, Files.size(file), "a kept segment is never shortened: " + file);
            }
            assertSameRecords(from(appended, 8L * SEGMENT), readAllVerified(log, 8L * SEGMENT));
            // the log goes on appending after the retained segments
            List<Rec> more = fill(log, appended.size(), 3, System.currentTimeMillis());
            assertEquals(appended.get(appended.size() - 1).position() + 1024, more.get(0).position());
        }
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            assertEquals(8L * SEGMENT, log.startPosition(), "a reopened log starts where retention left it");
            assertEquals(2 * RECORDS_PER_SEGMENT + 5 + 3, readAll(log, 0).size());
        }
    }

    @Test
    void theActiveSegmentIsNeverDeletedHoweverSmallTheLimit() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().retentionBytes(1).build())) {
            List<Rec> appended = fill(log, 0, 4 * RECORDS_PER_SEGMENT + 10, System.currentTimeMillis());
            await(() -> log.stats().segments() == 1, () -> "1 segment left, not " + log.stats().segments());
            Thread.sleep(50); // several retention checks
            assertEquals(1, log.stats().segments());
            assertEquals(4L * SEGMENT, log.startPosition());
            assertEquals(List.of(segmentFile(dir, 4L * SEGMENT)), segmentFiles(dir));
            assertSameRecords(from(appended, 4L * SEGMENT), readAllVerified(log, 0));
        }
    }

    @Test
    void ageRetentionDeletesSegmentsWhoseNewestRecordIsOlderThanTheLimitAndKeepsTheRest() throws Exception {
        LogConfig config = config().retentionAge(Duration.ofHours(1)).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            long now = System.currentTimeMillis();
            List<Rec> appended = new ArrayList<>(fill(log, 0, 3 * RECORDS_PER_SEGMENT - 1, 1_000L));
            // the last record of segment 2 is new: segment 2 stays, and so does everything after it
            appended.addAll(fill(log, appended.size(), 1, now));
            appended.addAll(fill(log, appended.size(), 2 * RECORDS_PER_SEGMENT + 7, 1_000L));
            appended.addAll(fill(log, appended.size(), 1, now));
            await(() -> log.startPosition() == 2L * SEGMENT, () -> "segments 0 and 1 deleted, start is " + log.startPosition());
            Thread.sleep(50); // several more retention checks: nothing else goes
            assertEquals(2L * SEGMENT, log.startPosition());
            assertEquals(4, log.stats().segments(), Arrays.toString(log.stats().segmentBases()));
            assertEquals(4, segmentFiles(dir).size());
            assertSameRecords(from(appended, 2L * SEGMENT), readAllVerified(log, 0));
        }
    }

    @Test
    void aCursorPositionedInADeletedSegmentJumpsToTheOldestRemainingPositionCountingWhatItSkipped() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().retentionBytes(2L * SEGMENT).build())) {
            List<Rec> appended = fill(log, 0, 6 * RECORDS_PER_SEGMENT + 1, System.currentTimeMillis());
            await(() -> log.stats().segments() == 2, () -> "2 segments left, not " + log.stats().segments());
            long start = log.startPosition();
            assertEquals(5L * SEGMENT, start);

            LogCursor fromZero = log.cursor(0);
            List<Rec> read = readAll(fromZero);
            assertSameRecords(from(appended, start), read);
            assertEquals(start, fromZero.skippedBytes());

            LogCursor fromMiddle = log.cursor(SEGMENT + 3 * 1024);
            assertSameRecords(from(appended, start), readAll(fromMiddle));
            assertEquals(start - SEGMENT - 3 * 1024, fromMiddle.skippedBytes());

            LogCursor fromKept = log.cursor(start + 1024);
            assertSameRecords(from(appended, start + 1024), readAll(fromKept));
            assertEquals(0, fromKept.skippedBytes());
        }
    }

    @Test
    void aReaderOnASegmentThatIsDeletedFinishesItThenJumps() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().retentionAge(Duration.ofMillis(500)).build())) {
            long stamp = System.currentTimeMillis();
            List<Rec> appended = new ArrayList<>(fill(log, 0, 1, stamp));
            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            List<Rec> read = new ArrayList<>();
            assertEquals(1, cursor.poll(view -> read.add(Rec.of(view)), 1), "the cursor is on segment 0 now");
            appended.addAll(fill(log, 1, 4 * RECORDS_PER_SEGMENT + 3, stamp));
            assertEquals(5, cursor.poll(view -> read.add(Rec.of(view)), 5));

            // all sealed segments age out; only the active one (base 4 * SEGMENT) is left
            await(() -> log.stats().segments() == 1, () -> "1 segment left, not " + log.stats().segments());
            assertEquals(List.of(segmentFile(dir, 4L * SEGMENT)), segmentFiles(dir));

            read.addAll(readAll(cursor));
            assertEquals(null, cursor.corruption());
            List<Rec> expected = new ArrayList<>(appended.subList(0, RECORDS_PER_SEGMENT));
            expected.addAll(from(appended, 4L * SEGMENT));
            assertSameRecords(expected, read);
            assertEquals(3L * SEGMENT, cursor.skippedBytes(), "segments 1 to 3 were skipped");
        }
    }

    @Test
    void statsCountTheSegmentsRetentionDeleted() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config().retentionBytes(2L * SEGMENT).build())) {
            fill(log, 0, 5 * RECORDS_PER_SEGMENT + 1, System.currentTimeMillis());
            await(() -> log.stats().segments() == 2, () -> "2 segments left, not " + log.stats().segments());
            assertEquals(4, log.stats().segmentsDeleted(), "LogStats.segmentsDeleted: segments removed by retention since open");
        }
    }

    private static void assertArrayEquals(long[] expected, long[] actual) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }
}
