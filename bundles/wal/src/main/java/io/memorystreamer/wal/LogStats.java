package io.memorystreamer.wal;

/**
 * A snapshot of a log's state, for {@code ms:wal} and telemetry. Immutable.
 *
 * @param name the log's name
 * @param directory its directory
 * @param durability its mode
 * @param segments how many segments it holds
 * @param bytes their total size
 * @param segmentBases the first position of each segment
 * @param startPosition the first position held
 * @param tailPosition the next free position
 * @param publishedPosition every frame before it is complete
 * @param durablePosition every frame before it is durable
 * @param fsyncs fsyncs done since open
 * @param lastFsyncNanos how long the last fsync took
 * @param segmentsDeleted segments removed by retention since open
 * @param failure why the log failed, or null
 */
public record LogStats(String name, String directory, Durability durability, int segments, long bytes, long[] segmentBases,
        long startPosition, long tailPosition, long publishedPosition, long durablePosition, long fsyncs, long lastFsyncNanos,
        long segmentsDeleted, String failure) {

    /** @return bytes appended but not yet durable */
    public long flushLag() {
        return Math.max(0, tailPosition - durablePosition);
    }
}
