package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.Publisher;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker {@link Publisher} of one event loop (publishers are single-threaded; each loop owns
 * one), and the listener that maps each outcome back to its request. A request takes a slot in a
 * table for as long as it has messages to hear about; a message's token is its request's slot
 * and its own index:
 *
 * <pre>
 *  token (i64):  | slot (32 bits) | message index in the request (32 bits) |
 * </pre>
 *
 * <p>Threading: {@link #register}, {@link #release} and {@link #publisher()} on the event loop;
 * the listener on broker writer threads. The table is replaced (copied) when it grows and read
 * through a volatile field: a writer thread learns of a message only after the event loop
 * published it into the broker's inbox (a release store), which happens after the slot was set,
 * so it sees the slot's request, in the current table or an older copy that holds it too.
 * Per message, the listener allocates nothing.
 */
final class LoopPublisher implements PublishListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopPublisher.class);

    private final Publisher publisher;
    private volatile PendingProduce[] slots = new PendingProduce[64];
    // event loop only
    private int[] free = new int[64];
    private int freeCount;
    private int used;

    /** @param broker the broker to publish to */
    LoopPublisher(Broker broker) {
        this.publisher = broker.publisher(this);
        for (int i = 63; i >= 0; i--) {
            free[freeCount++] = i;
        }
    }

    /**
     * @param slot a request's slot
     * @param index a message's index in the request
     * @return the token that names them
     */
    static long token(int slot, int index) {
        return (long) slot << 32 | (index & 0xFFFF_FFFFL);
    }

    /** @return the broker's publisher (event loop only) */
    Publisher publisher() {
        return publisher;
    }

    /**
     * Event loop: gives a request a slot until {@link #release}.
     *
     * @param request the request
     * @return its slot
     */
    int register(PendingProduce request) {
        PendingProduce[] table = slots;
        if (freeCount == 0) {
            int size = table.length;
            table = Arrays.copyOf(table, size * 2);
            free = Arrays.copyOf(free, size * 2);
            for (int i = size * 2 - 1; i >= size; i--) {
                free[freeCount++] = i;
            }
        }
        int slot = free[--freeCount];
        table[slot] = request;
        slots = table;
        used++;
        return slot;
    }

    /**
     * Event loop: frees a slot whose request heard about all its messages.
     *
     * @param slot the slot
     */
    void release(int slot) {
        slots[slot] = null;
        free[freeCount++] = slot;
        used--;
    }

    /** @return how many requests hold a slot (tests, diagnostics) */
    int requestsInFlight() {
        return used;
    }

    @Override
    public void onPublished(long token, int index, long streamOffset) {
        PendingProduce request = slots[(int) (token >>> 32)];
        if (request != null) {
            request.published((int) token, streamOffset);
        } else {
            LOG.error("An acknowledgement for token {} matches no request (slot {} is free)", token, token >>> 32);
        }
    }

    @Override
    public void onFailed(long token, int index, BrokerException error) {
        PendingProduce request = slots[(int) (token >>> 32)];
        if (request != null) {
            request.failed((int) token, error);
        } else {
            LOG.error("A failure for token {} matches no request (slot {} is free): {}", token, token >>> 32, error.toString());
        }
    }

    /** Releases the publisher; messages already accepted still report. */
    @Override
    public void close() {
        publisher.close();
    }
}
