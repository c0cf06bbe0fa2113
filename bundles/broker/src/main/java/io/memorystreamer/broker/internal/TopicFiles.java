package io.memorystreamer.broker.internal;

import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.multiplexing.TopicSettingsFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Persists a topic's settings ({@code topic.settings}, in the format of {@link TopicSettingsFormat}:
 * magic, version, CRC32C) durably and atomically: written to a temporary file, fsynced, renamed
 * over the old one, and the directory fsynced, so a crash leaves the old or the new settings,
 * never a mix. Also deletes topic directories. Stateless; any thread.
 */
final class TopicFiles {
    static final String SETTINGS_FILE = "topic.settings";

    private TopicFiles() {
    }

    static void write(Path topicDirectory, TopicSettings settings) throws IOException {
        Files.createDirectories(topicDirectory);
        writeAtomically(topicDirectory.resolve(SETTINGS_FILE), TopicSettingsFormat.encode(settings));
    }

    static TopicSettings read(Path topicDirectory) throws IOException {
        return TopicSettingsFormat.decode(Files.readAllBytes(topicDirectory.resolve(SETTINGS_FILE)));
    }

    static boolean exists(Path topicDirectory) {
        return Files.isRegularFile(topicDirectory.resolve(SETTINGS_FILE));
    }

    /** Writes a file durably: temporary file, fsync, atomic rename, directory fsync. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(file.getParent());
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for fsync; the rename is then as durable as they allow.
            if (!Files.isDirectory(directory)) {
                throw e;
            }
        }
    }

    /** Deletes a directory tree (after renaming it aside, so a crash midway never leaves a half topic under its name). */
    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        Path aside = directory.resolveSibling(directory.getFileName() + ".deleting");
        Files.move(directory, aside, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(directory.getParent());
        removeTree(aside);
    }

    static void removeTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
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
    }
}
