package io.memorystreamer.broker.internal;

import static io.memorystreamer.broker.internal.InboxFormat.CALL_HEADER_LENGTH;
import static io.memorystreamer.broker.internal.InboxFormat.COUNT_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.DROPPED_SHARD;
import static io.memorystreamer.broker.internal.InboxFormat.FLAGS_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.MESSAGE_HEADER_LENGTH;
import static io.memorystreamer.broker.internal.InboxFormat.PUBLISHER_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.TOKEN_OFFSET;
import static io.memorystreamer.broker.internal.InboxFormat.TOPIC_OFFSET;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.core.agent.Agent;
import io.memorystreamer.core.agent.WakeableIdleStrategy;
import io.memorystreamer.core.work.ManyToOneByteRing;
import io.memorystreamer.core.work.RingRecordHandler;
import io.memorystreamer.multiplexing.StreamState;
import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.WriteAheadLog;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer of a set of topics: drains the publish calls queued in its inbox, gives each
 * message its stream offset, coalesces the messages bound for each shard into one batch per round
 * (adaptive batching: the busier the inbox, the bigger the batches), appends each batch as one log
 * frame, updates the stream registry, and acknowledges each message to its publisher once it is
 * as durable as its topic promises.
 *
 * <p>Threading: runs on its own agent thread and is the only thread that assigns stream offsets,
 * builds batches, updates the registry entries of its topics' streams, and completes their
 * acknowledgements. Other threads reach it through the inbox (publish calls) and the command
 * queue (topic deletion, shutdown). Invariants: a stream's offsets are dense and in log order
 * (one writer per topic); every accepted message gets exactly one acknowledgement or failure;
 * no acknowledgement precedes the durability its topic promises.
 */
final class Writer implements Agent, RingRecordHandler {
    private static final int RECORDS_PER_ROUND = 256;
    /**
     * Frames stop growing past this (unless one message is bigger): adaptive batching amortises
     * per-frame costs well before it, and readers that stop mid-frame (out of credit) re-read a
     * frame from its start, so huge frames cost them.
     */
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final long BACK_PRESSURE_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final int index;
    private final LocalBroker broker;
    final ManyToOneByteRing inbox;
    /** This writer's idle strategy: publishers wake it after queueing a call. */
    final WakeableIdleStrategy idle = new WakeableIdleStrategy();
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final StagedStreams staged = new StagedStreams();
    private final StreamState state = new StreamState();
    private final ByteBuffer keyView;
    private final ByteBuffer headersView;
    private final ByteBuffer payloadView;
    private final int maxFrameBytes;
    private Shard[] dirty = new Shard[16];
    private int dirtyCount;
    private long now;
    private volatile boolean stopping;
    private volatile long appendedFrames;
    private volatile long appendedMessages;
    private volatile long backPressureWaits;

    Writer(int index, LocalBroker broker, int inboxBytes, int maxFrameBytes) {
        this.index = index;
        this.broker = broker;
        this.inbox = new ManyToOneByteRing(inboxBytes);
        this.keyView = inbox.buffer().duplicate().order(inbox.buffer().order());
        this.headersView = inbox.buffer().duplicate().order(inbox.buffer().order());
        this.payloadView = inbox.buffer().duplicate().order(inbox.buffer().order());
        this.maxFrameBytes = Math.min(maxFrameBytes, MAX_BATCH_BYTES);
    }

    @Override
    public String roleName() {
        return "ms-writer-" + index;
    }

    @Override
    public int doWork() {
        int work = runCommands();
        now = System.currentTimeMillis();
        work += inbox.read(this, RECORDS_PER_ROUND);
        work += appendAll();
        work += completeAcks();
        return work;
    }

    /** Queues a command for the writer thread (topic deletion, shutdown steps). */
    void execute(Runnable command) {
        commands.add(command);
    }

    long appendedFrames() {
        return appendedFrames;
    }

    long appendedMessages() {
        return appendedMessages;
    }

    long backPressureWaits() {
        return backPressureWaits;
    }

    private int runCommands() {
        int work = 0;
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
            work++;
        }
        return work;
    }

    // ---- draining the inbox ----

    @Override
    public void onRecord(ByteBuffer buffer, int index, int length) {
        long token = buffer.getLong(index + TOKEN_OFFSET);
        int publisherId = buffer.getInt(index + PUBLISHER_OFFSET);
        int topicId = buffer.getInt(index + TOPIC_OFFSET);
        int count = buffer.getInt(index + COUNT_OFFSET);
        int flags = buffer.getInt(index + FLAGS_OFFSET);
        Topic topic = broker.topicById(topicId);
        if (topic == null || topic.closed) {
            for (int i = 0; i < count; i++) {
                broker.fail(publisherId, flags, token, i, closedError(topicId));
            }
            return;
        }
        int at = index + CALL_HEADER_LENGTH;
        for (int i = 0; i < count; i++) {
            int shardIndex = buffer.getInt(at);
            int keyLength = buffer.getInt(at + 4);
            int headersLength = buffer.getInt(at + 8);
            int payloadLength = buffer.getInt(at + 12);
            at += MESSAGE_HEADER_LENGTH;
            if (shardIndex == DROPPED_SHARD) {
                broker.complete(publisherId, flags, token, i, Publisher.DROPPED);
                continue;
            }
            Shard shard = topic.shards[shardIndex];
            int keyAt = at;
            int headersAt = keyAt + keyLength;
            int payloadAt = headersAt + headersLength;
            at = payloadAt + payloadLength;
            int entryBytes = 64 + keyLength + headersLength + payloadLength;
            if (shard.batch.count() > 0 && shard.batch.frameLength() + entryBytes > maxFrameBytes) {
                appendAll();
            }
            if (staged.isFull()) {
                appendAll();
            }
            long streamId;
            int slot = staged.findByKey(topicId, buffer, keyAt, keyLength);
            keyView.limit(keyAt + keyLength).position(keyAt);
            if (slot >= 0) {
                streamId = staged.streamId(slot);
            } else {
                try {
                    if (topic.registry.get(keyView, state)) {
                        streamId = state.streamId();
                        slot = staged.add(topicId, streamId, shardIndex, state.nextOffset(), buffer, keyAt, keyLength);
                    } else {
                        streamId = topic.registry.lookupOrCreate(keyView, now);
                        slot = staged.add(topicId, streamId, shardIndex, 0, buffer, keyAt, keyLength);
                    }
                } catch (RuntimeException e) {
                    broker.fail(publisherId, flags, token, i, new BrokerException(ErrorCode.STORAGE_FAILURE, "topic '" + topic.name()
                            + "' cannot take the stream: " + e.getMessage() + " (its registry holds " + topic.registry.size()
                            + " streams; raise streams.per.topic for new topics)", e));
                    continue;
                }
            }
            long offset = staged.takeOffset(slot);
            headersView.limit(headersAt + headersLength).position(headersAt);
            payloadView.limit(payloadAt + payloadLength).position(payloadAt);
            if (shard.batch.count() == 0) {
                markDirty(shard);
            }
            shard.batch.add(streamId, offset, now, keyView, headersView, payloadView);
            shard.staged.add(publisherId, token, i, offset, -1, flags);
        }
    }

    private BrokerException closedError(int topicId) {
        return new BrokerException(ErrorCode.CLOSED, "the topic (id " + topicId + ") was deleted before the message was appended");
    }

    private void markDirty(Shard shard) {
        if (dirtyCount == dirty.length) {
            Shard[] grown = new Shard[dirty.length * 2];
            System.arraycopy(dirty, 0, grown, 0, dirtyCount);
            dirty = grown;
        }
        dirty[dirtyCount++] = shard;
    }

    // ---- appending ----

    /** Appends every shard's batch, then tells the registry; waits while a log is back-pressured. */
    private int appendAll() {
        if (dirtyCount == 0) {
            return 0;
        }
        int appended = 0;
        for (int d = 0; d < dirtyCount; d++) {
            appended += append(dirty[d]);
        }
        for (int i = 0; i < staged.size(); i++) {
            int slot = staged.slotAt(i);
            Topic topic = broker.topicById(staged.topic(slot));
            if (topic == null || topic.closed) {
                continue;
            }
            Shard shard = topic.shards[staged.shard(slot)];
            topic.registry.advance(staged.key(slot), staged.nextOffset(slot), shard.lastAppended, now);
        }
        for (int d = 0; d < dirtyCount; d++) {
            Shard shard = dirty[d];
            dirty[d] = null;
            if (!shard.topic.closed) {
                shard.topic.checkpoint.update(shard.index, shard.lastAppended);
                if (shard.topic.settings.durability() == Durability.NONE) {
                    completeAll(shard); // durable as NONE promises once appended
                }
            }
        }
        dirtyCount = 0;
        staged.clear();
        if (appended > 0) {
            broker.appended();
        }
        return appended;
    }

    private int append(Shard shard) {
        RecordBatch batch = shard.batch;
        WriteAheadLog log = shard.log;
        long position;
        while ((position = shard.appender.append(batch)) == WriteAheadLog.BACK_PRESSURED) {
            backPressureWaits++;
            if (log.isClosed() || shard.topic.closed) {
                break;
            }
            log.requestFlush(); // the log waits for its flusher: ask for the fsync now rather than at the next interval
            LockSupport.parkNanos(BACK_PRESSURE_PAUSE_NANOS);
        }
        int count = batch.count();
        if (position < 0) {
            Throwable failure = log.failure();
            BrokerException error = new BrokerException(failure != null ? ErrorCode.STORAGE_FAILURE : ErrorCode.CLOSED,
                    "shard " + shard + " could not append: " + (failure != null ? failure : "the log is closed"), failure);
            while (!shard.staged.isEmpty()) {
                broker.fail(shard.staged.headPublisher(), shard.staged.headFlags(), shard.staged.headToken(),
                        shard.staged.headIndex(), error);
                shard.staged.remove();
            }
            batch.clear();
            return 0;
        }
        shard.lastAppended = position;
        appendedFrames++;
        appendedMessages += count;
        Durability durability = shard.topic.settings.durability();
        while (!shard.staged.isEmpty()) {
            // Acknowledged only once the registry knows the message too (appendAll), so a
            // publisher that is told "published" finds the stream's offsets up to date.
            shard.acks.add(shard.staged.headPublisher(), shard.staged.headToken(), shard.staged.headIndex(),
                    shard.staged.headOffset(), position, shard.staged.headFlags());
            shard.staged.remove();
        }
        if (durability == Durability.SYNC) {
            log.requestFlush();
        }
        batch.clear();
        return 1;
    }

    // ---- acknowledging ----

    private int completeAcks() {
        int work = 0;
        Topic[] topics = broker.topicsSnapshot();
        for (Topic topic : topics) {
            if (topic == null || topic.writerIndex != index) {
                continue;
            }
            for (Shard shard : topic.shards) {
                if (shard.acks.isEmpty()) {
                    continue;
                }
                long durable = shard.log.durablePosition();
                while (!shard.acks.isEmpty() && shard.acks.headPosition() < durable) {
                    broker.complete(shard.acks.headPublisher(), shard.acks.headFlags(), shard.acks.headToken(), shard.acks.headIndex(),
                            shard.acks.headOffset());
                    shard.acks.remove();
                    work++;
                }
                if (!shard.acks.isEmpty() && shard.log.isClosed()) {
                    failAcks(shard, shard.log.failure());
                }
            }
        }
        return work;
    }

    private void completeAll(Shard shard) {
        while (!shard.acks.isEmpty()) {
            broker.complete(shard.acks.headPublisher(), shard.acks.headFlags(), shard.acks.headToken(), shard.acks.headIndex(),
                    shard.acks.headOffset());
            shard.acks.remove();
        }
    }

    private void failAcks(Shard shard, Throwable failure) {
        BrokerException error = new BrokerException(failure != null ? ErrorCode.STORAGE_FAILURE : ErrorCode.CLOSED,
                "shard " + shard + " closed before the message was durable" + (failure != null ? ": " + failure : ""), failure);
        while (!shard.acks.isEmpty()) {
            broker.fail(shard.acks.headPublisher(), shard.acks.headFlags(), shard.acks.headToken(), shard.acks.headIndex(), error);
            shard.acks.remove();
        }
    }

    /** On the writer thread: a deleted topic's acknowledgements fail; the writer forgets it. */
    void forget(Topic topic) {
        for (Shard shard : topic.shards) {
            if (shard != null) {
                failAcks(shard, null);
            }
        }
        staged.removeTopic(topic.id);
    }

    /**
     * On the writer thread, at shutdown: drains the inbox, appends, and waits (up to the deadline)
     * for every acknowledgement; what is still owed after it fails with {@link ErrorCode#CLOSED}.
     */
    void drain(long deadlineNanos) {
        stopping = true;
        while (!inbox.isEmpty() && System.nanoTime() < deadlineNanos) {
            now = System.currentTimeMillis();
            inbox.read(this, RECORDS_PER_ROUND);
            appendAll();
        }
        appendAll();
        for (Topic topic : broker.topicsSnapshot()) {
            if (topic != null && topic.writerIndex == index) {
                for (Shard shard : topic.shards) {
                    if (!shard.acks.isEmpty()) {
                        shard.log.requestFlush();
                    }
                }
            }
        }
        while (System.nanoTime() < deadlineNanos && pendingAcks() > 0) {
            completeAcks();
            LockSupport.parkNanos(BACK_PRESSURE_PAUSE_NANOS);
        }
        for (Topic topic : broker.topicsSnapshot()) {
            if (topic != null && topic.writerIndex == index) {
                for (Shard shard : topic.shards) {
                    failAcks(shard, null);
                }
            }
        }
    }

    boolean isStopping() {
        return stopping;
    }

    private long pendingAcks() {
        long pending = 0;
        for (Topic topic : broker.topicsSnapshot()) {
            if (topic != null && topic.writerIndex == index) {
                for (Shard shard : topic.shards) {
                    pending += shard.acks.size();
                }
            }
        }
        return pending;
    }
}
