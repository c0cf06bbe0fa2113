package io.memorystreamer.shell.internal;

import io.memorystreamer.multiplexing.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The topic-setting options that {@code ms:topic-create} and {@code ms:topic-config} share, parsed
 * from what people type ({@code --retention-bytes 10GB}) onto a {@link TopicSettings.Builder},
 * whose {@code build()} then checks the values and names the bad one.
 *
 * <p>Stateless; thread-safe.
 */
final class TopicOptions {
    static final String SHARDS = "--shards";
    static final String DURABILITY = "--durability";
    static final String RETENTION_AGE = "--retention-age";
    static final String RETENTION_BYTES = "--retention-bytes";
    static final String MAX_MESSAGE_SIZE = "--max-message-size";

    /** The options, each taking a value. */
    static final Set<String> NAMES = Set.of(SHARDS, DURABILITY, RETENTION_AGE, RETENTION_BYTES, MAX_MESSAGE_SIZE);

    /** Usage lines for the options, to append to a command's usage. */
    static final String USAGE = ""
            + "  --shards <n>                  shards, " + TopicSettings.MIN_SHARDS + " to " + TopicSettings.MAX_SHARDS + " (default 1)\n"
            + "  --durability none|batch|sync  when a publish completes: none = in the page cache, batch = after a grouped\n"
            + "                                fsync (default), sync = after an fsync made for it\n"
            + "  --retention-age <duration>    delete messages older than this: 7d, 12h, 30m, 1h30m or ISO-8601 (P7D);\n"
            + "                                none keeps them (default)\n"
            + "  --retention-bytes <size>      per shard, delete the oldest messages while the log holds more: 10MB, 1GB;\n"
            + "                                none keeps them (default)\n"
            + "  --max-message-size <size>     the largest message (key, headers and payload): 1MB (default), 64KB, ...\n"
            + "  sizes count KB, MB, GB in 1024s; retention is applied a whole segment at a time";

    private static final Set<String> KEEP = Set.of("none", "keep", "forever", "0");

    private TopicOptions() {
    }

    /**
     * Applies the options given on {@code line} to {@code builder}.
     *
     * @return the builder
     * @throws IllegalArgumentException naming the option whose value cannot be read
     */
    static TopicSettings.Builder apply(CommandLine line, TopicSettings.Builder builder) {
        String shards = line.option(SHARDS);
        if (shards != null) {
            builder.shardCount((int) Units.parseCount(SHARDS, shards, TopicSettings.MIN_SHARDS, TopicSettings.MAX_SHARDS));
        }
        String durability = line.option(DURABILITY);
        if (durability != null) {
            builder.durability(durability);
        }
        String age = line.option(RETENTION_AGE);
        if (age != null) {
            builder.retentionAge(KEEP.contains(age.trim().toLowerCase(Locale.ROOT)) ? null : Units.parseDuration(RETENTION_AGE, age));
        }
        String bytes = line.option(RETENTION_BYTES);
        if (bytes != null) {
            builder.retentionBytesPerShard(KEEP.contains(bytes.trim().toLowerCase(Locale.ROOT)) ? 0 : Units.parseBytes(RETENTION_BYTES, bytes));
        }
        String size = line.option(MAX_MESSAGE_SIZE);
        if (size != null) {
            long value = Units.parseBytes(MAX_MESSAGE_SIZE, size);
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(MAX_MESSAGE_SIZE + " must be from " + TopicSettings.MIN_MAX_MESSAGE_SIZE + " to "
                        + TopicSettings.MAX_MAX_MESSAGE_SIZE + " bytes (" + Units.bytes(TopicSettings.MAX_MAX_MESSAGE_SIZE) + "), not " + size);
            }
            builder.maxMessageSize((int) value);
        }
        return builder;
    }

    /**
     * @param before a topic's settings
     * @param after its changed settings
     * @return what changed, {@code max message size 1.0 MiB -> 2.0 MiB}, one item per setting; empty when nothing did
     */
    static List<String> changes(TopicSettings before, TopicSettings after) {
        List<String> changes = new ArrayList<>();
        if (before.shardCount() != after.shardCount()) {
            changes.add("shards " + before.shardCount() + " -> " + after.shardCount());
        }
        if (!before.placement().equals(after.placement())) {
            changes.add("placement " + before.placement() + " -> " + after.placement());
        }
        if (before.durability() != after.durability()) {
            changes.add("durability " + before.durability() + " -> " + after.durability());
        }
        if (!Objects.equals(before.retentionAge(), after.retentionAge())) {
            changes.add("retention age " + age(before.retentionAge()) + " -> " + age(after.retentionAge()));
        }
        if (before.retentionBytesPerShard() != after.retentionBytesPerShard()) {
            changes.add("retention bytes per shard " + retentionBytes(before.retentionBytesPerShard()) + " -> "
                    + retentionBytes(after.retentionBytesPerShard()));
        }
        if (before.maxMessageSize() != after.maxMessageSize()) {
            changes.add("max message size " + Units.bytes(before.maxMessageSize()) + " -> " + Units.bytes(after.maxMessageSize()));
        }
        return changes;
    }

    private static String age(Duration age) {
        return age == null ? "none" : Units.duration(age);
    }

    private static String retentionBytes(long bytes) {
        return bytes == 0 ? "none" : Units.bytes(bytes);
    }
}
