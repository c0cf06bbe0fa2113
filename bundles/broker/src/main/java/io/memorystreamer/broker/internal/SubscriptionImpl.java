package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.wal.RecordView;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every subscription shares: credit, counters, the handler and the reused
 * {@link MessageView}, and the closed flag. Subclasses read the log ({@link #pollRecords}).
 *
 * <p>Threading: {@link #grant}, {@link #close} and the getters are for any thread. Everything else
 * ({@link #poll}, {@link #deliver}, {@link #tick}, {@link #release} and the subclasses' cursors)
 * runs on the delivery thread alone, the single owner of a subscription's read state. Credit is
 * taken once per poll, not per message: the delivery thread reads the credit, delivers at most that
 * many messages, then subtracts what it delivered (only grants add, so it never goes negative).
 *
 * <p>Invariant: a message reaches the handler only while the subscription is open and has credit;
 * once {@link #isClosed()} is true no handler call starts (one in progress finishes).
 */
abstract class SubscriptionImpl implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionImpl.class);
    /** The most messages one poll delivers, so that one subscription cannot starve the others. */
    static final int MAX_MESSAGES_PER_POLL = 256;

    final DeliveryService service;
    final Topic topic;
    final String topicName;
    private final MessageHandler handler;
    private final MessageView view = new MessageView();
    private final AtomicLong credit;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    // delivery thread only
    private int budget;
    private int used;
    private boolean warned;

    SubscriptionImpl(DeliveryService service, Topic topic, MessageHandler handler, long initialCredit) {
        this.service = service;
        this.topic = topic;
        this.topicName = topic.name();
        this.handler = handler;
        this.credit = new AtomicLong(initialCredit);
    }

    @Override
    public void grant(long messages) {
        if (messages < 0) {
            throw new IllegalArgumentException("credit granted is 0 or more, not " + messages);
        }
        if (messages == 0) {
            return;
        }
        long before;
        long after;
        do {
            before = credit.get();
            after = before + messages < 0 ? Long.MAX_VALUE : before + messages;
        } while (!credit.compareAndSet(before, after));
        if (before <= 0) {
            service.wake();
        }
    }

    @Override
    public long credit() {
        return credit.get();
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    /** @return how many times the handler threw */
    long handlerFailures() {
        return failures.get();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Stops delivery; once this returns, the handler is not called again (unless called from the handler itself). */
    @Override
    public void close() {
        markClosed();
        service.awaitCycle();
    }

    /**
     * Sets the closed flag (any thread); the delivery thread stops at the next message and
     * releases the subscription on its next pass.
     *
     * @return whether this call closed it
     */
    final boolean markClosed() {
        boolean first = closed.compareAndSet(false, true);
        if (first) {
            service.wake();
        }
        return first;
    }

    /** Delivery thread: one turn of this subscription. @return work done (0 when idle) */
    final int poll() {
        if (closed.get()) {
            return 0;
        }
        if (topic.closed) {
            markClosed();
            return 0;
        }
        long available = credit.get();
        if (available <= 0) {
            return 0;
        }
        budget = (int) Math.min(available, MAX_MESSAGES_PER_POLL);
        used = 0;
        int work = pollRecords();
        if (used > 0) {
            credit.addAndGet(-used);
        }
        return work + used;
    }

    /**
     * Delivery thread: reads the log and calls {@link #deliver} for each message to deliver,
     * checking {@link #canDeliver()} before each.
     *
     * @return work done besides delivering (frames read), 0 when nothing new
     */
    abstract int pollRecords();

    /** Delivery thread: whether one more message may be delivered in this poll. */
    final boolean canDeliver() {
        return used < budget && !closed.get();
    }

    /** Delivery thread: @return how many more messages this poll may deliver */
    final int remaining() {
        return closed.get() ? 0 : budget - used;
    }

    /** Delivery thread: hands one record to the handler through the reused view. */
    final void deliver(int shardIndex, RecordView record, int laneId) {
        used++;
        view.wrap(topicName, shardIndex, record.position(), record.streamOffset(), record.timestamp(), record.buffer(),
                record.keyOffset(), record.keyLength(), record.headersOffset(), record.headersLength(), record.payloadOffset(),
                record.payloadLength()).at(laneId, record.indexInFrame());
        try {
            handler.onMessage(view);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            failures.incrementAndGet();
            if (!warned) {
                warned = true;
                LOG.warn("The handler of {} threw on {} (counted; the message counts as delivered; further failures of this "
                        + "subscription are only counted)", this, view, t);
            }
        }
        delivered.lazySet(delivered.get() + 1);
    }

    /** Delivery thread: called every few milliseconds (waiting for a stream, heartbeats). */
    void tick(long nowNanos) {
        // nothing by default
    }

    /** Delivery thread: the subscription is closed and removed from the delivery thread; drop cursors. */
    void release() {
        // nothing by default
    }
}
