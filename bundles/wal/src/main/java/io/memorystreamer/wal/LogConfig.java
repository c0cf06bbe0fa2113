package io.memorystreamer.wal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one {@link WriteAheadLog}. Immutable; build one with {@link #builder(Path)}.
 * Every setting is checked when built, and a bad one is refused with a message naming it.
 */
public final class LogConfig {
    /** Smallest segment: 64 KiB. */
    public static final int MIN_SEGMENT_SIZE = 64 * 1024;
    /** Largest segment: 1 GiB. */
    public static final int MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;

    private final Path directory;
    private final String name;
    private final int segmentSize;
    private final int maxRecordSize;
    private final Durability durability;
    private final long flushBytes;
    private final Duration flushInterval;
    private final long maxUnflushedBytes;
    private final int indexIntervalBytes;
    private final Duration retentionAge;
    private final long retentionBytes;
    private final Duration retentionCheckInterval;
    private final boolean preallocate;
    private final Compression compression;
    private final int compressionThreshold;

    private LogConfig(Builder builder, int maxRecordSize) {
        this.directory = builder.directory;
        this.name = builder.name == null ? builder.directory.getFileName().toString() : builder.name;
        this.segmentSize = builder.segmentSize;
        this.maxRecordSize = maxRecordSize;
        this.durability = builder.durability;
        this.flushBytes = builder.flushBytes;
        this.flushInterval = builder.flushInterval;
        this.maxUnflushedBytes = builder.maxUnflushedBytes;
        this.indexIntervalBytes = builder.indexIntervalBytes;
        this.retentionAge = builder.retentionAge;
        this.retentionBytes = builder.retentionBytes;
        this.retentionCheckInterval = builder.retentionCheckInterval;
        this.preallocate = builder.preallocate;
        this.compression = builder.compression;
        this.compressionThreshold = builder.compressionThreshold;
    }

    /** @param directory the log's directory (created if missing) */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** @return the directory of segments */
    public Path directory() {
        return directory;
    }

    /** @return the log's name in logs and the shell (default: the directory's name) */
    public String name() {
        return name;
    }

    /** @return bytes per segment file */
    public int segmentSize() {
        return segmentSize;
    }

    /** @return the largest frame (one record, or a batch, with headers) accepted */
    public int maxRecordSize() {
        return maxRecordSize;
    }

    /** @return when appends count as durable */
    public Durability durability() {
        return durability;
    }

    /** @return in {@link Durability#BATCH} mode, fsync once this many bytes wait */
    public long flushBytes() {
        return flushBytes;
    }

    /** @return in {@link Durability#BATCH} mode, fsync at least this often while bytes wait */
    public Duration flushInterval() {
        return flushInterval;
    }

    /** @return appends return {@link WriteAheadLog#BACK_PRESSURED} while more than this many bytes are not yet durable */
    public long maxUnflushedBytes() {
        return maxUnflushedBytes;
    }

    /** @return one sparse index entry per this many bytes of log */
    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    /** @return sealed segments whose newest record is older than this are deleted; null keeps them */
    public Duration retentionAge() {
        return retentionAge;
    }

    /** @return oldest sealed segments are deleted while the log is larger than this; 0 keeps them */
    public long retentionBytes() {
        return retentionBytes;
    }

    /** @return how often retention is checked */
    public Duration retentionCheckInterval() {
        return retentionCheckInterval;
    }

    /** @return whether new segments are filled with zeros on disk when created (so a full disk shows then, not as a crash later) */
    public boolean preallocate() {
        return preallocate;
    }

    /** @return how batches are stored */
    public Compression compression() {
        return compression;
    }

    /** @return batches with fewer bytes of entries than this are stored as they are */
    public int compressionThreshold() {
        return compressionThreshold;
    }

    @Override
    public String toString() {
        return "LogConfig{" + name + " at " + directory + ", segmentSize=" + segmentSize + ", maxRecordSize=" + maxRecordSize
                + ", durability=" + durability + ", flushBytes=" + flushBytes + ", flushInterval=" + flushInterval
                + ", maxUnflushedBytes=" + maxUnflushedBytes + ", indexIntervalBytes=" + indexIntervalBytes
                + ", retentionAge=" + retentionAge + ", retentionBytes=" + retentionBytes + ", preallocate=" + preallocate + ", compression=" + compression + "}";
    }

    /** Builds a {@link LogConfig}. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private String name;
        private int segmentSize = 64 * 1024 * 1024;
        private int maxRecordSize = -1;
        private Durability durability = Durability.BATCH;
        private long flushBytes = 1024 * 1024;
        private Duration flushInterval = Duration.ofMillis(5);
        private long maxUnflushedBytes = 64L * 1024 * 1024;
        private int indexIntervalBytes = 4096;
        private Duration retentionAge;
        private long retentionBytes;
        private Duration retentionCheckInterval = Duration.ofSeconds(1);
        private boolean preallocate = true;
        private Compression compression = Compression.NONE;
        private int compressionThreshold = 512;

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /** @param value the log's name in logs and the shell */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** @param bytes bytes per segment, a multiple of 16 from 64 KiB to 1 GiB (default 64 MiB) */
        public Builder segmentSize(int bytes) {
            this.segmentSize = bytes;
            return this;
        }

        /** @param bytes the largest frame accepted (default 1 MiB, or the segment size when smaller; at most a segment) */
        public Builder maxRecordSize(int bytes) {
            this.maxRecordSize = bytes;
            return this;
        }

        /** @param value when appends count as durable (default BATCH) */
        public Builder durability(Durability value) {
            this.durability = Objects.requireNonNull(value, "durability");
            return this;
        }

        /** @param bytes BATCH mode: fsync once this many bytes wait (default 1 MiB) */
        public Builder flushBytes(long bytes) {
            this.flushBytes = bytes;
            return this;
        }

        /** @param interval BATCH mode: fsync at least this often while bytes wait (default 5 ms) */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = Objects.requireNonNull(interval, "flushInterval");
            return this;
        }

        /** @param bytes back-pressure bound on bytes not yet durable (default 64 MiB) */
        public Builder maxUnflushedBytes(long bytes) {
            this.maxUnflushedBytes = bytes;
            return this;
        }

        /** @param bytes one sparse index entry per this many bytes (default 4096) */
        public Builder indexIntervalBytes(int bytes) {
            this.indexIntervalBytes = bytes;
            return this;
        }

        /** @param age delete sealed segments older than this (default: keep) */
        public Builder retentionAge(Duration age) {
            this.retentionAge = age;
            return this;
        }

        /** @param bytes delete oldest sealed segments while the log is larger (default 0: keep) */
        public Builder retentionBytes(long bytes) {
            this.retentionBytes = bytes;
            return this;
        }

        /** @param interval how often retention is checked (default 1 s) */
        public Builder retentionCheckInterval(Duration interval) {
            this.retentionCheckInterval = Objects.requireNonNull(interval, "retentionCheckInterval");
            return this;
        }

        /** @param value fill new segments with zeros on disk when created (default true) */
        public Builder preallocate(boolean value) {
            this.preallocate = value;
            return this;
        }

        /** @param value how batches are stored (default NONE) */
        public Builder compression(Compression value) {
            this.compression = Objects.requireNonNull(value, "compression");
            return this;
        }

        /** @param bytes compress only batches with at least this many bytes of entries (default 512) */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = bytes;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public LogConfig build() {
            int effectiveMaxRecordSize = maxRecordSize == -1 ? Math.min(1024 * 1024, segmentSize) : maxRecordSize;
            require(segmentSize >= MIN_SEGMENT_SIZE && segmentSize <= MAX_SEGMENT_SIZE && segmentSize % 16 == 0,
                    "segmentSize must be a multiple of 16 from " + MIN_SEGMENT_SIZE + " to " + MAX_SEGMENT_SIZE + ", not " + segmentSize);
            require(effectiveMaxRecordSize >= 64 && effectiveMaxRecordSize <= segmentSize,
                    "maxRecordSize must be from 64 to segmentSize (" + segmentSize + "), not " + effectiveMaxRecordSize);
            require(flushBytes > 0, "flushBytes must be positive, not " + flushBytes);
            require(!flushInterval.isNegative() && !flushInterval.isZero(), "flushInterval must be positive, not " + flushInterval);
            require(maxUnflushedBytes >= effectiveMaxRecordSize, "maxUnflushedBytes must be at least maxRecordSize ("
                    + effectiveMaxRecordSize + "), not " + maxUnflushedBytes);
            require(indexIntervalBytes >= 16, "indexIntervalBytes must be at least 16, not " + indexIntervalBytes);
            require(retentionAge == null || (!retentionAge.isNegative() && !retentionAge.isZero()),
                    "retentionAge must be positive (or unset to keep everything), not " + retentionAge);
            require(retentionBytes >= 0, "retentionBytes must be 0 (keep everything) or positive, not " + retentionBytes);
            require(compressionThreshold >= 64, "compressionThreshold must be at least 64, not " + compressionThreshold);
            require(!retentionCheckInterval.isNegative() && !retentionCheckInterval.isZero(),
                    "retentionCheckInterval must be positive, not " + retentionCheckInterval);
            return new LogConfig(this, effectiveMaxRecordSize);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException("invalid log setting: " + message);
            }
        }
    }
}
