package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.memorystreamer.wal.internal.FrameDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Helpers shared by the write-ahead log tests: records to compare, reading a log whole, waiting, file surgery. */
final class WalTestSupport {
    /** The smallest segment the log accepts; most tests use it so that they rotate often. */
    static final int SEGMENT = LogConfig.MIN_SEGMENT_SIZE;
    /** Frame header plus entry header: the bytes of a record with empty key, headers and payload. */
    static final int OVERHEAD = FrameDescriptor.HEADER_LENGTH + FrameDescriptor.ENTRY_HEADER_LENGTH;
    /** Generous: the box is small and busy. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    private WalTestSupport() {
    }

    /**
     * A record as appended or as read. {@code position} is its frame's position ({@code -1} when
     * not known yet), {@code index} its place in the frame.
     */
    record Rec(long position, int index, long streamId, long streamOffset, long timestamp, byte[] key, byte[] headers,
            byte[] payload) {

        static Rec of(RecordView view) {
            return new Rec(view.position(), view.indexInFrame(), view.streamId(), view.streamOffset(), view.timestamp(),
                    view.keyBytes(), view.headersBytes(), view.payloadBytes());
        }

        Rec at(long framePosition, int indexInFrame) {
            return new Rec(framePosition, indexInFrame, streamId, streamOffset, timestamp, key, headers, payload);
        }

        /** @return a frame of this one record: header, entry and bytes, before alignment */
        int frameLength() {
            return OVERHEAD + key.length + headers.length + payload.length;
        }

        int entryLength() {
            return FrameDescriptor.ENTRY_HEADER_LENGTH + key.length + headers.length + payload.length;
        }

        long append(LogAppender appender) {
            return appender.append(streamId, streamOffset, timestamp, key, headers, payload);
        }

        @Override
        public String toString() {
            return "Rec{" + position + "#" + index + " stream " + streamId + "/" + streamOffset + " ts " + timestamp + " key "
                    + key.length + "B headers " + headers.length + "B payload " + payload.length + "B}";
        }
    }

    static void assertSameRecord(Rec expected, Rec actual, String where) {
        String context = where + ": expected " + expected + " but read " + actual;
        if (expected.position() >= 0) {
            assertEquals(expected.position(), actual.position(), context);
            assertEquals(expected.index(), actual.index(), context);
        }
        assertEquals(expected.streamId(), actual.streamId(), context);
        assertEquals(expected.streamOffset(), actual.streamOffset(), context);
        assertEquals(expected.timestamp(), actual.timestamp(), context);
        assertArrayEquals(expected.key(), actual.key(), context + " (key)");
        assertArrayEquals(expected.headers(), actual.headers(), context + " (headers)");
        assertArrayEquals(expected.payload(), actual.payload(), context + " (payload)");
    }

    static void assertSameRecords(List<Rec> expected, List<Rec> actual) {
        int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++) {
            assertSameRecord(expected.get(i), actual.get(i), "record " + i);
        }
        assertEquals(expected.size(), actual.size(), "number of records read (expected " + expected.size() + ", read "
                + actual.size() + "); first extra or missing: "
                + (expected.size() > common ? expected.get(common) : actual.size() > common ? actual.get(common) : "none"));
    }

    /** Bytes that depend on every argument, so a record in the wrong place or with flipped bytes shows. */
    static byte[] bytes(long seed, long sequence, int length) {
        byte[] bytes = new byte[length];
        long x = seed * 0x9E3779B97F4A7C15L + sequence * 0xC2B2AE3D27D4EB4FL + length;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        return bytes;
    }

    /** Reads from {@code from} until a poll finds nothing new (all appends must have returned). */
    static List<Rec> readAll(WriteAheadLog log, long from) {
        return readAll(log.cursor(from));
    }

    static List<Rec> readAll(LogCursor cursor) {
        List<Rec> read = new ArrayList<>();
        while (cursor.poll(view -> read.add(Rec.of(view)), 64) > 0) {
            // until nothing new
        }
        return read;
    }

    /** Reads with checksum verification and fails when the cursor meets a frame that does not validate. */
    static List<Rec> readAllVerified(WriteAheadLog log, long from) {
        LogCursor cursor = log.cursor(from).verifyChecksums(true);
        List<Rec> read = readAll(cursor);
        if (cursor.corruption() != null) {
            fail("the cursor met a damaged frame: " + cursor.corruption());
        }
        return read;
    }

    static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + PATIENCE.toSeconds() + " s waiting for: " + what.get());
            }
            Thread.sleep(2);
        }
    }

    /** Appends, retrying while back-pressured (the flusher catches up by itself). */
    static long appendRetrying(LogAppender appender, Rec rec) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            long position = rec.append(appender);
            if (position != WriteAheadLog.BACK_PRESSURED) {
                return position;
            }
            if (System.nanoTime() - deadline > 0) {
                fail("still back-pressured after " + PATIENCE.toSeconds() + " s");
            }
            Thread.sleep(1);
        }
    }

    /** A callback that remembers what it was told and can be waited for. */
    static final class DurableProbe implements DurableCallback {
        final CountDownLatch done = new CountDownLatch(1);
        volatile long position = -1;
        volatile long durablePosition = -1;
        volatile Throwable failure;
        volatile Thread thread;
        volatile int calls;

        @Override
        public void onDurable(long waitedFor, long durable) {
            this.position = waitedFor;
            this.durablePosition = durable;
            this.thread = Thread.currentThread();
            calls++;
            done.countDown();
        }

        @Override
        public void onFailure(long waitedFor, Throwable cause) {
            this.position = waitedFor;
            this.failure = cause;
            this.thread = Thread.currentThread();
            calls++;
            done.countDown();
        }

        boolean fired() {
            return done.getCount() == 0;
        }

        DurableProbe await() throws InterruptedException {
            if (!done.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                fail("the durable callback never fired within " + PATIENCE.toSeconds() + " s");
            }
            return this;
        }
    }

    /** @return the segment files of a log directory (not the folders set aside nor index files), by name */
    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
    }

    /** @return the files in a subfolder ({@code corrupt} or {@code torn}), or none */
    static List<Path> filesIn(Path dir, String folder) throws IOException {
        Path sub = dir.resolve(folder);
        if (!Files.isDirectory(sub)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(sub)) {
            return files.sorted().toList();
        }
    }

    static Path segmentFile(Path dir, long base) {
        return dir.resolve(String.format("%020d.log", base));
    }

    static void writeBytes(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer, at + buffer.position());
            }
            channel.force(true);
        }
    }

    static byte[] readBytes(Path file, long at, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    break;
                }
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    /** Flips every bit of one byte of a file. */
    static void flipByte(Path file, long at) throws IOException {
        byte[] old = readBytes(file, at, 1);
        writeBytes(file, at, new byte[] {(byte) ~old[0]});
    }

    static void zero(Path file, long from, long to) throws IOException {
        writeBytes(file, from, new byte[(int) (to - from)]);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.force(true);
        }
    }

    static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** @return whether one problem of the report mentions every one of {@code texts} */
    static boolean mentions(RecoveryReport report, String... texts) {
        for (String problem : report.problems()) {
            boolean all = true;
            for (String text : texts) {
                all &= problem.contains(text);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
