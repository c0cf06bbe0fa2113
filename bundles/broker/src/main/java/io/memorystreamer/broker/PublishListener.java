package io.memorystreamer.broker;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Learns what became of each message a {@link Publisher} accepted: exactly one call per message,
 * made on a broker thread once the message is durable as its topic's durability promises (never
 * before), or once it failed. Keep it short; it runs on the broker's write path.
 */
@ConsumerType
public interface PublishListener {
    /**
     * @param token what the publisher passed with the call
     * @param index the message's index in its call (0 for a single message)
     * @param streamOffset the offset the message got in its stream, or {@link Publisher#DROPPED}
     *     when an interceptor dropped it
     */
    void onPublished(long token, int index, long streamOffset);

    /**
     * @param token what the publisher passed with the call
     * @param index the message's index in its call
     * @param error why: {@link ErrorCode#CLOSED} when the topic was deleted or the broker closed
     *     before the message was durable, {@link ErrorCode#STORAGE_FAILURE} when the log failed
     */
    void onFailed(long token, int index, BrokerException error);
}
