package io.memorystreamer.multiplexing;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives the streams of a {@link StreamRegistry}, one at a time (shell listings, pattern subscriptions). */
@ConsumerType
@FunctionalInterface
public interface StreamVisitor {
    /**
     * @param key   the stream's key
     * @param state the stream's state; the holder is reused for the next stream, so copy what you keep
     * @return true to go on, false to stop the iteration
     */
    boolean visit(String key, StreamState state);
}
