package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The marker a log leaves when it closes cleanly: {@code clean-shutdown} in its directory, saying
 * where the log ended. Recovery reads and removes it (so a later crash is never taken for a clean
 * stop); when the log ends exactly there, recovery need not read the rest of the last segment
 * looking for frames a crash could have left after a hole.
 *
 * <pre>
 *   0  magic 0x53434D53 ("MSCS")  int32
 *   4  version (1)                int32
 *   8  end position               int64
 *  16  CRC32C of bytes 0..15      int32
 * </pre>
 * Little-endian. Stateless.
 */
public final class CleanShutdown {
    /** The marker's file name. */
    public static final String FILE = "clean-shutdown";
    private static final int MAGIC = 0x53434D53;
    private static final int VERSION = 1;
    private static final int LENGTH = 20;

    private CleanShutdown() {
    }

    /** Writes the marker (after the last fsync of a clean close). */
    public static void write(Path directory, long endPosition) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, endPosition);
        bytes.putInt(16, crc(bytes));
        Files.write(directory.resolve(FILE), bytes.array());
    }

    /** @return the end position the marker records, or -1 when there is none or it is damaged; the marker is removed */
    public static long readAndRemove(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return -1;
        }
        byte[] content = Files.readAllBytes(file);
        Files.delete(file);
        if (content.length != LENGTH) {
            return -1;
        }
        ByteBuffer bytes = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.getInt(0) != MAGIC || bytes.getInt(4) != VERSION || bytes.getInt(16) != crc(bytes)) {
            return -1;
        }
        return bytes.getLong(8);
    }

    private static int crc(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, 16);
        return (int) crc.getValue();
    }
}
