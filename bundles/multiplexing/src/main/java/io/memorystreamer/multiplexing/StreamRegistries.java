package io.memorystreamer.multiplexing;

import io.memorystreamer.multiplexing.internal.ChronicleStreamRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Opens {@link StreamRegistry stream registries}: the only way into the implementation (an
 * off-heap, persisted Chronicle Map, embedded in this bundle) from outside the bundle.
 *
 * <p>The JVM needs the options of TOOLCHAIN.md ("Chronicle Map"): {@code --add-opens} and
 * {@code --add-exports} for Chronicle, and {@code -Dchronicle.analytics.disable=true}.
 */
public final class StreamRegistries {
    private StreamRegistries() {
    }

    /**
     * Opens the registry in {@code directory}, creating the directory and its file if needed.
     *
     * @param name            a name for diagnostics (the topic and shard)
     * @param expectedStreams how many streams to size a new registry for, at least 1; ignored when
     *                        the registry exists (its own sizing is kept)
     * @throws IllegalArgumentException if {@code expectedStreams} is below 1
     * @throws UncheckedIOException     if the directory or the file cannot be opened
     */
    public static StreamRegistry open(Path directory, String name, long expectedStreams) {
        return ChronicleStreamRegistry.open(directory, name, expectedStreams);
    }
}
