package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.RecordAck;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One topic's path through a producer: the batch being filled, the sealed batches waiting to be
 * sent, and (on the event loop) the producer id, the sequence numbers of each stream key, and the
 * batches in flight, waiting to be retried, or held for a new producer id.
 *
 * <pre>
 *  send() ──► open batch ──(full, linger, flush)──► sealed ──► in flight ──ack──► futures
 *                                                      ▲           │ retriable failure
 *                                                      └── retry ◄─┘ (same sequences, back-off)
 * </pre>
 *
 * <h2>Sequences and the producer id</h2>
 * A batch gets its sequence numbers when first sent and keeps them for every retry, so the broker
 * acknowledges a resend of what it already wrote as DUPLICATE. Retries go out in batch order, before
 * any new batch. An OUT_OF_ORDER_SEQUENCE answer means nothing of that request was written: it is
 * retried after the earlier batch it waited for. When a batch fails for good after it got its
 * sequences, later batches of the same keys would find a gap: unless nothing else is outstanding
 * (then the sequences are rolled back when nothing was written), the pipeline <i>resets</i>: it
 * sends nothing new, lets every batch in flight resolve (the ones refused for the gap are held,
 * known unwritten), then takes a new producer id and numbers the held batches afresh from 0. So
 * the reset writes nothing twice. UNKNOWN_PRODUCER (the broker forgot the id) resets too; there a
 * batch written before the broker forgot may be written again.
 *
 * <p>Threads: {@link #append} runs on application threads under {@link #lock}, which guards
 * {@link #open} and {@link #sealed}; everything else runs on the client's event loop.
 */
final class TopicPipeline {
    private static final System.Logger LOG = System.getLogger(TopicPipeline.class.getName());
    /** The bytes a PRODUCE frame's length counts besides its messages and topic: header 16, topic length 2, producer id 8, count 4, CRC 4. */
    static final int PRODUCE_FRAME_OVERHEAD = 16 + 2 + 8 + 4 + 4;

    private final ProducerImpl producer;
    private final ClientCore core;
    final String topic;
    private final int topicBytes;
    private final boolean idempotent;
    private final AtomicBoolean drainRequested = new AtomicBoolean();

    // Guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private RecordBatch open;
    private final ArrayDeque<RecordBatch> sealed = new ArrayDeque<>();
    private boolean dead;

    // Event-loop state.
    private long producerId;
    private boolean initInFlight;
    private int initAttempts;
    private boolean resetPending;
    private final Map<String, Long> nextSequence = new HashMap<>();
    private final TreeMap<Long, RecordBatch> outstanding = new TreeMap<>();
    private final TreeMap<Long, RecordBatch> retryReady = new TreeMap<>();
    private final TreeMap<Long, RecordBatch> held = new TreeMap<>();
    private int inFlight;
    /**
     * Failed batches wait in {@link #retryReady} (by batch id) until this time (System.nanoTime),
     * then go out in batch order. One shared deadline, not one timer per batch: a batch that
     * failed later with a shorter back-off must never overtake an earlier one (its records would
     * land out of order).
     */
    private long retryNotBefore;
    private boolean retryScheduled;

    TopicPipeline(ProducerImpl producer, String topic, int topicBytes) {
        this.producer = producer;
        this.core = producer.core;
        this.topic = topic;
        this.topicBytes = topicBytes;
        this.idempotent = producer.config.idempotence();
    }

    // ------------------------------------------------------------------ application threads

    /**
     * Appends a record (its room in the buffer is already taken).
     *
     * @return false when the pipeline is closed (the caller gives the room back and fails the future)
     */
    boolean append(String key, byte[] keyBytes, byte[] headers, byte[] payloadArray, ByteBuffer payloadBuffer, int messageBytes,
            CompletableFuture<RecordAck> future) {
        boolean drainNow;
        RecordBatch created = null;
        lock.lock();
        try {
            if (dead) {
                return false;
            }
            int limit = batchLimit();
            RecordBatch batch = open;
            boolean sealedOne = false;
            if (batch != null && batch.bytes() + messageBytes > limit) {
                sealOpen();
                batch = null;
                sealedOne = true;
            }
            if (batch == null) {
                ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(Math.max(messageBytes, Math.min(limit, 4096)));
                batch = new RecordBatch(producer.nextBatchId(), topic, buffer);
                open = batch;
                created = batch;
                producer.incomplete.add(batch);
            }
            ByteBuf out = batch.messages;
            int sequenceIndex = out.writerIndex();
            out.writeLong(0);
            out.writeInt(keyBytes.length).writeBytes(keyBytes);
            out.writeInt(headers.length).writeBytes(headers);
            if (payloadBuffer != null) {
                out.writeInt(payloadBuffer.remaining());
                out.writeBytes(payloadBuffer.duplicate());
            } else if (payloadArray != null) {
                out.writeInt(payloadArray.length).writeBytes(payloadArray);
            } else {
                out.writeInt(0);
            }
            batch.entries.add(new RecordBatch.Entry(key, sequenceIndex, future));
            batch.budgetBytes += messageBytes;
            if (batch.bytes() >= limit) {
                sealOpen();
                sealedOne = true;
            }
            drainNow = sealedOne || producer.lingerNanos == 0;
        } finally {
            lock.unlock();
        }
        if (drainNow) {
            requestDrain();
        } else if (created != null) {
            RecordBatch batch = created;
            try {
                core.loop().schedule(() -> lingerExpired(batch), producer.lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                requestDrain();
            }
        }
        return true;
    }

    /** Seals the open batch, if any, and has the event loop send it. Any thread. */
    void flush() {
        lock.lock();
        try {
            if (open != null) {
                sealOpen();
            }
        } finally {
            lock.unlock();
        }
        requestDrain();
    }

    private int batchLimit() {
        return Math.max(1, Math.min(producer.config.batchBytes(), core.maxFrameBytes() - PRODUCE_FRAME_OVERHEAD - topicBytes));
    }

    private void sealOpen() {
        sealed.add(open);
        open = null;
    }

    /** @return the next sealed batch; with no linger, the open batch is sealed as it is taken */
    private RecordBatch pollSealed() {
        lock.lock();
        try {
            if (sealed.isEmpty() && producer.lingerNanos == 0 && open != null) {
                sealOpen();
            }
            return sealed.poll();
        } finally {
            lock.unlock();
        }
    }

    void requestDrain() {
        if (drainRequested.compareAndSet(false, true)) {
            if (!core.onLoop(() -> {
                drainRequested.set(false);
                drain();
            })) {
                drainRequested.set(false);
            }
        }
    }

    // ------------------------------------------------------------------ event loop

    private void lingerExpired(RecordBatch batch) {
        lock.lock();
        try {
            if (open == batch) {
                sealOpen();
            }
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** Sends what may be sent: retries first, in batch order, then sealed batches. Event loop. */
    void drain() {
        if (producer.hardClosed) {
            return;
        }
        if (idempotent && producerId == 0) {
            if (!initInFlight && (hasSealed() || !retryReady.isEmpty())) {
                initProducer();
            }
            return;
        }
        int max = producer.config.maxInFlightPerTopic();
        while (inFlight < max && !resetPending) {
            RecordBatch batch;
            if (!retryReady.isEmpty()) {
                long wait = retryNotBefore - System.nanoTime();
                if (wait > 0) {
                    scheduleRetry(wait);
                    break;
                }
                RecordBatch first = retryReady.firstEntry().getValue();
                if (!first.finished && !outstanding.isEmpty() && outstanding.firstKey() < first.id) {
                    break; // an earlier batch is still in flight: it resolves first, whatever happens to it
                }
                batch = retryReady.pollFirstEntry().getValue();
                if (batch.finished) {
                    continue;
                }
            } else {
                batch = pollSealed();
            }
            if (batch == null) {
                break;
            }
            send(batch);
        }
        if (resetPending && inFlight == 0) {
            // Everything unresolved is renumbered under the new producer id, in batch order.
            for (RecordBatch waiting : retryReady.values()) {
                if (!waiting.finished) {
                    held.put(waiting.id, waiting);
                }
            }
            retryReady.clear();
            completeReset();
        }
    }

    private boolean hasSealed() {
        lock.lock();
        try {
            return !sealed.isEmpty() || (producer.lingerNanos == 0 && open != null);
        } finally {
            lock.unlock();
        }
    }

    private void initProducer() {
        initInFlight = true;
        core.request(new FrameBody.Empty(Protocol.INIT_PRODUCER)).whenComplete((body, failure) -> {
            initInFlight = false;
            if (producer.hardClosed) {
                return;
            }
            if (failure == null) {
                producerId = ((Publishing.ProducerId) body).producerId();
                initAttempts = 0;
                nextSequence.clear();
                LOG.log(Level.DEBUG, () -> "producer id " + producerId + " for topic " + topic);
                drain();
                return;
            }
            ClientException e = ClientCore.unwrap(failure);
            initAttempts++;
            if (e.isRetriable() && initAttempts <= producer.config.retries()) {
                core.loop().schedule(this::drain, producer.retryDelayNanos(initAttempts), TimeUnit.NANOSECONDS);
                return;
            }
            initAttempts = 0;
            ClientException failed = new ClientException(e.code(), "no idempotent producer id for topic " + topic + ": " + e.detail(), e);
            for (RecordBatch batch : new ArrayList<>(retryReady.values())) {
                finish(batch, null, failed);
            }
            retryReady.clear();
            RecordBatch batch;
            while ((batch = pollSealed()) != null) {
                finish(batch, null, failed);
            }
        });
    }

    private void send(RecordBatch batch) {
        if (!batch.sequenced) {
            assignSequences(batch);
        }
        batch.attempts++;
        inFlight++;
        outstanding.put(batch.id, batch);
        long pid = idempotent ? producerId : Publishing.NOT_IDEMPOTENT;
        core.request(new ProduceRequest(topic, pid, batch), null).whenComplete((body, failure) -> onAnswer(batch, body, failure));
    }

    private void assignSequences(RecordBatch batch) {
        if (idempotent) {
            for (RecordBatch.Entry entry : batch.entries) {
                long sequence = nextSequence.getOrDefault(entry.key, 0L);
                nextSequence.put(entry.key, sequence + 1);
                batch.messages.setLong(entry.sequenceIndex, sequence);
            }
        }
        batch.sequenced = true;
    }

    private void onAnswer(RecordBatch batch, FrameBody body, Throwable failure) {
        inFlight--;
        if (batch.finished) {
            drain();
            return;
        }
        ClientException error;
        if (failure == null) {
            List<Publishing.Ack> acks = ((Publishing.ProduceAck) body).acks();
            if (acks.size() == batch.count()) {
                finish(batch, acks, null);
                drain();
                return;
            }
            error = new ClientException(ClientException.PROTOCOL_VIOLATION, "the broker acknowledged " + acks.size() + " of the " + batch.count()
                    + " records of a PRODUCE to " + topic);
        } else {
            error = ClientCore.unwrap(failure);
        }
        int code = error.code();
        boolean triesLeft = batch.attempts <= producer.config.retries();
        boolean sequenceTrouble = code == ProtocolError.UNKNOWN_PRODUCER.code() || code == ProtocolError.OUT_OF_ORDER_SEQUENCE.code();
        if (idempotent && sequenceTrouble && triesLeft) {
            if (code == ProtocolError.OUT_OF_ORDER_SEQUENCE.code() && !resetPending && outstanding.firstKey() < batch.id) {
                // An earlier batch is unresolved (failed, being retried): this one follows it.
                retryLater(batch, error);
            } else {
                // Nothing of it was written: keep it for the new producer id.
                hold(batch);
                resetPending = true;
            }
        } else if (error.isRetriable() && triesLeft) {
            retryLater(batch, error);
        } else {
            outstanding.remove(batch.id);
            if (idempotent) {
                if (definitelyUnwritten(code) && outstanding.isEmpty()) {
                    rollBack(batch);
                } else {
                    resetPending = true;
                }
            }
            finish(batch, null, error);
        }
        drain();
    }

    private static boolean definitelyUnwritten(int code) {
        return code == ProtocolError.INVALID_REQUEST.code() || code == ProtocolError.UNKNOWN_TOPIC.code()
                || code == ProtocolError.MESSAGE_TOO_LARGE.code() || code == ProtocolError.REJECTED.code()
                || code == ProtocolError.FRAME_TOO_LARGE.code() || code == ClientException.INVALID_ARGUMENT;
    }

    /** Gives a failed batch's sequences back: nothing of it was written and nothing after it is numbered. */
    private void rollBack(RecordBatch batch) {
        Map<String, Long> first = new HashMap<>();
        for (RecordBatch.Entry entry : batch.entries) {
            first.putIfAbsent(entry.key, batch.messages.getLong(entry.sequenceIndex));
        }
        nextSequence.putAll(first);
    }

    private void retryLater(RecordBatch batch, ClientException error) {
        batch.lastError = error;
        long delay = producer.retryDelayNanos(batch.attempts);
        LOG.log(Level.DEBUG, () -> "retrying " + batch + " in " + delay / 1_000_000 + " ms after " + error.getMessage());
        retryNotBefore = Math.max(retryNotBefore, System.nanoTime() + delay);
        retryReady.put(batch.id, batch);
    }

    private void scheduleRetry(long delayNanos) {
        if (retryScheduled) {
            return;
        }
        retryScheduled = true;
        core.loop().schedule(() -> {
            retryScheduled = false;
            drain();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void hold(RecordBatch batch) {
        held.put(batch.id, batch);
    }

    private void completeReset() {
        resetPending = false;
        LOG.log(Level.DEBUG, () -> "topic " + topic + ": new producer id after a gap in the sequences; " + held.size() + " batch(es) renumbered");
        producerId = 0;
        nextSequence.clear();
        for (RecordBatch batch : held.values()) {
            batch.sequenced = false;
            retryReady.put(batch.id, batch);
        }
        held.clear();
        drain();
    }

    private void finish(RecordBatch batch, List<Publishing.Ack> acks, ClientException error) {
        if (batch.finished) {
            return;
        }
        batch.finished = true;
        outstanding.remove(batch.id);
        producer.budget.release(batch.budgetBytes);
        batch.messages.release();
        core.callback(() -> {
            List<RecordBatch.Entry> entries = batch.entries;
            for (int i = 0; i < entries.size(); i++) {
                RecordBatch.Entry entry = entries.get(i);
                if (acks != null) {
                    Publishing.Ack ack = acks.get(i);
                    entry.future.complete(new RecordAck(topic, entry.key, ack.streamOffset(), status(ack.status())));
                } else {
                    entry.future.completeExceptionally(error);
                }
            }
            batch.done.complete(null);
            // Only now: flush() waits for the batches still incomplete, and must not return before
            // their records' futures are complete.
            producer.incomplete.remove(batch);
        });
    }

    private static RecordAck.Status status(Publishing.AckStatus status) {
        switch (status) {
            case DUPLICATE:
                return RecordAck.Status.DUPLICATE;
            case DROPPED:
                return RecordAck.Status.DROPPED;
            default:
                return RecordAck.Status.WRITTEN;
        }
    }

    /** Fails everything not yet acknowledged (on close). Event loop. */
    void abandon(ClientException error) {
        List<RecordBatch> left = new ArrayList<>();
        lock.lock();
        try {
            dead = true;
            if (open != null) {
                left.add(open);
                open = null;
            }
            left.addAll(sealed);
            sealed.clear();
        } finally {
            lock.unlock();
        }
        left.addAll(retryReady.values());
        left.addAll(held.values());
        left.addAll(outstanding.values());
        retryReady.clear();
        held.clear();
        for (RecordBatch batch : left) {
            finish(batch, null, error);
        }
    }
}
