package io.memorystreamer.client.cli;

import io.memorystreamer.client.Durability;
import io.memorystreamer.client.StartPosition;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and printing of the values the command line takes: sizes, durations, start positions. */
final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)", Pattern.CASE_INSENSITIVE);

    private Units() {
    }

    /**
     * A size in bytes: {@code 1024}, {@code 64KB}, {@code 1MB}, {@code 1GiB}, {@code 2g}. Units are
     * binary (1 KB = 1024 bytes), as in the broker's settings.
     *
     * @param text the size
     * @param what the option, for the message
     * @return bytes
     */
    static long size(String text, String what) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new Args.UsageException(what + ": not a size: '" + text + "' (examples: 1048576, 512KB, 1MB, 10GB)");
        }
        long value;
        try {
            value = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new Args.UsageException(what + ": too large: '" + text + "'");
        }
        int shift;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k":
                shift = 10;
                break;
            case "m":
                shift = 20;
                break;
            case "g":
                shift = 30;
                break;
            case "t":
                shift = 40;
                break;
            default:
                shift = 0;
        }
        if (value > (Long.MAX_VALUE >> shift)) {
            throw new Args.UsageException(what + ": too large: '" + text + "'");
        }
        return value << shift;
    }

    /**
     * A duration: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 12h}, {@code 7d}, {@code 2w}, an
     * ISO-8601 duration ({@code PT10M}) or {@code 0}.
     *
     * @param text the duration
     * @param what the option, for the message
     * @return the duration
     */
    static Duration duration(String text, String what) {
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                case "d":
                    return Duration.ofDays(n);
                default:
                    return Duration.ofDays(7 * n);
            }
        }
        try {
            Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new Args.UsageException(what + ": negative: '" + text + "'");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new Args.UsageException(what + ": not a duration: '" + text + "' (examples: 500ms, 30s, 10m, 12h, 7d, PT10M)");
        }
    }

    /**
     * @param text {@code none}, {@code batch} or {@code sync}, in any case
     * @return the durability
     */
    static Durability durability(String text) {
        try {
            return Durability.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--durability: none, batch or sync, not '" + text + "'");
        }
    }

    /**
     * @param text {@code earliest}, {@code latest}, an offset, or a time: ISO-8601 with an offset
     *             ({@code 2024-05-01T12:00:00Z}) or epoch milliseconds prefixed with {@code @}
     * @return the start position
     */
    static StartPosition startPosition(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("earliest") || t.equalsIgnoreCase("beginning")) {
            return StartPosition.earliest();
        }
        if (t.equalsIgnoreCase("latest") || t.equalsIgnoreCase("end")) {
            return StartPosition.latest();
        }
        if (t.matches("\\d+")) {
            return StartPosition.offset(Long.parseLong(t));
        }
        if (t.matches("@\\d+")) {
            return StartPosition.timestamp(Long.parseLong(t.substring(1)));
        }
        try {
            return StartPosition.timestamp(Instant.parse(t));
        } catch (DateTimeParseException e) {
            try {
                return StartPosition.timestamp(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException again) {
                throw new Args.UsageException("--from: earliest, latest, an offset or an ISO-8601 time (2024-05-01T12:00:00Z), not '" + text + "'");
            }
        }
    }

    /**
     * @param text a positive whole number
     * @param what the option, for the message
     * @return the number
     */
    static long positive(String text, String what) {
        try {
            long n = Long.parseLong(text.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new Args.UsageException(what + ": a whole number above 0, not '" + text + "'");
    }

    /**
     * @param bytes a size
     * @return it in the largest binary unit that keeps it whole ({@code 1GB}, {@code 1536KB},
     *         {@code 100B}), {@code unlimited} for 0
     */
    static String formatSize(long bytes) {
        if (bytes == 0) {
            return "unlimited";
        }
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }

    /**
     * @param d a duration
     * @return it in the largest unit that keeps it whole ({@code 7d}, {@code 90m}), {@code forever} for 0
     */
    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "forever";
        }
        long ms = d.toMillis();
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return (ms / sizes[i]) + names[i];
            }
        }
        return d.toString();
    }
}
