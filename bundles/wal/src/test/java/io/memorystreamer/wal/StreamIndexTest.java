package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream indexes of sealed segments, their rebuild, and lookups by timestamp and position. */
class StreamIndexTest {
    private static final int STREAMS = 3;
    private static final int PER_STREAM = 1500;

    private static LogConfig config(Path dir) {
        return LogConfig.builder(dir).segmentSize(64 * 1024).indexIntervalBytes(512).durability(Durability.NONE).build();
    }

    /** Appends PER_STREAM records to each of STREAMS streams, interleaved, some as batches; timestamp = 10 * global sequence. */
    private static List<Long> fill(WriteAheadLog log) {
        LogAppender appender = log.appender();
        RecordBatch batch = new RecordBatch(1024);
        List<Long> positions = new ArrayList<>();
        long sequence = 0;
        for (int i = 0; i < PER_STREAM; i++) {
            if (i % 10 == 0) {
                batch.clear();
                for (int stream = 0; stream < STREAMS; stream++) {
                    batch.add(stream, i, 10 * sequence++, null, null, payload(stream, i));
                }
                positions.add(appender.append(batch));
            } else {
                for (int stream = 0; stream < STREAMS; stream++) {
                    positions.add(appender.append(stream, i, 10 * sequence++, null, null, payload(stream, i)));
                }
            }
        }
        return positions;
    }

    private static byte[] payload(int stream, int offset) {
        return ("stream-" + stream + "-offset-" + offset).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> readStream(WriteAheadLog log, long streamId, long from) throws InterruptedException {
        List<String> read = new ArrayList<>();
        StreamCursor cursor = log.streamCursor(streamId, from);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (read.size() < PER_STREAM - from && System.nanoTime() < deadline) {
            if (cursor.poll(record -> {
                assertEquals(streamId, record.streamId());
                read.add(record.payloadAsString());
            }, 100) == 0) {
                Thread.sleep(1);
            }
        }
        return read;
    }

    private static void awaitPublished(WriteAheadLog log, long position) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (log.publishedPosition() <= position && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(log.publishedPosition() > position, "the flusher never published " + position);
    }

    @Test
    void streamCursorReadsOneStreamInOrderAcrossSealedAndActiveSegments(@TempDir Path dir) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir))) {
            List<Long> positions = fill(log);
            awaitPublished(log, positions.get(positions.size() - 1));
            assertTrue(log.stats().segments() > 3, "several sealed segments");
            for (int stream = 0; stream < STREAMS; stream++) {
                List<String> read = readStream(log, stream, 0);
                assertEquals(PER_STREAM, read.size());
                for (int i = 0; i < PER_STREAM; i++) {
                    assertEquals("stream-" + stream + "-offset-" + i, read.get(i));
                }
            }
            List<String> fromMiddle = readStream(log, 1, 700);
            assertEquals("stream-1-offset-700", fromMiddle.get(0));
            assertEquals(PER_STREAM - 700, fromMiddle.size());
        }
    }

    @Test
    void indexesSurviveReopenAndAreRebuiltWhenMissingOrDamaged(@TempDir Path dir) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir))) {
            List<Long> positions = fill(log);
            awaitPublished(log, positions.get(positions.size() - 1));
        }
        List<Path> indexes;
        try (Stream<Path> files = Files.list(dir)) {
            indexes = files.filter(f -> f.toString().endsWith(".index")).sorted().toList();
        }
        assertTrue(indexes.size() >= 3, "every sealed segment has an index: " + indexes);
        try (WriteAheadLog log = WriteAheadLog.open(config(dir))) {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
        }
        Files.delete(indexes.get(0));
        flipByte(indexes.get(1), 100);
        try (WriteAheadLog log = WriteAheadLog.open(config(dir))) {
            List<String> problems = log.recoveryReport().problems();
            assertEquals(2, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains(indexes.get(0).getFileName() + " was missing or damaged: rebuilt"), problems.get(0));
            assertTrue(problems.get(1).contains(indexes.get(1).getFileName() + " was missing or damaged: rebuilt"), problems.get(1));
            List<String> read = readStream(log, 2, 0);
            assertEquals(PER_STREAM, read.size());
            assertEquals("stream-2-offset-1499", read.get(PER_STREAM - 1));
        }
    }

    @Test
    void findsPositionsByTimestampAndByAnyPosition(@TempDir Path dir) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(config(dir))) {
            List<Long> positions = fill(log);
            awaitPublished(log, positions.get(positions.size() - 1));
            long target = 10L * 2_501;
            long position = log.positionOfTimestamp(target);
            List<Long> timestamps = new ArrayList<>();
            log.cursor(position).poll(record -> timestamps.add(record.timestamp()), 1);
            assertTrue(timestamps.stream().anyMatch(t -> t >= target), "frame at " + position + " holds " + timestamps);
            assertTrue(timestamps.get(0) <= target, "no earlier frame holds the timestamp: " + timestamps);
            assertEquals(log.publishedPosition(), log.positionOfTimestamp(Long.MAX_VALUE));

            for (int i = 1; i < positions.size(); i += 97) {
                assertEquals(positions.get(i), log.frameAtOrAfter(positions.get(i - 1) + 1), "after " + positions.get(i - 1));
                assertEquals(positions.get(i), log.frameAtOrAfter(positions.get(i)));
            }
        }
    }

    private static void flipByte(Path file, int offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.flip();
            one.put(0, (byte) (one.get(0) ^ 0x40));
            channel.write(one, offset);
        }
    }
}
