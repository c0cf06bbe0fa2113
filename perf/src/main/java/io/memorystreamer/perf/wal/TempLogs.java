package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Logs in temporary directories for the benchmarks and harnesses of this package: where they go,
 * their common settings, a free-space check before writing gigabytes, and removal afterwards.
 *
 * <p>Directories are created under {@code java.io.tmpdir} (normally {@code /tmp}), named
 * {@code ms-perf-<what>-<random>}. Not thread-safe; static helpers only. The directory helpers are
 * public for the broker harnesses ({@code io.memorystreamer.perf.broker}).
 */
public final class TempLogs {
    /** Segment size of every log here: 256 MiB, so segment rotation is rare during a measurement. */
    static final int SEGMENT_SIZE = 256 * 1024 * 1024;
    /** Payload of one record: 100 bytes (no key, no headers). */
    static final int PAYLOAD_SIZE = 100;
    /** Frame header (16) + entry header (36) + payload, rounded up to 16: the log bytes of one single-record append. */
    static final int SINGLE_FRAME_BYTES = align(16 + 36 + PAYLOAD_SIZE);

    private TempLogs() {
    }

    /** @return a new, empty directory under java.io.tmpdir */
    public static Path newDirectory(String what) {
        try {
            return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ms-perf-" + what + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary log directory: " + e.getMessage(), e);
        }
    }

    /** @return the settings every benchmark log shares, with the given durability and preallocation */
    static LogConfig.Builder config(Path directory, Durability durability, boolean preallocate) {
        return LogConfig.builder(directory).name(directory.getFileName().toString()).segmentSize(SEGMENT_SIZE)
                .durability(durability).preallocate(preallocate);
    }

    /**
     * Fails unless the file system of {@code directory} has {@code bytes} free.
     *
     * @param why what the space is for, for the message
     */
    public static void requireFreeSpace(Path directory, long bytes, String why) {
        try {
            long usable = Files.getFileStore(directory).getUsableSpace();
            if (usable < bytes) {
                throw new IllegalStateException(String.format("%s needs %,d MiB free in %s, only %,d MiB are", why, bytes >> 20,
                        directory, usable >> 20));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code directory} and everything in it; a missing directory is fine. */
    public static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lets the JVM unmap the segments of closed logs. A closed segment's mapping lives until its
     * buffer is collected, and so does the disk space of its deleted file; the append path
     * allocates nothing, so without this no collection may come for the rest of the run.
     */
    public static void releaseMappings() {
        System.gc();
    }

    /** @return a heap buffer of {@link #PAYLOAD_SIZE} bytes (little-endian, position 0), filled with a pattern */
    static ByteBuffer payload() {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < PAYLOAD_SIZE; i++) {
            payload.put(i, (byte) ('a' + i % 26));
        }
        return payload;
    }

    static int align(int length) {
        return (length + 15) & -16;
    }
}
