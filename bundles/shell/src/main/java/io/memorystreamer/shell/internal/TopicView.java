package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.Durability;

/**
 * One topic as {@code ms:topic-config}, {@code ms:topic-create} and {@code ms:topics} show it: its
 * settings in words, how many streams it has, and each shard's log. Immutable.
 *
 * @param topic the topic as the broker described it
 * @param headline what the command did, shown above the topic ({@code created topic orders}), or
 *     null when it only looked
 */
public record TopicView(TopicDescription topic, String headline) implements PeopleFormat {
    private static final String INDENT = " ".repeat("max message size:".length() + 2);

    /** @return the topic's name */
    public String name() {
        return topic.name();
    }

    /** @return the topic's settings */
    public TopicSettings settings() {
        return topic.settings();
    }

    /** @return the bytes all its shards' log files take */
    public long bytes() {
        return topic.shards().stream().mapToLong(TopicDescription.Shard::bytes).sum();
    }

    /** @return how many segment files its shards have */
    public int segments() {
        return topic.shards().stream().mapToInt(TopicDescription.Shard::segments).sum();
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        if (headline != null) {
            text.append(headline).append('\n');
        }
        TopicSettings settings = topic.settings();
        text.append("topic ").append(settings.name()).append('\n');
        line(text, "shards:", settings.shardCount() + " (placement " + settings.placement() + ")");
        line(text, "durability:", settings.durability() + " (" + explain(settings.durability()) + ")");
        line(text, "retention:", retention(settings));
        line(text, "max message size:", Units.bytes(settings.maxMessageSize()) + " (" + settings.maxMessageSize()
                + " bytes of key, headers and payload together)");
        line(text, "streams:", Long.toString(topic.streams()));
        line(text, "on disk:", Units.bytes(bytes()) + " in " + segments() + (segments() == 1 ? " segment file" : " segment files"));
        Table shards = new Table("SHARD", "SEGMENTS", "BYTES", "START", "PUBLISHED", "DURABLE");
        for (TopicDescription.Shard shard : topic.shards()) {
            shards.row(shard.index(), shard.segments(), Units.bytes(shard.bytes()), shard.startPosition(), shard.publishedPosition(),
                    shard.durablePosition());
        }
        text.append("  logs (positions are byte offsets in each shard's log):\n");
        shards.appendTo(text, "    ");
        return text.toString();
    }

    @Override
    public String formatLine() {
        TopicSettings settings = topic.settings();
        return settings.name() + "  " + settings.shardCount() + (settings.shardCount() == 1 ? " shard  " : " shards  ")
                + settings.durability() + "  retention " + shortRetention(settings) + "  max message " + Units.bytes(settings.maxMessageSize())
                + "  " + topic.streams() + " streams  " + Units.bytes(bytes());
    }

    /** @return the retention rules in a sentence */
    static String retention(TopicSettings settings) {
        if (settings.retentionAge() == null && settings.retentionBytesPerShard() == 0) {
            return "keeps every message";
        }
        StringBuilder rules = new StringBuilder("deletes ");
        if (settings.retentionAge() != null) {
            rules.append("messages older than ").append(Units.duration(settings.retentionAge()));
        }
        if (settings.retentionBytesPerShard() > 0) {
            rules.append(settings.retentionAge() != null ? ", and " : "").append("a shard's oldest messages while it holds over ")
                    .append(Units.bytes(settings.retentionBytesPerShard()));
        }
        return rules.append(" (whole segments at a time)").toString();
    }

    /** @return the retention rules in a few characters: {@code 7d, 1.0 GiB/shard}, or {@code forever} */
    static String shortRetention(TopicSettings settings) {
        if (settings.retentionAge() == null && settings.retentionBytesPerShard() == 0) {
            return "forever";
        }
        String age = settings.retentionAge() == null ? "" : Units.duration(settings.retentionAge());
        String bytes = settings.retentionBytesPerShard() == 0 ? "" : Units.bytes(settings.retentionBytesPerShard()) + "/shard";
        return age.isEmpty() ? bytes : bytes.isEmpty() ? age : age + ", " + bytes;
    }

    /** @return when a publish to a topic with this durability completes, in words */
    static String explain(Durability durability) {
        return switch (durability) {
            case NONE -> "a publish completes once in the page cache, without waiting for an fsync";
            case BATCH -> "a publish completes after the grouped fsync that covers it";
            case SYNC -> "a publish completes after an fsync made for it, shared with those waiting at the same time";
        };
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append("  ").append(label).append(" ".repeat(Math.max(1, INDENT.length() - label.length()))).append(value).append('\n');
    }
}
