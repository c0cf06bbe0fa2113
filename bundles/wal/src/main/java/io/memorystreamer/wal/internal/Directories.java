package io.memorystreamer.wal.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a directory's entries durable: after a file is created, renamed or moved, the directory
 * itself must be fsynced, or a power loss can lose the new name even though the file's bytes
 * were fsynced. Stateless.
 */
public final class Directories {
    private Directories() {
    }

    /** Fsyncs {@code directory} (on Linux, opening a directory for reading and forcing it does this). */
    public static void fsync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
