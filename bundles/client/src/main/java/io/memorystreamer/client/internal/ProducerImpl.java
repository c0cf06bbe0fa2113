package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.Producer;
import io.memorystreamer.client.ProducerConfig;
import io.memorystreamer.client.RecordAck;
import io.memorystreamer.client.protocol.Codec;
import io.memorystreamer.client.protocol.ProtocolError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Producer} over the client's connection: checks and encodes each record on the calling
 * thread, into its topic's {@link TopicPipeline}, after taking its room in the bounded buffer;
 * the pipelines send, retry and acknowledge on the event loop; futures complete on the callback
 * thread. Thread-safe.
 */
public final class ProducerImpl implements Producer {
    /** The bytes a message takes in a PRODUCE body besides its key, headers and payload. */
    static final int MESSAGE_OVERHEAD = 8 + 4 + 4 + 4;

    final ClientCore core;
    final ProducerConfig config;
    final MemoryBudget budget;
    final long lingerNanos;
    final Set<RecordBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, TopicPipeline> pipelines = new ConcurrentHashMap<>();
    private final AtomicLong batchIds = new AtomicLong();
    private final long maxBlockNanos;
    private final Runnable onClose;
    volatile boolean closing;
    volatile boolean hardClosed;

    /**
     * @param core the client's connection
     * @param config the producer's settings
     * @param onClose run once closed (the client forgets the producer)
     */
    public ProducerImpl(ClientCore core, ProducerConfig config, Runnable onClose) {
        this.core = core;
        this.config = config;
        this.budget = new MemoryBudget(config.bufferBytes());
        this.lingerNanos = config.linger().toNanos();
        this.maxBlockNanos = config.maxBlock().toNanos();
        this.onClose = onClose;
    }

    @Override
    public CompletableFuture<RecordAck> send(String topic, String key, Map<String, String> headers, byte[] payload) {
        return send(topic, key, headers, payload, null);
    }

    @Override
    public CompletableFuture<RecordAck> send(String topic, String key, Map<String, String> headers, ByteBuffer payload) {
        return send(topic, key, headers, null, payload);
    }

    private CompletableFuture<RecordAck> send(String topic, String key, Map<String, String> headers, byte[] payloadArray, ByteBuffer payloadBuffer) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        if (closing) {
            return failed(ClientException.CLIENT_CLOSED, "the producer is closed");
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length < 1 || keyBytes.length > 255) {
            return failed(ClientException.INVALID_ARGUMENT, "a stream key has 1 to 255 bytes of UTF-8, not " + keyBytes.length);
        }
        int topicBytes = Codec.utf8Length(topic);
        if (topicBytes < 1 || topicBytes > Codec.MAX_STRING_BYTES) {
            return failed(ClientException.INVALID_ARGUMENT, "a topic name has 1 to 128 characters, not " + topic.length());
        }
        byte[] headerBlock;
        try {
            headerBlock = HeaderBlock.encode(headers);
        } catch (IllegalArgumentException e) {
            return failed(ClientException.INVALID_ARGUMENT, e.getMessage());
        }
        long payloadLength = payloadBuffer != null ? payloadBuffer.remaining() : payloadArray != null ? payloadArray.length : 0;
        long messageBytes = MESSAGE_OVERHEAD + keyBytes.length + (long) headerBlock.length + payloadLength;
        long frameLength = TopicPipeline.PRODUCE_FRAME_OVERHEAD + topicBytes + messageBytes;
        if (frameLength > core.maxFrameBytes()) {
            return failed(ProtocolError.MESSAGE_TOO_LARGE.code(), "a record of " + (messageBytes - MESSAGE_OVERHEAD) + " bytes (key, headers, payload)"
                    + " to " + topic + " does not fit the broker's frames of " + core.maxFrameBytes() + " bytes");
        }
        try {
            if (!budget.acquire(messageBytes, maxBlockNanos)) {
                return failed(ClientException.BUFFER_FULL, messageBytes > budget.capacity()
                        ? "a record of " + messageBytes + " bytes is larger than the producer's whole buffer of " + budget.capacity() + " bytes"
                        : "the producer's buffer of " + budget.capacity() + " bytes is full" + (maxBlockNanos > 0 ? " after waiting "
                                + TimeUnit.NANOSECONDS.toMillis(maxBlockNanos) + " ms" : "") + "; the broker is not keeping up");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(ClientException.INTERRUPTED, "interrupted while waiting for room in the producer's buffer");
        }
        CompletableFuture<RecordAck> future = new CompletableFuture<>();
        TopicPipeline pipeline = pipelines.computeIfAbsent(topic, t -> new TopicPipeline(this, t, topicBytes));
        if (!pipeline.append(key, keyBytes, headerBlock, payloadArray, payloadBuffer, (int) messageBytes, future)) {
            budget.release(messageBytes);
            return failed(ClientException.CLIENT_CLOSED, "the producer is closed");
        }
        if (hardClosed) {
            // Closed while this record was appended: make sure it fails rather than waits forever.
            ClientException closed = new ClientException(ClientException.CLIENT_CLOSED, "the producer is closed");
            if (!core.onLoop(() -> pipeline.abandon(closed))) {
                pipeline.abandon(closed);
            }
        }
        return future;
    }

    private static CompletableFuture<RecordAck> failed(int code, String detail) {
        return CompletableFuture.failedFuture(new ClientException(code, detail));
    }

    long nextBatchId() {
        return batchIds.incrementAndGet();
    }

    long retryDelayNanos(int attempt) {
        return Backoff.exponential(Math.max(1, config.retryBackoff().toNanos()), Math.max(1, config.retryBackoffMax().toNanos()), attempt);
    }

    @Override
    public void flush() {
        if (core.isCallbackThread()) {
            throw new IllegalStateException("flush() from a completion callback would wait for itself");
        }
        ClientCore.await(flushAsync());
    }

    private CompletableFuture<Void> flushAsync() {
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (TopicPipeline pipeline : pipelines.values()) {
            pipeline.flush();
        }
        for (RecordBatch batch : incomplete) {
            waits.add(batch.done);
        }
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public long bufferedBytes() {
        return budget.used();
    }

    @Override
    public void close() {
        long each = core.requestTimeoutNanos() + retryDelayNanos(config.retries());
        close(Duration.ofNanos(Math.min(Long.MAX_VALUE / 4, each * Math.max(1, config.retries() + 1L))));
    }

    @Override
    public void close(Duration timeout) {
        if (hardClosed) {
            return;
        }
        closing = true;
        if (!core.isCallbackThread()) {
            try {
                flushAsync().get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // What is left fails below.
            }
        }
        CompletableFuture<Void> abandoned = new CompletableFuture<>();
        ClientException closed = new ClientException(ClientException.CLIENT_CLOSED, "the producer closed before the record was acknowledged");
        Runnable abandon = () -> {
            hardClosed = true;
            for (TopicPipeline pipeline : pipelines.values()) {
                pipeline.abandon(closed);
            }
            abandoned.complete(null);
        };
        boolean ran = core.onLoop(abandon);
        if (!ran) {
            // The client's event loop is gone: nothing else touches the pipelines any more.
            abandon.run();
        }
        if (ran && !core.loop().inEventLoop()) {
            try {
                abandoned.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The event loop is gone: nothing more can complete.
            }
        }
        hardClosed = true;
        onClose.run();
    }
}
