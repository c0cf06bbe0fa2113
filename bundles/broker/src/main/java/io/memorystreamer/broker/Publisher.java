package io.memorystreamer.broker;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishes messages from one thread. Get one per publishing thread from
 * {@link Broker#publisher(PublishListener)}; its buffers are reused, so publishing allocates
 * nothing once warm.
 *
 * <p>Two ways to publish:
 * <ul>
 * <li>{@link #publish(String, ByteBuffer, ByteBuffer, ByteBuffer, long)} and
 * {@link #publish(String, PublishBatch, long)} answer at once: {@link #ACCEPTED} (the listener will
 * hear about every message) or {@link #BACK_PRESSURED} (nothing was taken; try again later). Bad
 * input throws a {@link BrokerException} and changes nothing.</li>
 * <li>{@link #send} returns a future completed when the message is durable; when back-pressured it
 * waits for room, up to a deadline, on the calling thread (allocates; for tools and tests).</li>
 * </ul>
 *
 * <p>Not thread-safe: one publishing thread at a time.
 */
@ProviderType
public interface Publisher extends AutoCloseable {
    /** The broker took the messages; the listener will hear about each. */
    int ACCEPTED = 0;
    /** The broker took nothing: the topic's writer or a shard's log is behind its bound. */
    int BACK_PRESSURED = 1;
    /** The stream offset reported for a message an interceptor dropped. */
    long DROPPED = -1;

    /**
     * Publishes one message.
     *
     * @param topic the topic
     * @param key the stream key (UTF-8, see the multiplexing bundle's StreamKeys), position to limit
     * @param headers a header block ({@link MessageHeaders}) or null for none
     * @param payload the payload, or null for an empty one
     * @param token passed back to the listener with the outcome
     * @return {@link #ACCEPTED} or {@link #BACK_PRESSURED}
     * @throws BrokerException for an unknown topic, an invalid key or header block, a message over
     *     the topic's limit, or an interceptor's rejection; nothing is published then
     */
    int publish(String topic, ByteBuffer key, ByteBuffer headers, ByteBuffer payload, long token);

    /**
     * Publishes a batch to one topic: all its messages are accepted, or none.
     *
     * @param topic the topic
     * @param batch the messages (not cleared)
     * @param token passed back to the listener, with each message's index in the batch
     * @return {@link #ACCEPTED} or {@link #BACK_PRESSURED}
     * @throws BrokerException as for a single message, naming the message at fault
     */
    int publish(String topic, PublishBatch batch, long token);

    /**
     * Publishes one message and waits for room when back-pressured.
     *
     * @param topic the topic
     * @param key the stream key
     * @param headers headers, or null for none
     * @param payload the payload, or null for an empty one
     * @param maxWait how long to wait for room when back-pressured; zero fails at once
     * @return completed when durable, or exceptionally with a {@link BrokerException} (code
     *     {@link ErrorCode#BACK_PRESSURED} when no room came in time)
     */
    CompletableFuture<PublishReceipt> send(String topic, String key, Map<String, String> headers, byte[] payload, Duration maxWait);

    /** Releases the publisher; messages already accepted still complete. */
    @Override
    void close();
}
