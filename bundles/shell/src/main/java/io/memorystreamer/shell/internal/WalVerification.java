package io.memorystreamer.shell.internal;

import java.time.Duration;
import java.util.List;

/**
 * What {@code ms:wal-verify <log>} found: every published frame of the log read back with its
 * CRC32C and structure checked, from the log's start to its published position when the command
 * began. Immutable.
 *
 * @param log the log's name
 * @param from the first position verified (the log's start)
 * @param to the published position when verification began: the goal
 * @param reached where verification ended (at or past {@code to} when it went through)
 * @param frames frames found valid
 * @param records records in them
 * @param skippedBytes positions jumped over because no segment holds them (deleted by retention,
 *     or set aside by recovery as corrupt)
 * @param corruption the first invalid frame (position, file and what is wrong), or null
 * @param incomplete why verification stopped short of {@code to} without an invalid frame, or null
 * @param segments what was verified in each segment file, oldest first
 * @param duration how long it took
 */
public record WalVerification(String log, long from, long to, long reached, long frames, long records, long skippedBytes,
        String corruption, String incomplete, List<SegmentCheck> segments, Duration duration) implements PeopleFormat {

    /** Copies the list, so the result stays immutable. */
    public WalVerification {
        segments = List.copyOf(segments);
    }

    /** @return true when every frame up to the goal was found valid */
    public boolean valid() {
        return corruption == null && incomplete == null;
    }

    /** @return bytes of frames verified */
    public long bytes() {
        return Math.max(0, reached - from - skippedBytes);
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        text.append("log ").append(log).append(": ").append(valid() ? "VALID" : corruption != null ? "CORRUPT" : "INCOMPLETE")
                .append('\n');
        text.append("  verified:   ").append(frames).append(" frames, ").append(records).append(" records, ")
                .append(Units.bytes(bytes())).append(" (positions ").append(from).append("..").append(reached).append(") in ")
                .append(segments.size()).append(segments.size() == 1 ? " segment" : " segments").append(", ")
                .append(duration.toMillis()).append(" ms\n");
        if (skippedBytes > 0) {
            text.append("  skipped:    ").append(skippedBytes)
                    .append(" bytes of positions no segment holds (deleted by retention, or set aside by recovery)\n");
        }
        if (corruption != null) {
            text.append("  corruption: ").append(corruption).append('\n');
        }
        if (incomplete != null) {
            text.append("  stopped:    ").append(incomplete).append('\n');
        }
        if (!valid()) {
            text.append("  not verified: positions ").append(reached).append("..").append(to).append(" (")
                    .append(Math.max(0, to - reached)).append(" bytes): verification stops at the first bad frame\n");
        }
        text.append("  segment files:\n");
        for (SegmentCheck segment : segments) {
            text.append("    ").append(segment.file()).append(String.format("  %8d frames  %8d records  ", segment.frames(),
                    segment.records())).append(segment.status()).append('\n');
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        return "log " + log + ": " + (valid() ? "VALID" : "NOT VALID") + ", " + frames + " frames, " + records + " records"
                + (corruption == null ? "" : ", first corruption at " + corruption);
    }

    /**
     * What was verified in one segment file.
     *
     * @param file its name
     * @param frames valid frames in it
     * @param records records in them
     * @param status {@code OK}, {@code CORRUPT at position <p>}, {@code stopped at position <p>} or {@code not verified}
     */
    public record SegmentCheck(String file, long frames, long records, String status) {
    }
}
