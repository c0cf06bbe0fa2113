package io.memorystreamer.shell.internal;

import java.time.Duration;
import java.util.Locale;

/** Formats sizes and durations for people. Stateless. */
final class Units {
    private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB"};

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
}
