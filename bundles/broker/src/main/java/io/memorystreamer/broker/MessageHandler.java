package io.memorystreamer.broker;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the messages of a subscription, in order per stream, on the broker's delivery thread:
 * keep it short, and hand long work to your own threads (copying what you keep). An exception
 * thrown here is counted and logged, the message counts as delivered, and delivery goes on.
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {
    /**
     * @param message a view valid only during this call
     */
    void onMessage(MessageView message);
}
