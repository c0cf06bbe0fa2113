package io.memorystreamer.broker;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A live subscription. Messages flow to its handler while it has credit; each delivered message
 * uses one credit, and {@link #grant} adds more. With no credit left it simply stops: the broker
 * buffers nothing for it, since messages wait in the log.
 *
 * <p>Thread-safe: any thread may grant credit or close.
 */
@ProviderType
public interface Subscription extends AutoCloseable {
    /**
     * @param messages more messages the broker may deliver (added to what is left)
     */
    void grant(long messages);

    /** @return credit left */
    long credit();

    /** @return messages delivered so far */
    long delivered();

    /** @return whether it is closed */
    boolean isClosed();

    /** Stops delivery and releases everything the subscription holds; idempotent. */
    @Override
    void close();
}
