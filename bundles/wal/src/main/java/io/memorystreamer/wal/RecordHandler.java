package io.memorystreamer.wal;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives records from a {@link LogCursor}, one at a time, on the thread that polls. */
@ConsumerType
@FunctionalInterface
public interface RecordHandler {
    /**
     * @param record a view over the record in the log's mapped buffer; valid only during this call
     *     (copy what you keep)
     */
    void onRecord(RecordView record);
}
