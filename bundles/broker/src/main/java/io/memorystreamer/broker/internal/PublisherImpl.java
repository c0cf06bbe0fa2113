package io.memorystreamer.broker.internal;

import static io.memorystreamer.broker.internal.InboxFormat.CALL_HEADER_LENGTH;
import static io.memorystreamer.broker.internal.InboxFormat.COUNT_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.DROPPED_SHARD;
import static io.memorystreamer.broker.internal.InboxFormat.FLAGS_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.FLAG_FUTURE;
import static io.memorystreamer.broker.internal.InboxFormat.MESSAGE_HEADER_LENGTH;
import static io.memorystreamer.broker.internal.InboxFormat.PUBLISHER_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.TOKEN_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.TOPIC_OFFSET;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.MessageHeaders;
import io.memorystreamer.broker.PublishBatch;
import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.PublishReceipt;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.core.work.ManyToOneByteRing;
import io.memorystreamer.multiplexing.StreamKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A publishing thread's handle: validates each call, runs the topic's interceptor chain, routes
 * each message to its shard, and copies the call into the topic writer's inbox in one claim (all
 * of it or nothing). Outcomes come back from the writer thread through {@link #complete} and
 * {@link #fail}.
 *
 * <p>Threading: {@code publish} from one thread at a time (it reuses scratch views);
 * {@code complete}/{@code fail} from writer threads; {@code send} is synchronized (tools and
 * tests). Invariant: {@link #outstanding} counts accepted messages not yet completed or failed.
 */
final class PublisherImpl implements Publisher {
    private final LocalBroker broker;
    final int id;
    private final PublishListener listener;
    private final Map<Long, PendingSend> sends = new ConcurrentHashMap<>();
    private final AtomicLong sendTokens = new AtomicLong();
    final AtomicLong outstanding = new AtomicLong();
    private final int[] shardScratch = new int[1];
    private volatile boolean closed;

    private record PendingSend(CompletableFuture<PublishReceipt> future, String topic, String key) {
    }

    PublisherImpl(LocalBroker broker, int id, PublishListener listener) {
        this.broker = broker;
        this.id = id;
        this.listener = listener;
    }

    @Override
    public int publish(String topicName, ByteBuffer key, ByteBuffer headers, ByteBuffer payload, long token) {
        return publishOne(topicName, key, headers, payload, token, 0);
    }

    private int publishOne(String topicName, ByteBuffer key, ByteBuffer headers, ByteBuffer payload, long token, int flags) {
        checkOpen();
        Topic topic = broker.topicOrThrow(topicName);
        int shard = check(topic, key, headers, payload, -1);
        int keyLength = key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        int length = CALL_HEADER_LENGTH + MESSAGE_HEADER_LENGTH + (shard == DROPPED_SHARD ? 0 : keyLength + headersLength + payloadLength);
        ManyToOneByteRing inbox = broker.writer(topic).inbox;
        if (length > inbox.maxRecordLength()) {
            throw new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, "a message of " + length + " bytes does not fit the broker's inbox (at most "
                    + inbox.maxRecordLength() + "); raise inboxBytes");
        }
        int at = inbox.claim(length);
        if (at == ManyToOneByteRing.CLAIM_FAILED) {
            return BACK_PRESSURED;
        }
        ByteBuffer buffer = inbox.buffer();
        writeCallHeader(buffer, at, token, topic.id, 1, flags);
        int to = at + CALL_HEADER_LENGTH;
        if (shard == DROPPED_SHARD) {
            buffer.putInt(to, DROPPED_SHARD).putInt(to + 4, 0).putInt(to + 8, 0).putInt(to + 12, 0);
        } else {
            writeMessage(buffer, to, shard, key, headers, payload);
        }
        outstanding.incrementAndGet();
        inbox.commit(at);
        broker.writer(topic).idle.wake();
        return ACCEPTED;
    }

    @Override
    public int publish(String topicName, PublishBatch batch, long token) {
        return publishBatch(topicName, batch, token, 0);
    }

    private int publishBatch(String topicName, PublishBatch batch, long token, int flags) {
        checkOpen();
        Topic topic = broker.topicOrThrow(topicName);
        int count = batch.count();
        if (count == 0) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "cannot publish an empty batch to topic '" + topicName + "'");
        }
        ByteBuffer entries = batch.buffer();
        ByteBuffer key = entries.duplicate();
        ByteBuffer headers = entries.duplicate();
        ByteBuffer payload = entries.duplicate();
        int[] shards = count <= shardScratch.length ? shardScratch : new int[count];
        long length = CALL_HEADER_LENGTH;
        int at = 0;
        for (int i = 0; i < count; i++) {
            int keyLength = entries.getInt(at);
            int headersLength = entries.getInt(at + 4);
            int payloadLength = entries.getInt(at + 8);
            int keyAt = at + PublishBatch.ENTRY_HEADER_LENGTH;
            view(key, keyAt, keyLength);
            view(headers, keyAt + keyLength, headersLength);
            view(payload, keyAt + keyLength + headersLength, payloadLength);
            shards[i] = check(topic, key, headers, payload, i);
            length += MESSAGE_HEADER_LENGTH + (shards[i] == DROPPED_SHARD ? 0 : keyLength + headersLength + payloadLength);
            at = keyAt + keyLength + headersLength + payloadLength;
        }
        ManyToOneByteRing inbox = broker.writer(topic).inbox;
        if (length > inbox.maxRecordLength()) {
            throw new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, "a batch of " + length + " bytes does not fit the broker's inbox (at most "
                    + inbox.maxRecordLength() + "); split it");
        }
        int claimed = inbox.claim((int) length);
        if (claimed == ManyToOneByteRing.CLAIM_FAILED) {
            return BACK_PRESSURED;
        }
        ByteBuffer buffer = inbox.buffer();
        writeCallHeader(buffer, claimed, token, topic.id, count, flags);
        int to = claimed + CALL_HEADER_LENGTH;
        at = 0;
        for (int i = 0; i < count; i++) {
            int keyLength = entries.getInt(at);
            int headersLength = entries.getInt(at + 4);
            int payloadLength = entries.getInt(at + 8);
            int keyAt = at + PublishBatch.ENTRY_HEADER_LENGTH;
            at = keyAt + keyLength + headersLength + payloadLength;
            if (shards[i] == DROPPED_SHARD) {
                buffer.putInt(to, DROPPED_SHARD).putInt(to + 4, 0).putInt(to + 8, 0).putInt(to + 12, 0);
                to += MESSAGE_HEADER_LENGTH;
                continue;
            }
            view(key, keyAt, keyLength);
            view(headers, keyAt + keyLength, headersLength);
            view(payload, keyAt + keyLength + headersLength, payloadLength);
            to = writeMessage(buffer, to, shards[i], key, headers, payload);
        }
        outstanding.addAndGet(count);
        inbox.commit(claimed);
        broker.writer(topic).idle.wake();
        return ACCEPTED;
    }

    private static void view(ByteBuffer view, int at, int length) {
        view.limit(at + length).position(at);
    }

    private void writeCallHeader(ByteBuffer buffer, int at, long token, int topicId, int count, int flags) {
        buffer.putLong(at + TOKEN_OFFSET, token);
        buffer.putInt(at + PUBLISHER_OFFSET, id);
        buffer.putInt(at + TOPIC_OFFSET, topicId);
        buffer.putInt(at + COUNT_OFFSET, count);
        buffer.putInt(at + FLAGS_OFFSET, flags);
    }

    private int writeMessage(ByteBuffer buffer, int to, int shard, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
        int keyLength = key.remaining();
        int headersLength = headers == null ? 0 : headers.remaining();
        int payloadLength = payload == null ? 0 : payload.remaining();
        buffer.putInt(to, shard).putInt(to + 4, keyLength).putInt(to + 8, headersLength).putInt(to + 12, payloadLength);
        to += MESSAGE_HEADER_LENGTH;
        buffer.put(to, key, key.position(), keyLength);
        to += keyLength;
        if (headersLength > 0) {
            buffer.put(to, headers, headers.position(), headersLength);
            to += headersLength;
        }
        if (payloadLength > 0) {
            buffer.put(to, payload, payload.position(), payloadLength);
            to += payloadLength;
        }
        return to;
    }

    /**
     * Validates a message and runs the chain.
     *
     * @return its shard, or {@link InboxFormat#DROPPED_SHARD}
     */
    private int check(Topic topic, ByteBuffer key, ByteBuffer headers, ByteBuffer payload, int index) {
        if (key == null) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, which(index) + "has no stream key");
        }
        if (!StreamKeys.isValid(key)) {
            try {
                StreamKeys.requireValid(key);
            } catch (IllegalArgumentException e) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, which(index) + "has an invalid stream key: " + e.getMessage());
            }
        }
        if (headers != null && headers.hasRemaining()) {
            String problem = MessageHeaders.problem(headers);
            if (problem != null) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, which(index) + "has " + problem);
            }
        }
        long size = (long) key.remaining() + (headers == null ? 0 : headers.remaining()) + (payload == null ? 0 : payload.remaining());
        int limit = topic.settings.maxMessageSize();
        if (size > limit) {
            throw new BrokerException(ErrorCode.MESSAGE_TOO_LARGE, which(index) + "has " + size + " bytes (key, headers and payload); topic '"
                    + topic.name() + "' takes at most " + limit);
        }
        PublishInterceptor[] chain = topic.interceptors;
        for (PublishInterceptor interceptor : chain) {
            int verdict = interceptor.onPublish(topic.name(), key.asReadOnlyBuffer(), headers == null ? EMPTY : headers.asReadOnlyBuffer(),
                    payload == null ? EMPTY : payload.asReadOnlyBuffer());
            if (verdict == PublishInterceptor.DROP) {
                return DROPPED_SHARD;
            }
            if (verdict == PublishInterceptor.REJECT) {
                throw new BrokerException(ErrorCode.REJECTED, which(index) + "was rejected by interceptor " + interceptor);
            }
        }
        return topic.placement.shard(key, topic.shards.length);
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private static String which(int index) {
        return index < 0 ? "the message " : "message " + index + " of the batch ";
    }

    @Override
    public synchronized CompletableFuture<PublishReceipt> send(String topic, String key, Map<String, String> headers, byte[] payload,
            Duration maxWait) {
        CompletableFuture<PublishReceipt> future = new CompletableFuture<>();
        long token = sendTokens.incrementAndGet();
        try {
            ByteBuffer keyBuffer = ByteBuffer.wrap(key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8));
            ByteBuffer headersBuffer = ByteBuffer.wrap(MessageHeaders.encode(headers));
            ByteBuffer payloadBuffer = payload == null ? null : ByteBuffer.wrap(payload);
            sends.put(token, new PendingSend(future, topic, key));
            long deadline = System.nanoTime() + maxWait.toNanos();
            while (publishOne(topic, keyBuffer, headersBuffer, payloadBuffer, token, FLAG_FUTURE) == BACK_PRESSURED) {
                if (System.nanoTime() >= deadline) {
                    sends.remove(token);
                    future.completeExceptionally(new BrokerException(ErrorCode.BACK_PRESSURED, "topic '" + topic
                            + "' stayed back-pressured for " + maxWait.toMillis() + " ms; nothing was published"));
                    return future;
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
            }
        } catch (IllegalArgumentException e) {
            sends.remove(token);
            future.completeExceptionally(new BrokerException(ErrorCode.INVALID_REQUEST, e.getMessage(), e));
        } catch (RuntimeException e) {
            sends.remove(token);
            future.completeExceptionally(e);
        }
        return future;
    }

    /** From a writer thread: a message is as durable as its topic promises. */
    void complete(int flags, long token, int index, long streamOffset) {
        try {
            if ((flags & FLAG_FUTURE) != 0) {
                PendingSend send = sends.remove(token);
                if (send != null) {
                    send.future.complete(new PublishReceipt(send.topic, send.key, streamOffset));
                }
            } else if (listener != null) {
                listener.onPublished(token, index, streamOffset);
            }
        } finally {
            settled();
        }
    }

    /** From a writer thread: a message failed. */
    void fail(int flags, long token, int index, BrokerException error) {
        try {
            if ((flags & FLAG_FUTURE) != 0) {
                PendingSend send = sends.remove(token);
                if (send != null) {
                    send.future.completeExceptionally(error);
                }
            } else if (listener != null) {
                listener.onFailed(token, index, error);
            }
        } finally {
            settled();
        }
    }

    private void settled() {
        if (outstanding.decrementAndGet() == 0 && closed) {
            broker.release(this);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerException(ErrorCode.CLOSED, "this publisher is closed");
        }
        if (broker.isClosed()) {
            throw new BrokerException(ErrorCode.CLOSED, "the broker is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (outstanding.get() == 0) {
                broker.release(this);
            }
        }
    }

    boolean isClosed() {
        return closed;
    }
}
