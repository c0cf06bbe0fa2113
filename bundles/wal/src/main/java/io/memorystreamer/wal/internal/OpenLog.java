package io.memorystreamer.wal.internal;

import io.memorystreamer.wal.LogConfig;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link WriteAheadLog} opened for a configuration, with what keeps it exclusive: its name and
 * directory are claimed in this broker (two configurations must not share either: one directory
 * written by two logs is corrupted, and {@code ms:wal <name>} must find one log). Against other
 * processes, {@link WriteAheadLog#open} locks the directory itself ({@link DirectoryLock}).
 *
 * <p>Threading: {@link #open} and {@link #close} may be called from any thread (the claims are
 * guarded by the class's lock); one instance is closed once, by its owner.
 */
final class OpenLog {
    /** Log name to the PID of the configuration that holds it. Guarded by OpenLog.class. */
    private static final Map<String, String> NAMES = new HashMap<>();
    /** Log directory to the PID of the configuration that holds it. Guarded by OpenLog.class. */
    private static final Map<Path, String> DIRECTORIES = new HashMap<>();

    private final LogSettings settings;
    private final WriteAheadLog log;
    private OpenLog(LogSettings settings, WriteAheadLog log) {
        this.settings = settings;
        this.log = log;
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
        try {
            WriteAheadLog log;
            try {
                log = WriteAheadLog.open(config);
            } catch (IOException e) {
                throw new IOException("cannot open log " + settings.name() + ": " + e.getMessage(), e);
            }
            return new OpenLog(settings, log);
        } catch (IOException | RuntimeException e) {
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

    /** Closes the log (a last fsync first, then its directory lock goes), then lets go of the claims. */
    void close() {
        try {
            log.close();
        } finally {
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
}
