package io.memorystreamer.shell.internal;

import io.memorystreamer.wal.LogStats;
import io.memorystreamer.wal.RecoveryReport;
import java.util.List;

/**
 * One write-ahead log as {@code ms:wal} shows it: its state (segments, positions, flush lag,
 * fsyncs), what opening it found (the recovery report), and the files it holds. Immutable.
 *
 * @param stats the log's state when the command ran
 * @param recovery what the last opening of the log found and did
 * @param configuration the PID of the configuration that opened it, or null
 * @param retention its retention, in words
 * @param rejectedChange why the last change of its configuration was rejected, or null
 * @param segmentFiles its segment files, oldest first
 */
public record WalView(LogStats stats, RecoveryReport recovery, String configuration, String retention, String rejectedChange,
        List<SegmentFile> segmentFiles) implements PeopleFormat {

    private static final String INDENT = "                 ";

    /** Copies the list, so the view stays immutable. */
    public WalView {
        segmentFiles = List.copyOf(segmentFiles);
    }

    /** @return the log's name */
    public String name() {
        return stats.name();
    }

    /** @return bytes appended but not yet durable */
    public long flushLag() {
        return stats.flushLag();
    }

    /** @return true unless the log failed */
    public boolean healthy() {
        return stats.failure() == null;
    }

    /** The full form, with the segment files: {@code ms:wal <name>}. */
    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder(formatBlock());
        text.append("  segment files:\n");
        int width = segmentFiles.stream().mapToInt(file -> Long.toString(file.start()).length()
                + Long.toString(file.end()).length() + 2).max().orElse(0);
        for (SegmentFile file : segmentFiles) {
            String range = file.start() + ".." + file.end();
            text.append("    ").append(file.file()).append("  ").append(range).append(" ".repeat(width - range.length()))
                    .append("  ").append(String.format("%10s", Units.bytes(file.bytes()))).append("  ")
                    .append(file.active() ? "active" : "sealed").append('\n');
        }
        return text.toString();
    }

    /** The form used in the list of {@code ms:wal}: everything but the segment files. */
    String formatBlock() {
        StringBuilder text = new StringBuilder();
        text.append("log ").append(stats.name()).append(healthy() ? "" : "  FAILED").append('\n');
        line(text, "configuration:", configuration == null ? "(none: opened by the broker)" : configuration);
        line(text, "directory:", stats.directory());
        line(text, "durability:", stats.durability().name());
        line(text, "segments:", stats.segments() + ", " + Units.bytes(stats.bytes()));
        line(text, "positions:", "start " + stats.startPosition() + ", published " + stats.publishedPosition() + ", durable "
                + stats.durablePosition() + ", tail " + stats.tailPosition());
        line(text, "flush lag:", Units.bytes(stats.flushLag()) + (stats.flushLag() == 0 ? "" : " (" + stats.flushLag() + " bytes)"));
        line(text, "fsyncs:", stats.fsyncs() == 0 ? "0" : stats.fsyncs() + ", the last took " + Units.millis(stats.lastFsyncNanos()));
        line(text, "retention:", retention);
        line(text, "last recovery:", recovery.toString());
        if (stats.failure() != null) {
            line(text, "failure:", stats.failure() + " (the log takes no more appends)");
        }
        if (rejectedChange != null) {
            line(text, "rejected change:", rejectedChange);
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        return stats.name() + "  " + stats.durability() + "  " + stats.segments() + " segments, " + Units.bytes(stats.bytes())
                + "  published " + stats.publishedPosition() + ", durable " + stats.durablePosition() + ", lag "
                + Units.bytes(stats.flushLag()) + (healthy() ? "" : "  FAILED") + (recovery.clean() ? "" : "  (recovery found problems)");
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append("  ").append(label).append(" ".repeat(Math.max(1, INDENT.length() - label.length())));
        text.append(value.replace("\n", "\n  " + INDENT)).append('\n');
    }

    /**
     * One segment file of a log.
     *
     * @param file its name
     * @param start the first position it holds
     * @param bytes its size, or -1 when it could not be read (deleted meanwhile)
     * @param active whether appends go to it
     */
    public record SegmentFile(String file, long start, long bytes, boolean active) {
        /** @return the position after its last byte */
        public long end() {
            return start + Math.max(0, bytes);
        }
    }
}
