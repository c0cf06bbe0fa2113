package io.memorystreamer.wal;

/**
 * When an append counts as durable, and so when its completion fires.
 *
 * <p>Durable means fsynced, never assumed: only {@link #NONE} completes without an fsync, and it
 * says so in its name.
 */
public enum Durability {
    /** Complete once the record is written to the page cache (visible to readers); no fsync waited for. */
    NONE,
    /** A flusher fsyncs in groups (by bytes, by time, or when a waiter asks); completions fire after the fsync that covers them. */
    BATCH,
    /** Every waiting append triggers an fsync at once (several waiters share it); complete only after it. */
    SYNC
}
