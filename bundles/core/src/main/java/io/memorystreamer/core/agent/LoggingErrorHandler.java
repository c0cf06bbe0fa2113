package io.memorystreamer.core.agent;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * An {@link ErrorHandler} that logs each failure at WARN through SLF4J, at most once per interval:
 * failures in between are counted and the count is logged with the next message, so a task that
 * fails a million times a second does not flood the log.
 *
 * <p>Threading: <em>not</em> thread-safe; give each agent runner or worker thread its own
 * instance. Invariant: {@code suppressed} counts failures not yet logged.
 */
public final class LoggingErrorHandler implements ErrorHandler {
    private final Logger logger;
    private final String source;
    private final long minIntervalNanos;
    private long lastLogNanos;
    private boolean loggedOnce;
    private long suppressed;

    /**
     * @param logger        where to log
     * @param source        what failed, e.g. {@code agent 'flusher'}, put in every message
     * @param minInterval   the least time between two messages, in {@code unit}
     * @param unit          the unit of {@code minInterval}
     */
    public LoggingErrorHandler(Logger logger, String source, long minInterval, TimeUnit unit) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.source = Objects.requireNonNull(source, "source");
        this.minIntervalNanos = unit.toNanos(minInterval);
    }

    /** {@inheritDoc} Logs at WARN, or counts the failure if the last message is too recent. */
    @Override
    public void onError(Throwable error) {
        long now = System.nanoTime();
        if (loggedOnce && now - lastLogNanos < minIntervalNanos) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            logger.warn("{} failed ({} earlier failures not logged)", source, suppressed, error);
        } else {
            logger.warn("{} failed", source, error);
        }
        suppressed = 0;
        loggedOnce = true;
        lastLogNanos = now;
    }

    /** @return failures counted but not yet logged */
    public long suppressed() {
        return suppressed;
    }
}
