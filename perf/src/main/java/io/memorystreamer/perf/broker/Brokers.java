package io.memorystreamer.perf.broker;

import io.memorystreamer.broker.internal.BrokerConfig;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.perf.wal.TempLogs;
import io.memorystreamer.wal.Durability;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the broker harnesses of this package share: a broker opened in process
 * ({@link LocalBroker}, plain Java, no OSGi) on a new directory under {@code /tmp}, the payloads
 * and keys they publish, option parsing, and a table printer.
 *
 * <p>The broker needs Chronicle Map's JVM options (the stream registry); {@link #requireJvmOptions}
 * stops a harness early, with the command to use, when they are missing.
 *
 * <p>Not thread-safe; static helpers only (call them outside measured loops: they allocate).
 */
final class Brokers {
    /** Payload of every message: 100 bytes. */
    static final int PAYLOAD_SIZE = 100;
    /** Segment size of the shards' logs here: 256 MiB, so rotations are rare during a run. */
    static final int SEGMENT_BYTES = 256 * 1024 * 1024;
    /** The arguments file holding the JVM options, relative to the repository's root. */
    static final String ARGS_FILE = "perf/chronicle.args";

    private Brokers() {
    }

    /**
     * Exits with a message unless the JVM has the options Chronicle Map needs.
     *
     * @param harness the main class's simple name, for the message
     */
    static void requireJvmOptions(String harness) {
        boolean opened = Object.class.getModule().isOpen("java.lang", Brokers.class.getModule());
        boolean quiet = Boolean.getBoolean("chronicle.analytics.disable");
        if (!opened || !quiet) {
            System.err.printf("%s opens a broker, whose stream registry (Chronicle Map) needs JVM options (--add-opens ..., "
                    + "-Dchronicle.analytics.disable=true). Run it from the repository's root as%n"
                    + "  java @%s -cp perf/target/benchmarks.jar %s.%s%n", harness, ARGS_FILE, Brokers.class.getPackageName(), harness);
            System.exit(2);
        }
    }

    /** @return a new, empty directory under java.io.tmpdir ({@code ms-perf-broker-<what>-*}) */
    static Path newDirectory(String what) {
        return TempLogs.newDirectory("broker-" + what);
    }

    /**
     * Opens a broker with one writer thread.
     *
     * @param directory its data directory
     * @param spin busy-spin (writer and delivery threads each take a core) or back off when idle
     * @param preallocate whether log segments are zero-filled and fsynced when created
     */
    static LocalBroker open(Path directory, boolean spin, boolean preallocate) throws IOException {
        return open(directory, spin, preallocate, BrokerConfig.DEFAULT_INBOX_BYTES);
    }

    /**
     * Opens a broker with one writer thread and the given inbox size.
     *
     * @param inboxBytes room in the writer's inbox (a power of two)
     */
    static LocalBroker open(Path directory, boolean spin, boolean preallocate, int inboxBytes) throws IOException {
        return open(directory, spin, preallocate, inboxBytes, BrokerConfig.DEFAULT_STREAMS_PER_TOPIC);
    }

    /**
     * Opens a broker whose topics' stream registries are sized for {@code streamsPerTopic}.
     *
     * @param inboxBytes room in the writer's inbox (a power of two)
     * @param streamsPerTopic the registry sizing (setting streams.per.topic)
     */
    static LocalBroker open(Path directory, boolean spin, boolean preallocate, int inboxBytes, long streamsPerTopic) throws IOException {
        return LocalBroker.open(BrokerConfig.defaults(directory).withSegmentBytes(SEGMENT_BYTES).withPreallocate(preallocate).withBusySpin(spin)
                .withInboxBytes(inboxBytes).withStreamsPerTopic(Math.max(BrokerConfig.DEFAULT_STREAMS_PER_TOPIC, streamsPerTopic)));
    }

    /** @return settings of a topic with the given durability and shard count, the defaults otherwise */
    static TopicSettings topic(String name, Durability durability, int shards) {
        return TopicSettings.builder(name).durability(durability).shardCount(shards).build();
    }

    /** Closes the broker (if open), deletes its directory and lets the GC unmap what was mapped. */
    static void closeAndDelete(LocalBroker broker, Path directory) {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            TempLogs.deleteRecursively(directory);
            TempLogs.releaseMappings();
        }
    }

    /** @return a heap buffer of {@link #PAYLOAD_SIZE} bytes (little-endian, position 0), filled with a pattern */
    static ByteBuffer payload() {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < PAYLOAD_SIZE; i++) {
            payload.put(i, (byte) ('a' + i % 26));
        }
        return payload;
    }

    /**
     * @param prefix the keys' first segment and separator, such as {@code "device/"}
     * @param count how many keys
     * @param digits zero-padded width of the number
     * @return UTF-8 keys {@code prefix + number}, each its own buffer (position 0)
     */
    static ByteBuffer[] keys(String prefix, int count, int digits) {
        ByteBuffer[] keys = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            keys[i] = ByteBuffer.wrap(key(prefix, i, digits).getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    /** @return {@code prefix + i}, zero-padded to {@code digits} */
    static String key(String prefix, long i, int digits) {
        String number = Long.toString(i);
        return number.length() >= digits ? prefix + number : prefix + "0".repeat(digits - number.length()) + number;
    }

    /** @return the id of the live thread with that name, or -1 */
    static long threadId(String name) {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals(name)) {
                return thread.getId();
            }
        }
        return -1;
    }

    /** @return "spin" or "backoff" */
    static String idleName(boolean spin) {
        return spin ? "spin" : "backoff";
    }

    /** @return true for "spin", false for "backoff" */
    static boolean parseIdle(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "spin" -> true;
            case "backoff" -> false;
            default -> throw new IllegalArgumentException("idle must be spin or backoff, not " + value);
        };
    }

    /** @return the comma-separated list, each item parsed */
    static <T> List<T> list(String value, Function<String, T> parser) {
        List<T> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(parser.apply(item.trim()));
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("an empty list: " + value);
        }
        return items;
    }

    /** @return a durability by name, any case */
    static Durability durability(String value) {
        return Durability.valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** @return the median (the lower middle for an even count) */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    /** @return the values formatted with a pattern, separated by ", " */
    static String join(double[] values, String format) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(String.format(format, value));
        }
        return text.toString();
    }

    /** A table printed in Markdown, columns padded to their widest cell. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final int columns;

        Table(String... header) {
            this.columns = header.length;
            rows.add(header);
        }

        void row(Object... cells) {
            if (cells.length != columns) {
                throw new IllegalArgumentException(cells.length + " cells for " + columns + " columns");
            }
            String[] text = new String[columns];
            for (int i = 0; i < columns; i++) {
                text[i] = String.valueOf(cells[i]);
            }
            rows.add(text);
        }

        void print() {
            int[] widths = new int[columns];
            for (String[] row : rows) {
                for (int i = 0; i < columns; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                StringBuilder line = new StringBuilder("|");
                for (int i = 0; i < columns; i++) {
                    line.append(' ').append(pad(rows.get(r)[i], widths[i])).append(" |");
                }
                System.out.println(line);
                if (r == 0) {
                    StringBuilder rule = new StringBuilder("|");
                    for (int i = 0; i < columns; i++) {
                        rule.append(' ').append("-".repeat(Math.max(3, widths[i]))).append(" |");
                    }
                    System.out.println(rule);
                }
            }
        }

        private static String pad(String text, int width) {
            return text.length() >= width ? text : text + " ".repeat(width - text.length());
        }
    }
}
