package io.memorystreamer.wal.internal;

import io.memorystreamer.wal.Compression;
import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated settings of one factory configuration of PID {@value #FACTORY_PID}: which log to
 * open, where, and how (documented in {@link LogConfiguration}).
 *
 * <p>{@link #parse} reads ConfigAdmin properties (numbers or text, as {@code .cfg} files give
 * them), applies defaults to missing keys, and throws an {@link InvalidLogSettingException} naming
 * the first bad key. The final word is {@link LogConfig.Builder#build()}'s: its checks across
 * settings (the largest record within a segment, say) are reported with the configuration keys.
 *
 * <p>Threading: immutable. Invariant: {@link #logConfig()} builds without an exception.
 *
 * @param pid the configuration's PID, for messages
 * @param name the log's name
 * @param directory the absolute directory of its segments
 * @param durability its durability mode
 * @param segmentSize bytes per segment
 * @param maxRecordSize the largest frame, or null for the log's default
 * @param flushBytes BATCH: fsync once this many bytes wait
 * @param flushInterval BATCH: fsync at least this often
 * @param maxUnflushedBytes back-pressure bound
 * @param retentionAge delete sealed segments older than this, or null to keep them
 * @param retentionBytes delete oldest sealed segments while the log is larger, or 0 to keep them
 * @param preallocate zero-fill new segments
 * @param compression how batches are stored
 * @param unknownKeys keys that are neither settings nor framework keys (typos, probably)
 */
record LogSettings(String pid, String name, Path directory, Durability durability, int segmentSize,
        Integer maxRecordSize, long flushBytes, Duration flushInterval, long maxUnflushedBytes, Duration retentionAge,
        long retentionBytes, boolean preallocate, Compression compression, List<String> unknownKeys) {

    /** The factory PID of log configurations. */
    public static final String FACTORY_PID = "io.memorystreamer.wal.log";
    /** The framework (or system) property naming the broker's data directory. */
    public static final String DATA_DIR_PROPERTY = "ms.data.dir";
    /** The data directory when {@value #DATA_DIR_PROPERTY} is not set. */
    public static final String DEFAULT_DATA_DIR = "data";

    static final String NAME = "name";
    static final String DIRECTORY = "directory";
    static final String DURABILITY = "durability";
    static final String SEGMENT_SIZE = "segment.size";
    static final String MAX_RECORD_SIZE = "max.record.size";
    static final String FLUSH_BYTES = "flush.bytes";
    static final String FLUSH_INTERVAL_MS = "flush.interval.ms";
    static final String MAX_UNFLUSHED_BYTES = "max.unflushed.bytes";
    static final String RETENTION_AGE_MS = "retention.age.ms";
    static final String RETENTION_BYTES = "retention.bytes";
    static final String PREALLOCATE = "preallocate";
    static final String COMPRESSION = "compression";

    static final int DEFAULT_SEGMENT_SIZE = 64 * 1024 * 1024;
    static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;
    static final long DEFAULT_FLUSH_BYTES = 1024 * 1024;
    static final long DEFAULT_FLUSH_INTERVAL_MS = 5;
    static final long DEFAULT_MAX_UNFLUSHED_BYTES = 64L * 1024 * 1024;

    private static final long MAX_MS = Duration.ofDays(1).toMillis();
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Set<String> KNOWN = Set.of(NAME, DIRECTORY, DURABILITY, SEGMENT_SIZE, MAX_RECORD_SIZE, FLUSH_BYTES,
            FLUSH_INTERVAL_MS, MAX_UNFLUSHED_BYTES, RETENTION_AGE_MS, RETENTION_BYTES, PREALLOCATE,
            COMPRESSION);
    /** LogConfig.Builder's names for settings, as its messages use them, and our keys for them. */
    private static final Map<String, String> BUILDER_NAMES = Map.of(
            "segmentSize", SEGMENT_SIZE,
            "maxRecordSize", MAX_RECORD_SIZE,
            "flushBytes", FLUSH_BYTES,
            "flushInterval", FLUSH_INTERVAL_MS,
            "maxUnflushedBytes", MAX_UNFLUSHED_BYTES,
            "retentionAge", RETENTION_AGE_MS,
            "retentionBytes", RETENTION_BYTES);
    private static final Pattern BUILDER_NAME = Pattern.compile("\\b(" + String.join("|", BUILDER_NAMES.keySet()) + ")\\b");

    /** Copies the unknown keys, so the record stays immutable. */
    LogSettings {
        unknownKeys = List.copyOf(unknownKeys);
    }

    /**
     * Reads and validates ConfigAdmin properties.
     *
     * @param properties the component properties (may hold framework keys, which are ignored)
     * @param dataDirectory the absolute directory relative paths resolve against
     * @return the settings, defaults filled in
     * @throws InvalidLogSettingException naming the first invalid key
     */
    public static LogSettings parse(Map<String, ?> properties, Path dataDirectory) {
        String pid = String.valueOf(properties.get("service.pid"));
        String name = text(properties, NAME);
        if (name == null) {
            name = configurationName(properties);
            if (name == null) {
                throw new InvalidLogSettingException(pid, NAME, null, "is required (letters, digits, '.', '_' and '-')");
            }
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw new InvalidLogSettingException(pid, NAME, name,
                    "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Path directory = directory(pid, properties, dataDirectory, name);
        Durability durability = durability(pid, properties);
        int segmentSize = (int) number(pid, properties, SEGMENT_SIZE, DEFAULT_SEGMENT_SIZE, LogConfig.MIN_SEGMENT_SIZE,
                LogConfig.MAX_SEGMENT_SIZE);
        if (segmentSize % 16 != 0) {
            throw new InvalidLogSettingException(pid, SEGMENT_SIZE, properties.get(SEGMENT_SIZE), "must be a multiple of 16");
        }
        Integer maxRecordSize = properties.get(MAX_RECORD_SIZE) == null ? null
                : (int) number(pid, properties, MAX_RECORD_SIZE, DEFAULT_MAX_RECORD_SIZE, 64, LogConfig.MAX_SEGMENT_SIZE);
        long flushBytes = number(pid, properties, FLUSH_BYTES, DEFAULT_FLUSH_BYTES, 1, Long.MAX_VALUE);
        long flushIntervalMs = number(pid, properties, FLUSH_INTERVAL_MS, DEFAULT_FLUSH_INTERVAL_MS, 1, MAX_MS);
        long maxUnflushed = number(pid, properties, MAX_UNFLUSHED_BYTES, DEFAULT_MAX_UNFLUSHED_BYTES, 64, Long.MAX_VALUE);
        long retentionAgeMs = number(pid, properties, RETENTION_AGE_MS, 0, 0, Long.MAX_VALUE);
        long retentionBytes = number(pid, properties, RETENTION_BYTES, 0, 0, Long.MAX_VALUE);
        boolean preallocate = bool(pid, properties, PREALLOCATE, true);
        Compression compression = compression(pid, properties);
        List<String> unknown = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!KNOWN.contains(key) && !isFrameworkKey(key)) {
                unknown.add(key);
            }
        }
        unknown.sort(null);
        LogSettings settings = new LogSettings(pid, name, directory, durability, segmentSize, maxRecordSize, flushBytes,
                Duration.ofMillis(flushIntervalMs), maxUnflushed, retentionAgeMs == 0 ? null : Duration.ofMillis(retentionAgeMs),
                retentionBytes, preallocate, compression, unknown);
        settings.logConfig();
        return settings;
    }

    /**
     * @return the log's settings
     * @throws InvalidLogSettingException when the log refuses them (naming our keys, not the builder's)
     */
    public LogConfig logConfig() {
        LogConfig.Builder builder = LogConfig.builder(directory)
                .name(name)
                .durability(durability)
                .segmentSize(segmentSize)
                .flushBytes(flushBytes)
                .flushInterval(flushInterval)
                .maxUnflushedBytes(maxUnflushedBytes)
                .retentionAge(retentionAge)
                .retentionBytes(retentionBytes)
                .preallocate(preallocate)
                .compression(compression);
        if (maxRecordSize != null) {
            builder.maxRecordSize(maxRecordSize);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidLogSettingException(pid, translate(e.getMessage()), e);
        }
    }

    /** @return these settings without the unknown keys: two logs with equal results are opened alike */
    LogSettings withoutUnknownKeys() {
        return new LogSettings(pid, name, directory, durability, segmentSize, maxRecordSize, flushBytes, flushInterval,
                maxUnflushedBytes, retentionAge, retentionBytes, preallocate, compression, List.of());
    }

    @Override
    public String toString() {
        return NAME + "=" + name + ", " + DIRECTORY + "=" + directory + ", " + DURABILITY + "=" + durability + ", "
                + SEGMENT_SIZE + "=" + segmentSize + ", " + MAX_RECORD_SIZE + "=" + (maxRecordSize == null ? "default" : maxRecordSize)
                + ", " + FLUSH_BYTES + "=" + flushBytes + ", " + FLUSH_INTERVAL_MS + "=" + flushInterval.toMillis() + ", "
                + MAX_UNFLUSHED_BYTES + "=" + maxUnflushedBytes + ", " + RETENTION_AGE_MS + "="
                + (retentionAge == null ? 0 : retentionAge.toMillis()) + ", " + RETENTION_BYTES + "=" + retentionBytes + ", "
                + PREALLOCATE + "=" + preallocate + ", " + COMPRESSION + "=" + compression;
    }

    /** Rewrites a message of LogConfig.Builder with our keys: {@code segmentSize} becomes {@code 'segment.size'}. */
    static String translate(String message) {
        String text = Objects.requireNonNullElse(message, "invalid log setting");
        if (text.startsWith("invalid log setting: ")) {
            text = text.substring("invalid log setting: ".length());
        }
        Matcher matcher = BUILDER_NAME.matcher(text);
        StringBuilder translated = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(translated, Matcher.quoteReplacement("'" + BUILDER_NAMES.get(matcher.group(1)) + "'"));
        }
        matcher.appendTail(translated);
        return translated.toString();
    }

    /** @return the configuration's own name: {@code orders} for PID {@code io.memorystreamer.wal.log~orders}, or null */
    static String configurationName(Map<String, ?> properties) {
        Object pid = properties.get("service.pid");
        if (pid instanceof String text && text.startsWith(FACTORY_PID + "~") && text.length() > FACTORY_PID.length() + 1) {
            return text.substring(FACTORY_PID.length() + 1);
        }
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            String fileName = file.toString();
            fileName = fileName.substring(fileName.lastIndexOf('/') + 1);
            String prefix = FACTORY_PID + "-";
            if (fileName.startsWith(prefix) && fileName.endsWith(".cfg") && fileName.length() > prefix.length() + 4) {
                return fileName.substring(prefix.length(), fileName.length() - 4);
            }
        }
        return null;
    }

    private static Path directory(String pid, Map<String, ?> properties, Path dataDirectory, String name) {
        String text = text(properties, DIRECTORY);
        if (text == null) {
            return dataDirectory.resolve("wal").resolve(name).normalize();
        }
        try {
            return dataDirectory.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidLogSettingException(pid, DIRECTORY, text, "is not a valid path: " + e.getMessage());
        }
    }

    private static Compression compression(String pid, Map<String, ?> properties) {
        String text = text(properties, COMPRESSION);
        if (text == null) {
            return Compression.NONE;
        }
        try {
            return Compression.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidLogSettingException(pid, COMPRESSION, text, "must be NONE or LZ4");
        }
    }

    private static Durability durability(String pid, Map<String, ?> properties) {
        String text = text(properties, DURABILITY);
        if (text == null) {
            return Durability.BATCH;
        }
        try {
            return Durability.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidLogSettingException(pid, DURABILITY, text, "must be NONE, BATCH or SYNC");
        }
    }

    private static String text(Map<String, ?> properties, String key) {
        Object raw = properties.get(key);
        if (raw == null) {
            return null;
        }
        String text = raw.toString().trim();
        return text.isEmpty() ? null : text;
    }

    private static long number(String pid, Map<String, ?> properties, String key, long defaultValue, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null || (raw instanceof String s && s.isBlank())) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else if (raw instanceof String s) {
            try {
                value = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new InvalidLogSettingException(pid, key, raw, "is not a whole number");
            }
        } else {
            throw new InvalidLogSettingException(pid, key, raw, "must be a whole number, not a " + raw.getClass().getSimpleName());
        }
        if (value < min || value > max) {
            throw new InvalidLogSettingException(pid, key, raw, max == Long.MAX_VALUE ? "must be at least " + min
                    : "must be from " + min + " to " + max);
        }
        return value;
    }

    private static boolean bool(String pid, Map<String, ?> properties, String key, boolean defaultValue) {
        Object raw = properties.get(key);
        if (raw == null) {
            return defaultValue;
        }
        if (raw instanceof Boolean b) {
            return b;
        }
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "" -> defaultValue;
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidLogSettingException(pid, key, raw, "must be true or false");
        };
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                || key.startsWith("osgi.") || key.equals("objectClass");
    }
}
