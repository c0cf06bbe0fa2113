package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.MessageHeaders;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.client.protocol.Frame;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Publishing.AckStatus;
import io.memorystreamer.multiplexing.StreamKeys;
import io.memorystreamer.multiplexing.TopicSettings;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One PRODUCE request between its validation and its answer. Its messages are published one by
 * one from views over the received frame (no copy before the broker's inbox); the frame is held
 * until the last message is handed over. Each published message reports back on a broker writer
 * thread ({@link #published}, {@link #failed}); when the last of them (and any duplicate waiting
 * for an original request, see {@link Dependent}) has reported, the request hops to its event loop
 * and is answered: PRODUCE_ACK with one ack per message, or ERROR when something failed after
 * validation.
 *
 * <p>All or nothing: {@link #validate} checks every message against the broker's rules before the
 * first is published, so a bad key, header block or size refuses the whole request untouched. Two
 * refusals can only come from the broker once publishing started, since {@link Publisher} has no
 * all-or-nothing call over several views: an interceptor that rejects message k > 0, or a change
 * of the topic (deleted, or its limit lowered within the {@link TopicCache}'s second) between
 * validation and publishing. The request is then answered with that error and the messages before
 * k stay written (an idempotent producer's resend gets DUPLICATE for them).
 *
 * <p>Threading: created, published and finished on its connection's event loop; {@link #published},
 * {@link #failed} and {@link #resolveDuplicate} come from any thread. {@link #remaining} counts what
 * has yet to report, plus one held by the publishing loop until every message is handed over (or
 * abandoned), so the answer never precedes the publishing. {@link #offsets} entries are written by
 * reporting threads before their decrement of {@link #remaining}, and read after its last one.
 */
final class PendingProduce {
    /** Verdict: the message is written. */
    static final byte WRITE = 0;
    /** Verdict: a resend of a message already written; its offset is in {@link #offsets}. */
    static final byte DUPLICATE = 1;
    /** Verdict: a resend of a message whose request is still in flight; answered when that one is. */
    static final byte AWAIT_ORIGINAL = 2;
    /** Offset of a message not (yet) written. */
    static final long NOT_WRITTEN = Long.MIN_VALUE;
    /** Offset of a message the broker failed. */
    static final long FAILED = Long.MIN_VALUE + 1;

    private static final AtomicReferenceFieldUpdater<PendingProduce, BrokerException> FAILURE =
            AtomicReferenceFieldUpdater.newUpdater(PendingProduce.class, BrokerException.class, "failure");

    final Connection connection;
    final long correlationId;
    final String topic;
    final long producerId;
    final int count;
    /** Per message: its stream offset once written, {@link Publishing#DROPPED_OFFSET}, or one of the sentinels above. */
    final long[] offsets;
    final AtomicInteger remaining = new AtomicInteger(1);
    private volatile BrokerException failure;

    // event loop only
    final Publishing.Produce.Cursor cursor;
    private Frame frame;
    private ByteBuffer keyView;
    private ByteBuffer headersView;
    private ByteBuffer payloadView;
    private boolean haveCurrent;
    private LoopPublisher publisher;
    private int slot = -1;
    private long retryDelayNanos;

    // idempotence (set by Producers.reserve; dependents guarded by the producer's monitor)
    Producers.ProducerState producer;
    Producers.StreamSeq[] streams;
    long[] sequences;
    byte[] verdicts;
    List<Dependent> dependents;

    /**
     * @param connection the connection it came on
     * @param correlationId its correlation id
     * @param produce its body (a view over {@code frame})
     * @param frame the frame, retained here until every message is published
     */
    PendingProduce(Connection connection, long correlationId, Publishing.Produce produce, Frame frame) {
        this.connection = connection;
        this.correlationId = correlationId;
        this.topic = produce.topic();
        this.producerId = produce.producerId();
        this.count = produce.count();
        this.offsets = new long[count];
        Arrays.fill(offsets, NOT_WRITTEN);
        this.cursor = produce.cursor();
        this.frame = frame.retain();
        ByteBuffer whole = produce.messages().nioBuffer(0, produce.messages().capacity());
        this.keyView = whole;
        this.headersView = whole.duplicate();
        this.payloadView = whole.duplicate();
    }

    /**
     * Event loop: checks every message against the broker's rules before anything is published,
     * so that a bad message refuses the whole request: the stream key, the header block, and the
     * size against the topic's limit.
     *
     * @param settings the topic's settings
     * @return null when every message is valid, else why the request is refused (naming the first culprit)
     */
    Producers.Refusal validate(TopicSettings settings) {
        int limit = settings.maxMessageSize();
        cursor.reset();
        try {
            while (cursor.next()) {
                int i = cursor.index();
                position();
                if (!StreamKeys.isValid(keyView)) {
                    String why = "not a valid stream key";
                    try {
                        StreamKeys.requireValid(keyView);
                    } catch (IllegalArgumentException e) {
                        why = e.getMessage();
                    }
                    return new Producers.Refusal(ProtocolError.INVALID_REQUEST, "message " + i + " of " + count + " has an invalid stream key: "
                            + why + "; nothing of the request was written");
                }
                if (headersView.hasRemaining()) {
                    String problem = MessageHeaders.problem(headersView);
                    if (problem != null) {
                        return new Producers.Refusal(ProtocolError.INVALID_REQUEST, "message " + i + " of " + count + " has " + problem
                                + "; nothing of the request was written");
                    }
                }
                long size = (long) cursor.keyLength() + cursor.headersLength() + cursor.payloadLength();
                if (size > limit) {
                    return new Producers.Refusal(ProtocolError.MESSAGE_TOO_LARGE, "message " + i + " of " + count + " has " + size
                            + " bytes (key, headers and payload); topic '" + topic + "' takes at most " + limit
                            + "; nothing of the request was written");
                }
            }
            return null;
        } finally {
            cursor.reset();
        }
    }

    private void position() {
        view(keyView, cursor.keyIndex(), cursor.keyLength());
        view(headersView, cursor.headersIndex(), cursor.headersLength());
        view(payloadView, cursor.payloadIndex(), cursor.payloadLength());
    }

    private static void view(ByteBuffer view, int index, int length) {
        view.limit(index + length).position(index);
    }

    /** Event loop: the request was refused before anything was published; lets go of the frame. */
    void discard() {
        if (frame != null) {
            frame.release();
            frame = null;
            keyView = null;
            headersView = null;
            payloadView = null;
        }
    }

    /**
     * Event loop: counts what must report before the answer and takes a slot for the tokens.
     *
     * @param loopPublisher the event loop's publisher
     */
    void prepare(LoopPublisher loopPublisher) {
        int awaited = 0;
        for (int i = 0; i < count; i++) {
            byte verdict = verdicts == null ? WRITE : verdicts[i];
            if (verdict == WRITE || verdict == AWAIT_ORIGINAL) {
                awaited++;
            }
        }
        remaining.addAndGet(awaited);
        this.publisher = loopPublisher;
        this.slot = loopPublisher.register(this);
        cursor.reset();
        haveCurrent = false;
    }

    /**
     * Event loop: publishes messages from where it stopped.
     *
     * @return true when every message was handed over (or the rest abandoned after an error);
     *     false when the broker is back-pressured: call again later
     */
    boolean publish() {
        Publisher target = publisher.publisher();
        while (true) {
            if (!haveCurrent) {
                if (!cursor.next()) {
                    break;
                }
                haveCurrent = true;
            }
            int index = cursor.index();
            if (verdicts != null && verdicts[index] != WRITE) {
                haveCurrent = false;
                continue;
            }
            position();
            int result;
            try {
                result = target.publish(topic, keyView, headersView, payloadView, LoopPublisher.token(slot, index));
            } catch (BrokerException e) {
                abandon(index, e);
                return true;
            } catch (RuntimeException e) {
                abandon(index, new BrokerException(ErrorCode.STORAGE_FAILURE, "publishing failed: " + e, e));
                return true;
            }
            if (result == Publisher.BACK_PRESSURED) {
                return false;
            }
            retryDelayNanos = 0;
            haveCurrent = false;
        }
        handedOver();
        return true;
    }

    /** @return how long to wait before the next attempt while back-pressured (doubling from 50 µs to 10 ms) */
    long nextRetryDelayNanos() {
        retryDelayNanos = retryDelayNanos == 0 ? 50_000 : Math.min(retryDelayNanos * 2, 10_000_000);
        return retryDelayNanos;
    }

    /**
     * Event loop: gives up on the messages not yet handed over (an error, or the connection closed
     * while back-pressured); those before were published and still report.
     *
     * @param from the first message not handed over
     * @param why the error the request is answered with
     */
    void abandon(int from, BrokerException why) {
        recordFailure(why);
        int unpublished = 0;
        for (int i = from; i < count; i++) {
            if (verdicts == null || verdicts[i] == WRITE) {
                unpublished++;
            }
        }
        remaining.addAndGet(-unpublished);
        handedOver();
    }

    /** @return the first message not handed over yet (while back-pressured) */
    int firstUnpublished() {
        return haveCurrent ? cursor.index() : count;
    }

    private void handedOver() {
        discard();
        settle();
    }

    /** Writer thread: message {@code index} is durable at {@code streamOffset} (or dropped). */
    void published(int index, long streamOffset) {
        offsets[index] = streamOffset;
        settle();
    }

    /** Writer thread: message {@code index} failed after it was accepted. */
    void failed(int index, BrokerException error) {
        offsets[index] = FAILED;
        recordFailure(error);
        settle();
    }

    /**
     * Any thread: the original of duplicate {@code index} completed.
     *
     * @param index the duplicate's index in this request
     * @param streamOffset the original's offset ({@link Publishing#UNKNOWN_OFFSET} when not known)
     * @param error the original's failure, or null
     */
    void resolveDuplicate(int index, long streamOffset, BrokerException error) {
        if (error != null) {
            offsets[index] = FAILED;
            recordFailure(error);
        } else {
            offsets[index] = streamOffset;
        }
        settle();
    }

    private void recordFailure(BrokerException error) {
        FAILURE.compareAndSet(this, null, error);
    }

    private void settle() {
        if (remaining.decrementAndGet() == 0) {
            connection.runOnLoop(this::finish);
        }
    }

    /** Guarded by the producer's monitor: a duplicate in another request waits for this one. */
    void addDependent(Dependent dependent) {
        if (dependents == null) {
            dependents = new ArrayList<>(2);
        }
        dependents.add(dependent);
    }

    /** Event loop (or the caller's thread when the loop has stopped): every message reported. */
    private void finish() {
        if (slot >= 0) {
            publisher.release(slot);
            slot = -1;
        }
        List<Dependent> waiting = producer == null ? List.of() : connection.server().producers().complete(this);
        connection.server().produceEnded();
        connection.produceFinished(this);
        BrokerException error = failure;
        for (Dependent dependent : waiting) {
            long offset = Publishing.UNKNOWN_OFFSET;
            BrokerException originalError = null;
            int original = indexOf(dependent.stream, dependent.sequence);
            if (original >= 0) {
                long value = offsets[original];
                if (value >= 0) {
                    offset = value;
                } else if (value < Publishing.DROPPED_OFFSET) {
                    originalError = error != null ? error
                            : new BrokerException(ErrorCode.CLOSED, "the original of this resend was not written; send it again");
                }
            }
            dependent.request.resolveDuplicate(dependent.index, offset, originalError);
        }
    }

    private int indexOf(Producers.StreamSeq stream, long sequence) {
        for (int i = 0; i < count; i++) {
            if (streams[i] == stream && sequences[i] == sequence && verdicts[i] == WRITE) {
                return i;
            }
        }
        return -1;
    }

    /** @return the failure the request is answered with, or null for a PRODUCE_ACK */
    BrokerException failure() {
        return failure;
    }

    /**
     * @param index a message's index
     * @return its ack status (only when the request did not fail)
     */
    AckStatus status(int index) {
        byte verdict = verdicts == null ? WRITE : verdicts[index];
        if (verdict != WRITE) {
            return AckStatus.DUPLICATE;
        }
        return offsets[index] == Publishing.DROPPED_OFFSET ? AckStatus.DROPPED : AckStatus.WRITTEN;
    }

    /**
     * A resend waiting for the request that holds its original.
     *
     * @param request the resend's request
     * @param index the resend's index in it
     * @param stream the stream
     * @param sequence the sequence
     */
    record Dependent(PendingProduce request, int index, Producers.StreamSeq stream, long sequence) {
    }
}
