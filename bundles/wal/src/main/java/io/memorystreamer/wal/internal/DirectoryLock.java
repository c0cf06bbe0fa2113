package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a log directory to one open log at a time: an exclusive lock on {@code wal.lock} in it,
 * held from before recovery until the log is closed. A second open (another broker on the same
 * data directory, or a component reopening before the old instance closed) would append at the
 * same positions, and its recovery would rewrite the first one's tail. The file holds the process
 * id of the holder, for the error message.
 *
 * <p>Threading: acquired and released by the thread that opens and closes the log.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name. */
    public static final String FILE = "wal.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code directory} (creating it if needed).
     *
     * @throws IOException naming the directory (and the holder's process id) when it is locked
     */
    public static DirectoryLock acquire(Path directory) throws IOException {
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(directory.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("log directory " + directory + " is already open" + holder(channel)
                        + "; one directory can be opened by one log at a time (another broker on the same data directory?)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(32);
            int read = channel.read(bytes, 0);
            String pid = read <= 0 ? "" : new String(bytes.array(), 0, read, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (by process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
