package io.memorystreamer.core.agent;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the exceptions an agent or a task throws, so that they are reported instead of killing
 * the thread that ran it.
 *
 * <p>Threading: called on the failing agent's or worker's own thread; a handler shared by several
 * threads must be thread-safe. A handler should be quick and must not throw (if it does, the
 * runner logs that and carries on).
 */
@ConsumerType
@FunctionalInterface
public interface ErrorHandler {
    /**
     * Reports one failure.
     *
     * @param error what was thrown
     */
    void onError(Throwable error);
}
