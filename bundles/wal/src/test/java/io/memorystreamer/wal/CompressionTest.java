package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LZ4-compressed batches: smaller on disk, the same to every reader, checked by recovery. */
class CompressionTest {
    private static final int BATCHES = 400;
    private static final int PER_BATCH = 32;

    private static LogConfig config(Path dir, Compression compression) {
        return LogConfig.builder(dir).segmentSize(256 * 1024).durability(Durability.NONE).compression(compression).build();
    }

    private static String payload(int batch, int record) {
        return "{\"order\":" + batch + ",\"line\":" + record + ",\"status\":\"CONFIRMED\",\"currency\":\"EUR\",\"note\":\"repetitive text\"}";
    }

    private static long fill(WriteAheadLog log) {
        LogAppender appender = log.appender();
        RecordBatch batch = new RecordBatch(4096);
        long last = -1;
        for (int b = 0; b < BATCHES; b++) {
            batch.clear();
            for (int r = 0; r < PER_BATCH; r++) {
                batch.add(r % 4, (long) b * PER_BATCH / 4 + r / 4, b, ("key-" + r).getBytes(StandardCharsets.UTF_8), null,
                        payload(b, r).getBytes(StandardCharsets.UTF_8));
            }
            last = appender.append(batch);
        }
        return last;
    }

    private static List<String> readAll(WriteAheadLog log) throws InterruptedException {
        List<String> read = new ArrayList<>();
        LogCursor cursor = log.cursor(0).verifyChecksums(true);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (read.size() < BATCHES * PER_BATCH && System.nanoTime() < deadline) {
            if (cursor.poll(record -> read.add(record.payloadAsString()), 64) == 0) {
                Thread.sleep(1);
            }
        }
        assertNull(cursor.corruption());
        return read;
    }

    @Test
    void compressedBatchesAreSmallerAndReadTheSame(@TempDir Path plainDir, @TempDir Path lz4Dir) throws Exception {
        long plainTail;
        List<String> plain;
        try (WriteAheadLog log = WriteAheadLog.open(config(plainDir, Compression.NONE))) {
            fill(log);
            plainTail = log.tailPosition();
            plain = readAll(log);
        }
        try (WriteAheadLog log = WriteAheadLog.open(config(lz4Dir, Compression.LZ4))) {
            fill(log);
            assertTrue(log.tailPosition() * 2 < plainTail, "LZ4 at least halves repetitive JSON: " + log.tailPosition() + " vs " + plainTail);
            assertEquals(plain, readAll(log));
        }
        try (WriteAheadLog log = WriteAheadLog.open(config(lz4Dir, Compression.LZ4))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals((long) BATCHES * PER_BATCH, log.recoveryReport().records());
            assertEquals(plain, readAll(log));
            List<Long> offsets = new ArrayList<>();
            StreamCursor cursor = log.streamCursor(3, 0);
            while (cursor.poll(record -> {
                assertEquals(3, record.streamId());
                offsets.add(record.streamOffset());
            }, 100) > 0) {
                // drain sealed and active segments
            }
            assertEquals(BATCHES * PER_BATCH / 4, offsets.size());
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(i, offsets.get(i));
            }
        }
    }

    @Test
    void aDamagedCompressedFrameIsCutByRecovery(@TempDir Path dir) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir, Compression.LZ4))) {
            fill(log);
        }
        try (FileChannel channel = FileChannel.open(dir.resolve("00000000000000000000.log"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, 100);
            one.put(0, (byte) (one.get(0) ^ 0x10)).position(0);
            channel.write(one, 100);
        }
        try (WriteAheadLog log = WriteAheadLog.open(config(dir, Compression.LZ4))) {
            String report = log.recoveryReport().toString();
            assertTrue(report.contains("CRC32C mismatch") && report.contains("00000000000000000000.log"), report);
            List<String> read = new ArrayList<>();
            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            while (cursor.poll(record -> read.add(record.payloadAsString()), 64) > 0) {
                // drain
            }
            assertNull(cursor.corruption(), "nothing that failed its CRC is served");
        }
    }
}
