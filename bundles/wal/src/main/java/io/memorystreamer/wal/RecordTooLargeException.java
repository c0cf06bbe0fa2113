package io.memorystreamer.wal;

/** A record (or batch) is larger than the log accepts; nothing was written. */
public final class RecordTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message the size, the limit and which setting sets it */
    public RecordTooLargeException(String message) {
        super(message);
    }
}
