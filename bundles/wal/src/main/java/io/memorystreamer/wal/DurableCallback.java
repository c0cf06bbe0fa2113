package io.memorystreamer.wal;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when an appended position has become durable according to the log's {@link Durability},
 * or that it never will.
 *
 * <p>Called on the log's flusher thread (or at once on the registering thread, when the position
 * is already durable or the log already closed): keep it short and never block in it (hand work
 * to a queue). An exception thrown from it on the flusher thread is logged and ignored.
 */
@ConsumerType
public interface DurableCallback {
    /**
     * @param position the position that was waited for
     * @param durablePosition the log's durable position now (at least {@code position})
     */
    void onDurable(long position, long durablePosition);

    /**
     * The log failed (an fsync error) or was closed before the position became durable.
     *
     * @param position the position that was waited for
     * @param cause why
     */
    void onFailure(long position, Throwable cause);
}
