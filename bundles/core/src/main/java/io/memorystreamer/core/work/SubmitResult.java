package io.memorystreamer.core.work;

/**
 * What happened to a task offered to a queue or a pool. A full queue is a normal answer
 * (backpressure), not an exception.
 *
 * <p>Threading: an enum, immutable.
 */
public enum SubmitResult {
    /** The task was queued and will run exactly once (a closing pool drains its queue). */
    ACCEPTED,
    /** The queue was full; the task was not queued. Retry later, or push back on the producer. */
    QUEUE_FULL,
    /** The pool or queue is closed; the task was not queued and never will be. */
    CLOSED
}
