package io.memorystreamer.client.cli;

import io.memorystreamer.client.ConsumerRecord;
import io.memorystreamer.client.TopicDescription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the command line prints topics, records and numbers. */
final class Format {
    /** How {@code consume} prints a record. */
    enum RecordFormat {
        /** The payload as UTF-8 text. */
        TEXT,
        /** {@code key@offset}, a tab, the payload. */
        KEYED,
        /** One JSON object: topic, key, offset, timestamp, shard, payload. */
        JSON;

        static RecordFormat parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--format: text, keyed or json, not '" + text + "'");
            }
        }
    }

    private Format() {
    }

    static String record(ConsumerRecord record, RecordFormat format) {
        String payload = new String(record.payload(), StandardCharsets.UTF_8);
        switch (format) {
            case KEYED:
                return record.key() + "@" + record.streamOffset() + "\t" + payload;
            case JSON:
                return "{\"topic\":" + json(record.topic()) + ",\"key\":" + json(record.key()) + ",\"offset\":" + record.streamOffset()
                        + ",\"timestamp\":" + record.timestamp() + ",\"shard\":" + record.shard() + ",\"payload\":" + json(payload) + "}";
            default:
                return payload;
        }
    }

    static String json(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    static String describe(TopicDescription t) {
        return "name:              " + t.name() + "\n"
                + "shards:            " + t.shards() + "\n"
                + "durability:        " + t.durability().name().toLowerCase(Locale.ROOT) + "\n"
                + "retention age:     " + Units.formatDuration(t.retention()) + "\n"
                + "retention bytes:   " + Units.formatSize(t.retentionBytesPerShard()) + (t.retentionBytesPerShard() == 0 ? "" : " per shard") + "\n"
                + "max message size:  " + (t.maxMessageBytes() == 0 ? "broker default" : Units.formatSize(t.maxMessageBytes())) + "\n"
                + "streams:           " + t.streams() + "\n"
                + "bytes on disk:     " + t.bytesOnDisk() + "\n";
    }

    static String topicTable(List<TopicDescription> topics) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SHARDS", "DURABILITY", "RETENTION", "STREAMS", "BYTES"});
        for (TopicDescription t : topics) {
            rows.add(new String[] {t.name(), Integer.toString(t.shards()), t.durability().name().toLowerCase(Locale.ROOT),
                Units.formatDuration(t.retention()), Long.toString(t.streams()), Long.toString(t.bytesOnDisk())});
        }
        return table(rows);
    }

    /** @return the rows in columns padded to their widest cell, two spaces apart, one line each */
    static String table(List<String[]> rows) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(row[c]);
                if (c < columns - 1) {
                    line.append(" ".repeat(widths[c] - row[c].length() + 2));
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /**
     * @param sorted values in ascending order, not empty
     * @param percentile 0 to 100
     * @return the nearest-rank percentile: the smallest value with at least that share of values
     *         at or below it
     */
    static long percentile(long[] sorted, int count, double percentile) {
        if (count == 0) {
            throw new IllegalArgumentException("no values");
        }
        int rank = (int) Math.ceil(percentile * count / 100.0 - 1e-9);
        return sorted[Math.min(count - 1, Math.max(0, rank - 1))];
    }
}
