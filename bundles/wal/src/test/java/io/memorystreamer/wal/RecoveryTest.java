package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.OVERHEAD;
import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.allZero;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecord;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecords;
import static io.memorystreamer.wal.WalTestSupport.bytes;
import static io.memorystreamer.wal.WalTestSupport.filesIn;
import static io.memorystreamer.wal.WalTestSupport.flipByte;
import static io.memorystreamer.wal.WalTestSupport.mentions;
import static io.memorystreamer.wal.WalTestSupport.readAll;
import static io.memorystreamer.wal.WalTestSupport.readAllVerified;
import static io.memorystreamer.wal.WalTestSupport.readBytes;
import static io.memorystreamer.wal.WalTestSupport.segmentFile;
import static io.memorystreamer.wal.WalTestSupport.segmentFiles;
import static io.memorystreamer.wal.WalTestSupport.truncate;
import static io.memorystreamer.wal.WalTestSupport.writeBytes;
import static io.memorystreamer.wal.WalTestSupport.zero;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.WalTestSupport.Rec;
import io.memorystreamer.wal.internal.FrameDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opening a damaged log: a corrupt sealed segment is set aside and reported while the rest is
 * served; a torn, truncated, zeroed or overwritten tail is cut at the last valid frame; a hole
 * ends the log; an empty pre-created segment goes silently; and no record that fails its checks
 * is ever served.
 */
class RecoveryTest {
    @TempDir
    Path dir;

    private LogConfig config() {
        return config(dir);
    }

    private static LogConfig config(Path directory) {
        return LogConfig.builder(directory).segmentSize(SEGMENT).maxRecordSize(8 * 1024).durability(Durability.NONE).build();
    }

    /** Appends records (stream 1, offsets from 0) with payloads of the given lengths, and closes the log. */
    private static List<Rec> write(LogConfig config, int count, IntUnaryOperator payloadLength) throws IOException {
        List<Rec> appended = new ArrayList<>();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            LogAppender appender = log.appender();
            for (int i = 0; i < count; i++) {
                Rec rec = new Rec(-1, 0, 1, i, 1_000 + i, bytes(7, i, i % 5), new byte[0], bytes(1, i, payloadLength.applyAsInt(i)));
                appended.add(rec.at(rec.append(appender), 0));
            }
        }
        return appended;
    }

    /** Records of exactly 1024 bytes: 64 per segment, record {@code i} at position {@code 1024 * i}. */
    private List<Rec> writeKilobyteRecords(int count) throws IOException {
        List<Rec> appended = new ArrayList<>();
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            LogAppender appender = log.appender();
            for (int i = 0; i < count; i++) {
                Rec rec = new Rec(-1, 0, 1, i, 1_000 + i, new byte[0], new byte[0], bytes(1, i, 1024 - OVERHEAD));
                long position = rec.append(appender);
                assertEquals(1024L * i, position);
                appended.add(rec.at(position, 0));
            }
        }
        return appended;
    }

    private static List<Rec> between(List<Rec> records, long from, long to) {
        return records.stream().filter(r -> r.position() >= from && r.position() < to).toList();
    }

    @ParameterizedTest(name = "damage in segment {0}")
    @ValueSource(ints = {0, 1, 2})
    void aCorruptSealedSegmentIsSetAsideAndReportedWhileTheOthersAreStillServed(int damaged) throws Exception {
        List<Rec> appended = writeKilobyteRecords(3 * 64 + 20);
        long base = (long) damaged * SEGMENT;
        long damagedAt = base + 5 * 1024;
        flipByte(segmentFile(dir, base), 5 * 1024 + 100);

        List<Rec> expected = new ArrayList<>(between(appended, 0, base));
        expected.addAll(between(appended, base + SEGMENT, Long.MAX_VALUE));
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            String file = String.format("%020d.log", base);
            assertTrue(mentions(report, file, "corrupt", Long.toString(damagedAt)),
                    "the report names the file, the position and the damage: " + report);
            List<Path> setAside = filesIn(dir, "corrupt");
            assertEquals(1, setAside.size(), setAside.toString());
            assertTrue(setAside.get(0).getFileName().toString().startsWith(file), setAside.toString());
            assertFalse(segmentFiles(dir).contains(segmentFile(dir, base)));
            assertEquals(3, log.stats().segments());

            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            assertSameRecords(expected, readAll(cursor));
            assertEquals(null, cursor.corruption());
            assertEquals(SEGMENT, cursor.skippedBytes(), "the cursor jumps over the segment set aside");
            assertEquals(damaged == 0 ? SEGMENT : 0, log.startPosition());

            Rec next = new Rec(-1, 0, 1, 1000, 5, new byte[0], new byte[0], new byte[] {1, 2, 3});
            long position = next.append(log.appender());
            assertEquals(appended.get(appended.size() - 1).position() + 1024, position, "appends go on after the tail");
            expected.add(next.at(position, 0));
        }
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertFalse(mentions(log.recoveryReport(), "corrupt"), "nothing new to set aside: " + log.recoveryReport());
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void aLastSegmentTruncatedInTheMiddleOfAFrameLosesOnlyThatFrame() throws Exception {
        List<Rec> appended = write(config(), 30, i -> 40 + i * 17);
        Rec last = appended.get(29);
        Path file = segmentFile(dir, 0);
        truncate(file, last.position() + 40);

        List<Rec> expected = new ArrayList<>(appended.subList(0, 29));
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(mentions(report, "00000000000000000000.log", Long.toString(last.position())), report.toString());
            assertTrue(report.truncatedBytes() > 0, report.toString());
            assertSameRecords(expected, readAllVerified(log, 0));
            // the log goes on, across the shortened segment's end
            LogAppender appender = log.appender();
            for (int i = 30; i < 200; i++) {
                Rec rec = new Rec(-1, 0, 1, i, i, new byte[0], new byte[0], bytes(1, i, 100 + i));
                expected.add(rec.at(rec.append(appender), 0));
            }
            assertSameRecords(expected, readAllVerified(log, 0));
        }
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(log.recoveryReport().problems().isEmpty(), log.recoveryReport().toString());
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void aLastSegmentTruncatedEightBytesIntoAFrameStillTakesAppendsAcrossItsEnd() throws Exception {
        List<Rec> appended = write(config(), 10, i -> 100);
        Rec last = appended.get(9);
        truncate(segmentFile(dir, 0), last.position() + 8);

        List<Rec> expected = new ArrayList<>(appended.subList(0, 9));
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(mentions(log.recoveryReport(), Long.toString(last.position())), log.recoveryReport().toString());
            LogAppender appender = log.appender();
            for (int i = 10; i < 20; i++) {
                Rec rec = new Rec(-1, 0, 1, i, i, new byte[0], new byte[0], bytes(1, i, 100));
                long position = assertDoesNotThrow(() -> rec.append(appender),
                        "an append after recovery cut a truncated segment: 8 bytes are left, too few for a padding frame");
                expected.add(rec.at(position, 0));
            }
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void aLastSegmentTruncatedInsideItsFirstFrameDoesNotStopTheLogFromOpening() throws Exception {
        List<Rec> appended = writeKilobyteRecords(64 + 3);
        truncate(segmentFile(dir, SEGMENT), 10);
        WriteAheadLog log = assertDoesNotThrow(() -> WriteAheadLog.open(config()),
                "a segment shorter than a frame header is damage to report and repair, not a reason to refuse to open");
        try (log) {
            assertTrue(mentions(log.recoveryReport(), String.format("%020d.log", SEGMENT)), log.recoveryReport().toString());
            assertSameRecords(appended.subList(0, 64), readAllVerified(log, 0));
        }
    }

    @Test
    void aTailZeroedFromTheMiddleOfAFrameIsCutThere() throws Exception {
        List<Rec> appended = write(config(), 40, i -> 50 + i * 3);
        Rec damaged = appended.get(25);
        zero(segmentFile(dir, 0), damaged.position() + 30, SEGMENT);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(mentions(report, Long.toString(damaged.position())), report.toString());
            assertSameRecords(appended.subList(0, 25), readAllVerified(log, 0));
            Rec next = new Rec(-1, 0, 1, 25, 0, new byte[0], new byte[0], new byte[] {9});
            assertEquals(damaged.position(), next.append(log.appender()), "appends continue where the valid log ends");
        }
    }

    @Test
    void aTailZeroedFromAFrameStartIsJustAShorterLog() throws Exception {
        List<Rec> appended = write(config(), 40, i -> 50 + i * 3);
        zero(segmentFile(dir, 0), appended.get(25).position(), SEGMENT);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(log.recoveryReport().problems().isEmpty(), log.recoveryReport().toString());
            assertSameRecords(appended.subList(0, 25), readAllVerified(log, 0));
        }
    }

    @Test
    void garbageAfterTheTailIsCutReportedAndZeroed() throws Exception {
        List<Rec> appended = write(config(), 20, i -> 64);
        long tail = appended.get(19).position() + FrameDescriptor.align(appended.get(19).frameLength());
        Path file = segmentFile(dir, 0);
        writeBytes(file, tail + 4096, bytes(3, 3, 500));
        List<Rec> expected = new ArrayList<>(appended);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(mentions(report, "00000000000000000000.log", Long.toString(tail)), report.toString());
            assertTrue(allZero(readBytes(file, tail, 8192)), "what was cut is zeroed on disk");
            assertSameRecords(expected, readAllVerified(log, 0));
            Rec next = new Rec(-1, 0, 1, 20, 0, new byte[0], new byte[0], bytes(5, 5, 4000));
            assertEquals(tail, next.append(log.appender()));
            expected.add(next.at(tail, 0));
            assertSameRecords(expected, readAllVerified(log, 0));
        }
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(log.recoveryReport().problems().isEmpty(), log.recoveryReport().toString());
            assertSameRecords(expected, readAllVerified(log, 0));
        }
    }

    @Test
    void garbageBeyondTheTailOfACleanlyClosedLogIsNeverTakenForAFrame() throws Exception {
        List<Rec> appended = write(config(), 20, i -> 64);
        long tail = appended.get(19).position() + FrameDescriptor.align(appended.get(19).frameLength());
        long garbageAt = tail + 4 * 1024;
        byte[] garbage = bytes(3, 3, 500);
        garbage[0] = 100; // a plausible frame length
        garbage[1] = garbage[2] = garbage[3] = 0;
        writeBytes(segmentFile(dir, 0), garbageAt, garbage); // damage while the log was closed cleanly
        List<Rec> expected = new ArrayList<>(appended);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            LogAppender appender = log.appender();
            for (int i = 0; i < 4; i++) { // up to where the garbage starts: the next frame would start there
                Rec rec = new Rec(-1, 0, 1, 20 + i, 0, new byte[0], new byte[0], bytes(1, 20 + i, 1024 - OVERHEAD));
                expected.add(rec.at(rec.append(appender), 0));
            }
            assertEquals(garbageAt, log.tailPosition());
            Thread.sleep(200); // the flusher's scans
            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            List<Rec> read = readAll(cursor);
            assertAll(() -> assertEquals(null, cursor.corruption(), "the cursor took bytes past the tail for a frame"),
                    () -> assertTrue(log.publishedPosition() <= log.tailPosition(), "the flusher took bytes past the tail for a"
                            + " published frame: published " + log.publishedPosition() + ", tail " + log.tailPosition()),
                    () -> assertSameRecords(expected, read));
        }
    }

    @Test
    void garbageRightAtTheTailIsCutAsATornFrame() throws Exception {
        List<Rec> appended = write(config(), 20, i -> 64);
        long tail = appended.get(19).position() + FrameDescriptor.align(appended.get(19).frameLength());
        writeBytes(segmentFile(dir, 0), tail, bytes(4, 4, 300));
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(mentions(report, Long.toString(tail)), report.toString());
            assertSameRecords(appended, readAllVerified(log, 0));
            assertEquals(tail, log.tailPosition());
        }
    }

    @ParameterizedTest(name = "hole at record {0}")
    @ValueSource(ints = {0, 5})
    void aHoleFollowedByAValidFrameEndsTheLogThere(int hole) throws Exception {
        List<Rec> appended = write(config(), 10, i -> 30);
        Rec unpublished = appended.get(hole);
        Path file = segmentFile(dir, 0);
        writeBytes(file, unpublished.position(), new byte[4]); // as if its writer died before publishing its length
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(mentions(report, "00000000000000000000.log", Long.toString(unpublished.position())), report.toString());
            assertEquals(SEGMENT - unpublished.position(), report.truncatedBytes(), report.toString());
            assertSameRecords(appended.subList(0, hole), readAllVerified(log, 0));
            assertTrue(allZero(readBytes(file, unpublished.position(), 2048)), "the frames after the hole are zeroed");
            Rec next = new Rec(-1, 0, 2, 0, 0, new byte[0], new byte[0], new byte[] {1});
            assertEquals(unpublished.position(), next.append(log.appender()));
        }
    }

    @Test
    void anEmptyPreCreatedLaterSegmentIsDeletedSilently() throws Exception {
        List<Rec> appended = write(config(), 10, i -> 100);
        Path spare = segmentFile(dir, SEGMENT);
        Files.write(spare, new byte[SEGMENT]);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(log.recoveryReport().problems().isEmpty(), log.recoveryReport().toString());
            assertFalse(Files.exists(spare), "the unused spare segment is deleted");
            assertSameRecords(appended, readAllVerified(log, 0));
            Rec next = new Rec(-1, 0, 1, 10, 0, new byte[0], new byte[0], new byte[] {1});
            Rec last = appended.get(9);
            assertEquals(last.position() + FrameDescriptor.align(last.frameLength()), next.append(log.appender()));
        }
    }

    @Test
    void aTornTailFollowedByAnEmptyPreCreatedSegmentIsCutNotSetAside() throws Exception {
        // a crash while the active segment's last frame was half on disk, with the next segment already created
        List<Rec> appended = write(config(), 10, i -> 100);
        Rec torn = appended.get(9);
        flipByte(segmentFile(dir, 0), torn.position() + OVERHEAD + 50);
        Files.write(segmentFile(dir, SEGMENT), new byte[SEGMENT]);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            RecoveryReport report = log.recoveryReport();
            assertEquals(List.of(), filesIn(dir, "corrupt"),
                    "the active segment's valid frames are acknowledged data; only its torn tail may go: " + report);
            assertSameRecords(appended.subList(0, 9), readAllVerified(log, 0));
        }
    }

    @Test
    void positionsNeverGoBackEvenWhenTheOnlySegmentLeftHoldsNoFrame() throws Exception {
        // retention leaves one segment (base 65536) holding one record; then that record is torn
        LogConfig retained = LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.NONE).retentionBytes(1)
                .retentionCheckInterval(java.time.Duration.ofMillis(5)).build();
        try (WriteAheadLog log = WriteAheadLog.open(retained)) {
            LogAppender appender = log.appender();
            for (int i = 0; i < 64; i++) {
                appender.append(1, i, 0, null, null, new byte[1024 - OVERHEAD]);
            }
            assertEquals(SEGMENT, appender.append(1, 64, 0, null, null, new byte[100]));
            WalTestSupport.await(() -> log.startPosition() == SEGMENT, () -> "retention to delete segment 0");
        }
        flipByte(segmentFile(dir, SEGMENT), OVERHEAD + 10);
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertTrue(mentions(log.recoveryReport(), Long.toString(SEGMENT)), log.recoveryReport().toString());
            assertEquals(SEGMENT, log.tailPosition(), "the log goes on where its valid part ends");
        }
        try (WriteAheadLog log = WriteAheadLog.open(config())) {
            assertEquals(SEGMENT, log.startPosition(), "positions once used are never used again: " + log.recoveryReport());
            assertEquals(SEGMENT, log.tailPosition(), "positions once used are never used again: " + log.recoveryReport());
            Rec next = new Rec(-1, 0, 1, 64, 0, new byte[0], new byte[0], new byte[] {1});
            assertEquals(SEGMENT, next.append(log.appender()));
        }
    }

    @Test
    void theSegmentSizeMayChangeBetweenOpens() throws Exception {
        List<Rec> expected = new ArrayList<>();
        long offset = 0;
        for (int size : new int[] {2 * SEGMENT, SEGMENT, 4 * SEGMENT, SEGMENT}) {
            LogConfig config = LogConfig.builder(dir).segmentSize(size).maxRecordSize(4096).durability(Durability.NONE).build();
            try (WriteAheadLog log = WriteAheadLog.open(config)) {
                assertTrue(log.recoveryReport().problems().isEmpty(), log.recoveryReport().toString());
                assertSameRecords(expected, readAllVerified(log, 0));
                LogAppender appender = log.appender();
                for (int i = 0; i < 300; i++, offset++) {
                    Rec rec = new Rec(-1, 0, 1, offset, 0, new byte[0], new byte[0], bytes(1, offset, (int) (offset * 97 % 1000)));
                    expected.add(rec.at(rec.append(appender), 0));
                }
                assertSameRecords(expected, readAllVerified(log, 0));
            }
        }
    }

    @Test
    void aRecordThatFailsItsChecksIsNeverServed() throws Exception {
        Path pristine = dir.resolve("pristine");
        LogConfig config = config(pristine);
        List<Rec> appended = write(config, 400, i -> (i * 7919) % 700);
        Map<String, Rec> byPlace = new HashMap<>();
        for (Rec rec : appended) {
            byPlace.put(rec.position() + "#" + rec.index(), rec);
        }
        long end = appended.get(appended.size() - 1).position() + 1024;
        List<Path> files = segmentFiles(pristine);
        assertTrue(files.size() >= 3, "several segments: " + files);

        Random random = new Random(20_261_127L);
        for (int trial = 0; trial < 30; trial++) {
            Path copy = dir.resolve("trial-" + trial);
            copyLog(pristine, copy);
            TreeSet<Long> flipped = new TreeSet<>();
            int flips = 1 + random.nextInt(3);
            for (int f = 0; f < flips; f++) {
                long at = (long) (random.nextDouble() * end);
                flipped.add(at);
                flipByte(segmentFile(copy, at / SEGMENT * SEGMENT), at % SEGMENT);
            }
            String what = "trial " + trial + ", bytes flipped at " + flipped;
            try (WriteAheadLog log = WriteAheadLog.open(config(copy))) {
                LogCursor cursor = log.cursor(0).verifyChecksums(true);
                List<Rec> served = readAll(cursor);
                assertEquals(null, cursor.corruption(), what);
                long previous = -1;
                for (Rec rec : served) {
                    Rec original = byPlace.get(rec.position() + "#" + rec.index());
                    assertNotNull(original, what + ": served a record at a position where none was appended: " + rec);
                    assertSameRecord(original, rec, what);
                    assertTrue(rec.position() > previous, what);
                    previous = rec.position();
                }
                // segments without damage are served whole
                for (Rec rec : appended) {
                    long segmentBase = rec.position() / SEGMENT * SEGMENT;
                    boolean damagedSegment = !flipped.subSet(segmentBase, segmentBase + SEGMENT).isEmpty();
                    if (!damagedSegment) {
                        assertTrue(served.stream().anyMatch(s -> s.position() == rec.position()),
                                what + ": a record of an undamaged segment is missing: " + rec + "; " + log.recoveryReport());
                    }
                }
            }
        }
    }

    /** Removes the marker a clean close leaves, so that the next open treats the log as after a crash. */
    private static void forgetCleanShutdown(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve("clean-shutdown")); // the lead removed the marker; kept harmless
    }

    private static void copyLog(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
