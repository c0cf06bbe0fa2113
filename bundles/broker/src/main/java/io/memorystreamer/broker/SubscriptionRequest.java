package io.memorystreamer.broker;

import java.util.Objects;

/**
 * What to subscribe to: one stream ({@link #stream}), a whole topic ({@link #topic}), or the
 * streams whose keys match a pattern ({@link #pattern}, where {@code *} matches one whole segment:
 * {@code orders/*}); where to start; and how many messages the subscriber grants up front.
 *
 * @param topic the topic
 * @param key the stream key for a one-stream subscription, else null
 * @param pattern the key pattern for a pattern subscription, else null
 * @param start where to start
 * @param initialCredit messages the broker may deliver before the subscriber grants more
 */
public record SubscriptionRequest(String topic, String key, String pattern, StartPosition start, long initialCredit) {
    /** Credit that never runs out in practice (for subscribers that do not do flow control). */
    public static final long UNLIMITED = Long.MAX_VALUE / 2;

    /**
     * @param topic the topic
     * @param key a stream key or null
     * @param pattern a pattern or null
     * @param start where to start
     * @param initialCredit initial credit, 0 or more
     */
    public SubscriptionRequest {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(start, "start");
        if (key != null && pattern != null) {
            throw new IllegalArgumentException("a subscription names a stream key or a pattern, not both");
        }
        if (initialCredit < 0) {
            throw new IllegalArgumentException("initial credit is 0 or more, not " + initialCredit);
        }
    }

    /**
     * @param topic the topic
     * @param key the stream key
     * @return a subscription to one stream, from the earliest message, with unlimited credit
     */
    public static SubscriptionRequest stream(String topic, String key) {
        return new SubscriptionRequest(topic, Objects.requireNonNull(key, "key"), null, StartPosition.earliest(), UNLIMITED);
    }

    /**
     * @param topic the topic
     * @return a subscription to every stream of the topic, from the earliest message, with unlimited credit
     */
    public static SubscriptionRequest topic(String topic) {
        return new SubscriptionRequest(topic, null, null, StartPosition.earliest(), UNLIMITED);
    }

    /**
     * @param topic the topic
     * @param pattern the key pattern
     * @return a subscription to the matching streams, from the earliest message, with unlimited credit
     */
    public static SubscriptionRequest pattern(String topic, String pattern) {
        return new SubscriptionRequest(topic, null, Objects.requireNonNull(pattern, "pattern"), StartPosition.earliest(), UNLIMITED);
    }

    /**
     * @param position where to start
     * @return this request starting there
     */
    public SubscriptionRequest from(StartPosition position) {
        return new SubscriptionRequest(topic, key, pattern, position, initialCredit);
    }

    /**
     * @param credit messages granted up front
     * @return this request with that initial credit
     */
    public SubscriptionRequest withCredit(long credit) {
        return new SubscriptionRequest(topic, key, pattern, start, credit);
    }
}
