package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.WalTestSupport.DurableProbe;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the log does when things go wrong around it: absurd record sizes, a segment file that cannot be created. */
class FailureModesTest {
    @TempDir
    Path dir;

    @Test
    void partsThatAddUpToMoreThanFourGibibytesAreRefusedAndTheLogGoesOn() throws Exception {
        // three views of one sparse 1.43 GB file: only address space, no memory, no disk
        long size = ((1L << 32) + 2) / 3; // 3 * size = 2^32 + 2: an int sum wraps to 2
        Path sparse = dir.resolve("sparse.bin");
        MappedByteBuffer huge;
        try (FileChannel channel = FileChannel.open(sparse, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(1), size - 1);
            huge = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        Path logDir = dir.resolve("log");
        try (WriteAheadLog log = WriteAheadLog.open(LogConfig.builder(logDir).segmentSize(SEGMENT).durability(Durability.NONE).build())) {
            LogAppender appender = log.appender();
            assertThrows(RecordTooLargeException.class, () -> appender.append(1, 0, 0, huge.duplicate(), huge.duplicate(), huge.duplicate()),
                    "key, headers and payload of 1.43 GB each make a frame of more than 4 GB, not one of 54 bytes");
            // whatever happened, nothing may be left half-claimed: the next record is readable and becomes durable
            long position = appender.append(1, 0, 0, null, null, new byte[] {42});
            assertEquals(1, readAll(log, 0).size(), "the record after the refused one is readable");
            DurableProbe probe = new DurableProbe();
            log.whenDurable(position, probe);
            probe.await();
            assertNull(probe.failure);
        }
    }

    @Test
    void aSpareSegmentThatCannotBeCreatedAheadOfNeedDoesNotFailTheLog() throws Exception {
        LogConfig config = LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.NONE).build();
        try (WriteAheadLog log = WriteAheadLog.open(config)) {
            // something in the way of the next segment's file (as a full disk or a permission problem would be)
            Path obstacle = dir.resolve(String.format("%020d.log.spare", SEGMENT));
            Files.createDirectories(obstacle.resolve("in-the-way"));
            LogAppender appender = log.appender();
            for (int i = 0; i < 40; i++) { // past half the segment: the flusher tries to create the next one
                appender.append(1, i, 0, null, null, new byte[1024 - WalTestSupport.OVERHEAD]);
            }
            Thread.sleep(300);
            assertNull(log.stats().failure(), "failing to create a segment ahead of need is not a reason to fail the whole log"
                    + " (rotation itself reports it, and appends resume once it can)");
            Files.delete(obstacle.resolve("in-the-way"));
            Files.delete(obstacle);
            for (int i = 40; i < 100; i++) {
                appender.append(1, i, 0, null, null, new byte[1024 - WalTestSupport.OVERHEAD]);
            }
            assertEquals(100, readAll(log, 0).size());
            assertTrue(log.stats().segments() >= 2);
        }
    }

    @Test
    void aDirectoryIsOpenedByOneLogAtATime() throws Exception {
        LogConfig config = LogConfig.builder(dir).segmentSize(SEGMENT).durability(Durability.NONE).build();
        try (WriteAheadLog first = WriteAheadLog.open(config)) {
            LogAppender appender = first.appender();
            for (int i = 0; i < 10; i++) {
                appender.append(1, i, 0, null, null, new byte[] {(byte) i});
            }
            // a second broker process, or a component reopening before the old instance closed: both would
            // append at the same positions, and the second one's recovery rewrites the first one's tail
            Exception refused = assertThrows(Exception.class, () -> WriteAheadLog.open(config).close(),
                    "a log directory that is open must not be opened again");
            assertTrue(refused.getMessage().contains(dir.toString()), refused.getMessage());
            assertEquals(10, readAll(first, 0).size());
        }
    }
}
