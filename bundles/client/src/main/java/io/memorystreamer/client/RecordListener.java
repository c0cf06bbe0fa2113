package io.memorystreamer.client;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a {@link Consumer}'s records, one at a time, in the order they arrived (each stream's in
 * offset order), on the consumer's own delivery thread: never on the Netty event loop, and never
 * two calls at once for one consumer. Returning from {@link #onRecord} counts the record as
 * consumed, which grants the broker credit for another: a slow listener makes the broker stop
 * sending rather than the client buffering.
 *
 * <pre>{@code
 * Consumer consumer = client.consumer(ConsumerConfig.topic("orders")
 *         .startAt(StartPosition.earliest())
 *         .listener(record -> System.out.println(record.key() + " " + record.streamOffset()))
 *         .build());
 * }</pre>
 *
 * An exception thrown by {@link #onRecord} is logged and the record counts as consumed; delivery
 * goes on with the next one.
 */
@ConsumerType
@FunctionalInterface
public interface RecordListener {
    /**
     * @param record the next record
     */
    void onRecord(ConsumerRecord record);

    /**
     * The subscription ended for good (its topic was deleted, a message too large for a frame, the
     * broker's log failed...), after every record received before the end was passed to
     * {@link #onRecord}. Not called when the consumer is closed.
     *
     * @param reason why, with the broker's code
     */
    default void onEnd(ClientException reason) {
    }
}
