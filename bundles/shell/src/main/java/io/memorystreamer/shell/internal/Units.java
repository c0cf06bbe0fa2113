package io.memorystreamer.shell.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Formats sizes, durations and times for people, and parses what people type for them
 * ({@code 10MB}, {@code 7d}). Stateless.
 */
final class Units {
    private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX").withZone(ZoneOffset.UTC);

    /** A size: a number, optionally with a fraction, then an optional unit. */
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)");
    /** One part of a short duration: {@code 7d}, {@code 12h}, {@code 30m}, {@code 1.5s}. */
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]+)\\s*");
    private static final String SIZE_FORMS = "a number of bytes, optionally with a unit: 512, 64KB, 10MB, 1.5GB, 1TB"
            + " (KB, MB, GB and TB count in 1024s, like KiB, MiB, GiB and TiB)";
    private static final String DURATION_FORMS = "a duration such as 7d, 12h, 30m, 45s, 500ms, 1h30m, or ISO-8601 (P7D, PT12H)";

    private Units() {
    }

    /** @return {@code 512 B}, {@code 64.0 KiB}, {@code 1.5 GiB}, ... */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < BINARY.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BINARY[unit]);
    }

    /** @return {@code 7d}, {@code 1h 30min}, {@code 2s 500ms}: the non-zero parts, largest first */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis <= 0) {
            return millis + "ms";
        }
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000, 1};
        String[] names = {"d", "h", "min", "s", "ms"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            long count = millis / sizes[i];
            millis %= sizes[i];
            if (count > 0) {
                text.append(text.length() == 0 ? "" : " ").append(count).append(names[i]);
            }
        }
        return text.toString();
    }

    /** @return nanoseconds as milliseconds with three decimals: {@code 0.412 ms} */
    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1_000_000.0);
    }

    /** @return a time as ISO-8601 in UTC, always to the millisecond (so times line up): {@code 2026-11-27T22:30:01.120Z} */
    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * @param nowMillis the time the command ran
     * @param thenMillis an earlier time
     * @return how long before {@code nowMillis} it was, roughly: {@code 12 s ago}, {@code 5 min ago},
     *         {@code 3 h ago}, {@code 2 d ago}; {@code just now} under a second; {@code in the future}
     *         when the clocks disagree
     */
    static String ago(long nowMillis, long thenMillis) {
        long millis = nowMillis - thenMillis;
        if (millis < 0) {
            return millis > -1000 ? "just now" : "in the future";
        }
        if (millis < 1000) {
            return "just now";
        }
        long seconds = millis / 1000;
        if (seconds < 120) {
            return seconds + " s ago";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min ago";
        }
        if (seconds < 2 * 86_400) {
            return seconds / 3600 + " h ago";
        }
        return seconds / 86_400 + " d ago";
    }

    /**
     * Parses a size as people type it: {@code 512}, {@code 512B}, {@code 64KB}, {@code 10MB},
     * {@code 1.5GB}, {@code 1TB}, also {@code KiB}/{@code MiB}/..., {@code K}/{@code M}/... and any
     * case. KB, MB, GB and TB count in 1024s (as the JVM's {@code -Xmx1g} does), so {@code 1MB} is
     * the default maximum message size of 1 MiB, 1,048,576 bytes.
     *
     * @param option the option being parsed, for the message ({@code --retention-bytes})
     * @param text what was typed
     * @return the number of bytes
     * @throws IllegalArgumentException naming the option, the value and the accepted forms
     */
    static long parseBytes(String option, String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        Matcher matcher = SIZE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a size; expected " + SIZE_FORMS);
        }
        long unit = switch (matcher.group(2)) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1L << 10;
            case "m", "mb", "mib" -> 1L << 20;
            case "g", "gb", "gib" -> 1L << 30;
            case "t", "tb", "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException(option + " '" + text + "' has an unknown unit '" + matcher.group(2)
                    + "'; expected " + SIZE_FORMS);
        };
        BigDecimal bytes = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a whole number of bytes ("
                    + bytes.stripTrailingZeros().toPlainString() + ")");
        }
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(option + " '" + text + "' is too large");
        }
        return bytes.longValue();
    }

    /**
     * Parses a duration as people type it: one or more parts such as {@code 7d}, {@code 12h},
     * {@code 30m} or {@code 30min}, {@code 45s}, {@code 500ms}, {@code 2w} ({@code 1h30m}, any case),
     * or an ISO-8601 duration ({@code P7D}, {@code PT12H}).
     *
     * @param option the option being parsed, for the message ({@code --retention-age})
     * @param text what was typed
     * @return the duration
     * @throws IllegalArgumentException naming the option, the value and the accepted forms
     */
    static Duration parseDuration(String option, String text) {
        String value = text == null ? "" : text.trim();
        if (value.regionMatches(true, 0, "P", 0, 1) || value.regionMatches(true, 0, "-P", 0, 2)) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is not an ISO-8601 duration; expected " + DURATION_FORMS, e);
            }
        }
        String lower = value.toLowerCase(Locale.ROOT);
        Matcher matcher = DURATION_PART.matcher(lower);
        BigDecimal millis = BigDecimal.ZERO;
        int at = 0;
        while (at < lower.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw new IllegalArgumentException(option + " '" + text + "' is not a duration; expected " + DURATION_FORMS);
            }
            long unit = switch (matcher.group(2)) {
                case "w", "week", "weeks" -> 7 * 86_400_000L;
                case "d", "day", "days" -> 86_400_000L;
                case "h", "hour", "hours" -> 3_600_000L;
                case "m", "min", "mins", "minute", "minutes" -> 60_000L;
                case "s", "sec", "secs", "second", "seconds" -> 1_000L;
                case "ms", "milli", "millis" -> 1L;
                default -> throw new IllegalArgumentException(option + " '" + text + "' has an unknown unit '" + matcher.group(2)
                        + "'; expected " + DURATION_FORMS);
            };
            millis = millis.add(new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unit)));
            at = matcher.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException(option + " is empty; expected " + DURATION_FORMS);
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a whole number of milliseconds");
        }
        if (millis.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(option + " '" + text + "' is too long");
        }
        return Duration.ofMillis(millis.longValue());
    }

    /**
     * Parses a whole number within bounds.
     *
     * @param option the option being parsed, for the message ({@code --shards})
     * @param text what was typed
     * @param min the smallest accepted
     * @param max the largest accepted
     * @return the number
     * @throws IllegalArgumentException naming the option, the value and the bounds
     */
    static long parseCount(String option, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text == null ? "" : text.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a whole number", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be from " + min + " to " + max + ", not " + value);
        }
        return value;
    }
}
