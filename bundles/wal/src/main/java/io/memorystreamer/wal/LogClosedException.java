package io.memorystreamer.wal;

/** The log was closed (or failed); it takes no more appends. */
public final class LogClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** @param message which log, and why it is closed */
    public LogClosedException(String message) {
        super(message);
    }

    /** @param message which log, and why it is closed; @param cause the failure that closed it */
    public LogClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
