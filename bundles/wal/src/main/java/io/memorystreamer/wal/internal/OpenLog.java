package io.memorystreamer.wal.internal;

import io.memorystreamer.wal.LogConfig;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link WriteAheadLog} opened for a configuration, with what keeps it exclusive: its name and
 * directory are claimed in this broker (two configurations must not share either: one directory
 * written by two logs is corrupted, and {@code ms:wal <name>} must find one log), and the
 * directory's {@value #LOCK_FILE} is locked against other processes (a second broker started on
 * the same data directory). The lock file holds the process id of its holder, for the message.
 *
 * <p>Threading: {@link #open} and {@link #close} may be called from any thread (the claims are
 * guarded by the class's lock); one instance is closed once, by its owner.
 */
final class OpenLog {
    /** The lock file in a log's directory. */
    static final String LOCK_FILE = "wal.lock";

    /** Log name to the PID of the configuration that holds it. Guarded by OpenLog.class. */
    private static final Map<String, String> NAMES = new HashMap<>();
    /** Log directory to the PID of the configuration that holds it. Guarded by OpenLog.class. */
    private static final Map<Path, String> DIRECTORIES = new HashMap<>();

    private final LogSettings settings;
    private final WriteAheadLog log;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private OpenLog(LogSettings settings, WriteAheadLog log, FileChannel lockChannel, FileLock lock) {
        this.settings = settings;
        this.log = log;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Claims the name and the directory, locks the directory, and opens (recovers) the log.
     *
     * @throws InvalidLogSettingException when another configuration holds the name or the directory
     * @throws IOException when the directory is locked by another process, or cannot be read or written
     */
    static OpenLog open(LogSettings settings) throws IOException {
        LogConfig config = settings.logConfig();
        claim(settings);
        Path directory = settings.directory();
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("cannot open log " + settings.name() + ": its directory " + directory
                        + " is in use by another process" + holder(channel)
                        + " (another broker on the same data directory?)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            WriteAheadLog log;
            try {
                log = WriteAheadLog.open(config);
            } catch (IOException e) {
                throw new IOException("cannot open log " + settings.name() + " in " + directory + ": " + e.getMessage(), e);
            }
            return new OpenLog(settings, log, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                closeQuietly(channel);
            }
            release(settings);
            throw e;
        }
    }

    /** @return the open log */
    WriteAheadLog log() {
        return log;
    }

    /** @return the settings it was opened with */
    LogSettings settings() {
        return settings;
    }

    /** Closes the log (a last fsync first), then lets go of the lock and the claims. */
    void close() {
        try {
            log.close();
        } finally {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            }
            closeQuietly(lockChannel);
            release(settings);
        }
    }

    private static synchronized void claim(LogSettings settings) {
        String byName = NAMES.get(settings.name());
        if (byName != null && !byName.equals(settings.pid())) {
            throw new InvalidLogSettingException(settings.pid(), LogSettings.NAME, settings.name(),
                    "is already the name of the log of configuration " + byName + "; give each log its own name");
        }
        String byDirectory = DIRECTORIES.get(settings.directory());
        if (byDirectory != null && !byDirectory.equals(settings.pid())) {
            throw new InvalidLogSettingException(settings.pid(), LogSettings.DIRECTORY, settings.directory(),
                    "is already the directory of the log of configuration " + byDirectory
                            + "; two logs in one directory would corrupt each other");
        }
        NAMES.put(settings.name(), settings.pid());
        DIRECTORIES.put(settings.directory(), settings.pid());
    }

    private static synchronized void release(LogSettings settings) {
        NAMES.remove(settings.name(), settings.pid());
        DIRECTORIES.remove(settings.directory(), settings.pid());
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(32);
            int read = channel.read(bytes, 0);
            String pid = read <= 0 ? "" : new String(bytes.array(), 0, read, StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d+") ? " (process " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more can be done; the process's exit releases the lock
        }
    }
}
