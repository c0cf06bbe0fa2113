package io.memorystreamer.client;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishes records to topics, asynchronously, in batches. Obtained from
 * {@link MemoryStreamerClient#producer(ProducerConfig)}.
 *
 * <pre>{@code
 * try (Producer producer = client.producer(ProducerConfig.defaults())) {
 *     CompletableFuture<RecordAck> ack = producer.send("orders", "customer-42",
 *             Map.of("trace", "abc"), "{\"total\": 12}".getBytes(StandardCharsets.UTF_8));
 *     ack.thenAccept(a -> System.out.println("offset " + a.streamOffset()));
 *     producer.flush();               // every record sent so far is acknowledged or failed
 * }
 * }</pre>
 *
 * <h2>Batching</h2>
 * Records of one topic are gathered into a batch, sent as one PRODUCE request when it reaches
 * {@link ProducerConfig#batchBytes()} or has waited {@link ProducerConfig#linger()}, or at
 * {@link #flush()}. Up to {@link ProducerConfig#maxInFlightPerTopic()} batches of a topic await
 * their acknowledgement at once.
 *
 * <h2>Idempotence and retries</h2>
 * An idempotent producer (the default) asks the broker for a producer id (one per topic, kept
 * across reconnects) and numbers each stream key's records from 0. A batch that fails with a
 * retriable error (the connection was lost, the request timed out, the broker answered
 * {@code BACK_PRESSURED}) is sent again with the same numbers, up to {@link ProducerConfig#retries()}
 * times with exponential back-off, so a record whose acknowledgement was lost is written once: the
 * broker acknowledges the resend as a {@link RecordAck.Status#DUPLICATE}. Records of one stream are
 * written in the order of their {@code send} calls, retries included. When a batch fails for good,
 * its futures fail and the producer takes a new producer id for the topic before sending the
 * batches after it, so the gap it leaves never blocks them. If the broker forgets the producer id
 * ({@code UNKNOWN_PRODUCER}, after a long idle time or a broker that keeps no state), the producer
 * takes a new one; records in flight at that moment may then be written twice. Without
 * idempotence, a retry may write a record twice and may reorder a stream.
 *
 * <h2>Back-pressure</h2>
 * Records take room in a buffer of {@link ProducerConfig#bufferBytes()} from {@code send} until
 * their batch is acknowledged or fails. When it is full, {@code send} blocks the caller for up to
 * {@link ProducerConfig#maxBlock()} for room, then returns a future failed with
 * {@link ClientException#BUFFER_FULL} ({@link ClientException#isBackPressure()}); with a
 * {@code maxBlock} of zero it fails at once. Memory never grows beyond the bound, whatever the
 * broker's pace.
 *
 * <h2>Threading</h2>
 * Thread-safe: any number of threads may send at once. {@code send} copies the key, headers and
 * payload before it returns, so the caller may reuse its arrays and buffers. The returned futures
 * are completed on the client's callback thread, never on the Netty event loop; a callback should
 * be quick, and must not call {@link #flush()} or wait for another future of this client (that
 * would wait for itself). {@code send} may block (when the buffer is full), so do not call it
 * from the Netty event loop either.
 */
@ProviderType
public interface Producer extends AutoCloseable {
    /**
     * Sends a record.
     *
     * @param topic the topic
     * @param key the stream key: 1 to 255 bytes of UTF-8
     * @param headers the record's headers, names (1 to 255 bytes of UTF-8, no control characters) to
     *     values (UTF-8), in iteration order; null or empty for none
     * @param payload the payload (copied), or null for an empty one
     * @return completed with the acknowledgement once the record is durable as its topic promises,
     *     or failed with a {@link ClientException}: the broker's refusal (such as
     *     {@code UNKNOWN_TOPIC}, {@code MESSAGE_TOO_LARGE}, {@code REJECTED}), the last retriable
     *     failure once the retries are spent, {@link ClientException#BUFFER_FULL},
     *     {@link ClientException#INVALID_ARGUMENT} for a key or header the wire cannot carry, or
     *     {@link ClientException#CLIENT_CLOSED}
     */
    CompletableFuture<RecordAck> send(String topic, String key, Map<String, String> headers, byte[] payload);

    /**
     * Sends a record whose payload is the remaining bytes of a buffer (copied; its position and
     * limit do not move).
     *
     * @param topic the topic
     * @param key the stream key: 1 to 255 bytes of UTF-8
     * @param headers the record's headers, or null for none
     * @param payload the payload, or null for an empty one
     * @return as {@link #send(String, String, Map, byte[])}
     */
    CompletableFuture<RecordAck> send(String topic, String key, Map<String, String> headers, ByteBuffer payload);

    /**
     * Sends a record without headers.
     *
     * @param topic the topic
     * @param key the stream key
     * @param payload the payload (copied)
     * @return as {@link #send(String, String, Map, byte[])}
     */
    default CompletableFuture<RecordAck> send(String topic, String key, byte[] payload) {
        return send(topic, key, null, payload);
    }

    /**
     * Sends every batch at once, without waiting for its linger, and waits until every record sent
     * before this call is acknowledged or has failed (failures are reported by their futures).
     *
     * @throws ClientException {@link ClientException#INTERRUPTED} when the thread is interrupted
     * @throws IllegalStateException when called from a completion callback of this client
     */
    void flush();

    /** @return the bytes of records accepted but not yet acknowledged or failed (what the buffer holds) */
    long bufferedBytes();

    /**
     * Flushes, then closes: later sends fail with {@link ClientException#CLIENT_CLOSED}. Waits for
     * the flush for at most the client's request timeout times the retries; records still
     * unacknowledged then fail with {@link ClientException#CLIENT_CLOSED}.
     */
    @Override
    void close();

    /**
     * Closes, waiting at most {@code timeout} for the records sent so far; records still
     * unacknowledged then fail with {@link ClientException#CLIENT_CLOSED}.
     *
     * @param timeout how long to wait, 0 or more
     */
    void close(Duration timeout);
}
