package io.memorystreamer.wal;

/** How batches are stored. Single records are never compressed (too small to gain). */
public enum Compression {
    /** Entries are stored as they are. */
    NONE,
    /**
     * A batch whose entries reach {@link LogConfig#compressionThreshold()} bytes is stored as one
     * LZ4 block when that makes it smaller (lz4-java, pure-Java codec). Readers see no difference.
     */
    LZ4
}
