package io.memorystreamer.broker;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A step of a topic's interceptor chain: sees each message on the publishing thread before it is
 * routed and appended, and returns a verdict. The broker only owns the slot where a topic's chain
 * sits ({@link Broker#installInterceptors}); the plugin host fills it. Chains are plain arrays,
 * swapped whole, so the publish path never takes a lock or looks up a service.
 *
 * <p>Must be thread-safe: every publishing thread calls it.
 */
@ConsumerType
public interface PublishInterceptor {
    /** Append the message. */
    int PASS = 0;
    /** Do not append it; the producer is told it was dropped ({@link Publisher#DROPPED}). */
    int DROP = 1;
    /** Refuse the publish call; the producer gets {@link ErrorCode#REJECTED}. */
    int REJECT = 2;

    /**
     * @param topic the topic
     * @param key the stream key (read-only view, position to limit)
     * @param headers the header block (read-only view; empty for none)
     * @param payload the payload (read-only view)
     * @return {@link #PASS}, {@link #DROP} or {@link #REJECT}
     */
    int onPublish(String topic, ByteBuffer key, ByteBuffer headers, ByteBuffer payload);
}
