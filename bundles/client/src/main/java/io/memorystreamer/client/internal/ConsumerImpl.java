package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.Consumer;
import io.memorystreamer.client.ConsumerConfig;
import io.memorystreamer.client.ConsumerRecord;
import io.memorystreamer.client.RecordListener;
import io.memorystreamer.client.StartPosition;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link Consumer} over the client's connection: one subscription or group membership, renewed on
 * every new session, whose pushed records are copied out of their frames into a buffer that the
 * application drains by {@link #poll} or through its listener's delivery thread.
 *
 * <h2>Credit</h2>
 * Counted with two numbers under {@link #creditLock}: {@code unconsumed}, records received and
 * kept but not yet consumed (buffered, returned by the last poll, or at the listener), and
 * {@code pendingGrant}, records consumed (or dropped as repeats) whose credit is not yet granted.
 * The subscription starts with {@code window - unconsumed} credit and grants {@code pendingGrant}
 * once it reaches half the window (not sooner: a CREDIT per record would cost a frame and a wake-up
 * on both sides per record); so credit left at the broker plus
 * {@code unconsumed} never exceeds the window. Records returned by a poll count as consumed at the
 * next poll (the application came back for more), those given to a listener when it returns.
 *
 * <h2>Commits</h2>
 * Each record of a group member carries its lane and its place in the log (frame position, index
 * in the frame). Once the application has consumed a record, the position after it becomes its
 * lane's {@code uncommitted} position (under {@link #positionLock}); a commit (explicit, automatic
 * or at close) sends those positions and forgets them, or puts them back when it fails. So a
 * commit covers exactly what the application consumed, never a record still buffered or on its
 * way, and credit keeps flowing while it travels.
 *
 * <p>Threads: the subscription's state lives on the event loop; the buffer is guarded by
 * {@link #lock}; application threads poll, and a listener runs on the consumer's own thread.
 */
public final class ConsumerImpl implements Consumer, SessionListener, PushHandler {
    private static final System.Logger LOG = System.getLogger(ConsumerImpl.class.getName());

    private final ClientCore core;
    private final ConsumerConfig config;
    private final Runnable onClose;
    private final boolean group;
    private final ResumeState resume;
    private final long window;
    private final long grantThreshold;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Delivered> buffer = new ArrayDeque<>();
    private ClientException endedWith;
    private volatile boolean closed;

    private final Object creditLock = new Object();
    private long unconsumed;
    private long pendingGrant;
    private final AtomicBoolean grantScheduled = new AtomicBoolean();

    private final Object positionLock = new Object();
    /** Per lane, the position after the last record consumed and not yet sent in a commit. */
    private final Map<Integer, Groups.Position> uncommitted = new HashMap<>();
    /** Per lane, the position after the last record the last poll returned (consumed at the next poll, commit or close). */
    private Map<Integer, Groups.Position> lastPoll = Map.of();
    private long returnedByLastPoll;

    // Event-loop state.
    private Session session;
    private int subscriptionId;
    private volatile boolean active;
    private boolean subscribing;
    private boolean ended;
    private boolean autoCommitInFlight;
    private io.netty.util.concurrent.ScheduledFuture<?> heartbeat;
    private io.netty.util.concurrent.ScheduledFuture<?> autoCommitTimer;
    private int retryAttempts;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile String memberId;
    private volatile List<String> lanes = List.of();

    private final Thread delivery;

    /**
     * @param core the client's connection
     * @param config what to read and how
     * @param onClose run once closed (the client forgets the consumer)
     */
    public ConsumerImpl(ClientCore core, ConsumerConfig config, Runnable onClose) {
        this.core = core;
        this.config = config;
        this.onClose = onClose;
        this.group = config.target() == ConsumerConfig.Target.GROUP;
        this.resume = group ? null : new ResumeState(config.target(), config.start(), config.resumeMargin().toMillis());
        this.window = config.maxBuffered();
        this.grantThreshold = Math.max(1, window / 2);
        this.memberId = group ? config.memberId() : null;
        RecordListener listener = config.listener();
        if (listener != null) {
            delivery = new Thread(() -> deliver(listener), "ms-consumer-" + config.topic() + "-delivery");
            delivery.setDaemon(true);
        } else {
            delivery = null;
        }
    }

    /**
     * Subscribes (on the open session, or the next one) and waits for the broker's answer.
     *
     * @throws ClientException the broker's refusal, or {@link ClientException#TIMEOUT}; the consumer is then closed
     */
    public void start() {
        core.addSessionListener(this);
        core.onLoop(() -> {
            Session open = core.current();
            if (open != null && open.isOpen()) {
                subscribe(open);
            }
        });
        try {
            started.get(core.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted while subscribing", e);
        } catch (ExecutionException e) {
            closeQuietly();
            throw ClientCore.unwrap(e.getCause());
        } catch (TimeoutException e) {
            closeQuietly();
            throw new ClientException(ClientException.TIMEOUT, "the broker did not accept the subscription to " + config.topic() + " within "
                    + core.config().requestTimeout().toMillis() + " ms");
        }
        if (delivery != null) {
            delivery.start();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a consumer that failed to start", e);
        }
    }

    // ------------------------------------------------------------------ subscribing (event loop)

    @Override
    public void onSessionOpened(Session opened) {
        retryAttempts = 0;
        subscribe(opened);
    }

    @Override
    public void onSessionClosed(Session closedSession) {
        if (closedSession == session) {
            deactivate();
            session = null;
            subscribing = false;
        }
    }

    private void deactivate() {
        active = false;
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
        if (autoCommitTimer != null) {
            autoCommitTimer.cancel(false);
            autoCommitTimer = null;
        }
        autoCommitInFlight = false;
    }

    private void subscribe(Session on) {
        if (closed || ended || subscribing || (active && session == on)) {
            return;
        }
        subscribing = true;
        session = on;
        if (!group && resume.needsShardCount()) {
            core.request(Outgoing.of(new TopicAdmin.DescribeTopic(config.topic())), on).whenComplete((body, failure) -> {
                if (on != session) {
                    return; // a stale answer: the session it belongs to is gone, and so is this attempt
                }
                if (failure != null) {
                    subscribeFailed(on, ClientCore.unwrap(failure));
                    return;
                }
                List<TopicAdmin.TopicInfo> topics = ((TopicAdmin.TopicsInfo) body).topics();
                int shards = topics.isEmpty() ? 0 : topics.get(0).shards();
                sendSubscribe(on, resume.resume(config.keyOrPattern(), shards));
            });
        } else {
            sendSubscribe(on, group ? config.start() : resume.resume(config.keyOrPattern(), 0));
        }
    }

    private void sendSubscribe(Session on, StartPosition start) {
        if (closed || on != core.current() || !on.isOpen()) {
            subscribing = false;
            return;
        }
        int id = core.nextSubscriptionId();
        long initialCredit;
        synchronized (creditLock) {
            pendingGrant = 0;
            initialCredit = Math.max(0, window - unconsumed);
        }
        core.registerPush(on, id, this);
        Subscriptions.StartKind startKind = Subscriptions.StartKind.valueOf(start.kind().name());
        FrameBody request;
        if (group) {
            request = new Groups.JoinGroup(id, config.group(), config.topic(), memberId == null ? "" : memberId, startKind, start.value(),
                    (int) config.sessionTimeout().toMillis(), initialCredit);
        } else {
            Subscriptions.Kind kind = config.target() == ConsumerConfig.Target.STREAM ? Subscriptions.Kind.STREAM
                    : config.target() == ConsumerConfig.Target.PATTERN ? Subscriptions.Kind.PATTERN : Subscriptions.Kind.TOPIC;
            request = new Subscriptions.Subscribe(id, config.topic(), kind, config.keyOrPattern(), startKind, start.value(), initialCredit);
        }
        LOG.log(Level.DEBUG, () -> "subscribing to " + config.topic() + " from " + start + " with credit " + initialCredit + " (id " + id + ")");
        core.request(Outgoing.of(request), on).whenComplete((body, failure) -> {
            if (failure != null) {
                core.unregisterPush(on, id);
                if (on == session) {
                    subscribeFailed(on, ClientCore.unwrap(failure));
                }
                return;
            }
            if (closed) {
                core.request(Outgoing.of(group ? new Groups.LeaveGroup(id) : new Subscriptions.Unsubscribe(id)), on);
                return;
            }
            if (on != session || !on.isOpen()) {
                return;
            }
            subscribing = false;
            subscriptionId = id;
            active = true;
            retryAttempts = 0;
            if (group) {
                Groups.Joined joined = (Groups.Joined) body;
                memberId = joined.memberId();
                lanes = joined.lanes();
                startHeartbeat(on, id);
                if (config.autoCommit()) {
                    long every = Math.max(10, config.autoCommitInterval().toMillis());
                    autoCommitTimer = core.loop().scheduleAtFixedRate(() -> {
                        if (active && session == on) {
                            autoCommit();
                        }
                    }, every, every, TimeUnit.MILLISECONDS);
                }
            } else {
                resume.subscribed(System.currentTimeMillis());
            }
            started.complete(null);
            grant();
        });
    }

    private void subscribeFailed(Session on, ClientException e) {
        subscribing = false;
        if (closed) {
            return;
        }
        if (e.isRetriable()) {
            if (on == core.current() && on.isOpen()) {
                retryAttempts++;
                long delay = Backoff.exponential(core.config().reconnectBackoffInitial().toNanos(), core.config().reconnectBackoffMax().toNanos(),
                        retryAttempts);
                LOG.log(Level.DEBUG, () -> "subscribing to " + config.topic() + " failed (" + e.getMessage() + "); again in " + delay / 1_000_000 + " ms");
                core.loop().schedule(() -> {
                    if (on == core.current() && on.isOpen()) {
                        subscribe(on);
                    }
                }, delay, TimeUnit.NANOSECONDS);
            }
            // Otherwise the next session resubscribes.
            return;
        }
        if (!started.isDone()) {
            started.completeExceptionally(e);
        } else {
            end(e);
        }
    }

    private void startHeartbeat(Session on, int id) {
        long every = Math.max(1, config.sessionTimeout().toMillis() / 3);
        heartbeat = core.loop().scheduleAtFixedRate(() -> {
            if (!active || session != on || subscriptionId != id) {
                return;
            }
            core.request(Outgoing.of(new Groups.Heartbeat(id)), on).whenComplete((body, failure) -> {
                if (failure != null) {
                    ClientException e = ClientCore.unwrap(failure);
                    if (e.code() == ProtocolError.UNKNOWN_MEMBER.code() && active && session == on && subscriptionId == id) {
                        rejoin(on, id, e);
                    } else {
                        LOG.log(Level.DEBUG, () -> "heartbeat of " + memberId + " failed: " + e.getMessage());
                    }
                }
            });
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private void rejoin(Session on, int oldId, ClientException why) {
        LOG.log(Level.INFO, () -> "member " + memberId + " of group " + config.group() + " was removed (" + why.detail() + "); joining again");
        deactivate();
        core.unregisterPush(on, oldId);
        subscribe(on);
    }

    private void end(ClientException e) {
        ended = true;
        deactivate();
        lock.lock();
        try {
            endedWith = e;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!started.isDone()) {
            started.completeExceptionally(e);
        }
    }

    // ------------------------------------------------------------------ pushes (event loop)

    @Override
    public void onMessages(Session on, Subscriptions.Messages messages) {
        Subscriptions.Messages.Cursor cursor = messages.cursor();
        ByteBuf frame = cursor.buffer();
        List<Delivered> kept = new ArrayList<>(messages.count());
        int dropped = 0;
        while (cursor.next()) {
            String key = frame.toString(cursor.keyIndex(), cursor.keyLength(), StandardCharsets.UTF_8);
            if (resume != null && !resume.accept(key, cursor.streamOffset(), cursor.shard(), cursor.timestamp())) {
                dropped++;
                continue;
            }
            byte[] headers = ByteBufUtil.getBytes(frame, cursor.headersIndex(), cursor.headersLength());
            byte[] payload = ByteBufUtil.getBytes(frame, cursor.payloadIndex(), cursor.payloadLength());
            ConsumerRecord record = new ConsumerRecord(config.topic(), key, cursor.streamOffset(), cursor.timestamp(), cursor.shard(), headers,
                    payload);
            kept.add(new Delivered(record, group ? cursor.lane() : Subscriptions.Messages.NO_LANE, cursor.framePosition(),
                    cursor.indexInFrame() + 1));
        }
        synchronized (creditLock) {
            unconsumed += kept.size();
            pendingGrant += dropped;
        }
        if (!kept.isEmpty()) {
            lock.lock();
            try {
                if (!closed) {
                    buffer.addAll(kept);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        if (dropped > 0) {
            grant();
        }
    }

    @Override
    public void onAssignment(Session on, Groups.Assignment assignment) {
        lanes = assignment.lanes();
    }

    @Override
    public void onEnded(Session on, Subscriptions.SubscriptionEnded ended) {
        if (on != session || ended.subscriptionId() != subscriptionId) {
            return;
        }
        if (group && ended.code() == ProtocolError.UNKNOWN_MEMBER.code() && !closed) {
            rejoin(on, ended.subscriptionId(), new ClientException(ended.code(), ended.message()));
            return;
        }
        LOG.log(Level.INFO, () -> "the broker ended the subscription to " + config.topic() + ": " + ProtocolError.describe(ended.code()) + ": "
                + ended.message());
        end(new ClientException(ended.code(), "the broker ended the subscription to " + config.topic() + ": " + ended.message()));
    }

    // ------------------------------------------------------------------ credit

    private void consumed(long records) {
        if (records <= 0) {
            return;
        }
        boolean now;
        synchronized (creditLock) {
            unconsumed -= records;
            pendingGrant += records;
            // Not on every record the application takes even when it keeps up: a CREDIT per
            // record costs a wake-up of the event loop, a frame and a read on both sides, CPU that
            // on a small machine turns into latency for everything else. The broker still holds
            // at least half the window when this waits.
            now = pendingGrant >= grantThreshold;
        }
        if (now && grantScheduled.compareAndSet(false, true)) {
            if (!core.onLoop(() -> {
                grantScheduled.set(false);
                grant();
            })) {
                grantScheduled.set(false);
            }
        }
    }

    /** Grants the broker the credit consumed so far (event loop). */
    private void grant() {
        if (!active || session == null) {
            return;
        }
        long credits;
        synchronized (creditLock) {
            credits = pendingGrant;
            pendingGrant = 0;
        }
        if (credits > 0) {
            core.send(new Subscriptions.Credit(subscriptionId, credits), session);
        }
    }

    // ------------------------------------------------------------------ positions and commits

    /** A record received, with the position after it in its lane ({@code lane} -1 outside a group). */
    private record Delivered(ConsumerRecord record, int lane, long framePosition, int nextIndex) {
    }

    /** Any thread: the application is done with a record; its lane's position moves past it. */
    private void consumedAt(Delivered delivered) {
        if (delivered.lane() < 0) {
            return;
        }
        Groups.Position position = new Groups.Position(delivered.lane(), delivered.framePosition(), delivered.nextIndex());
        synchronized (positionLock) {
            uncommitted.put(delivered.lane(), position);
        }
    }

    /** Any thread: the records the last poll returned count as consumed (the application came back). */
    private void consumePolled() {
        long records;
        synchronized (positionLock) {
            records = returnedByLastPoll;
            returnedByLastPoll = 0;
            uncommitted.putAll(lastPoll);
            lastPoll = Map.of();
        }
        consumed(records);
    }

    /** @return the positions consumed since the last commit, now forgotten (put back by {@link #restore} if the commit fails) */
    private List<Groups.Position> takeUncommitted() {
        synchronized (positionLock) {
            List<Groups.Position> positions = new ArrayList<>(uncommitted.values());
            uncommitted.clear();
            return positions;
        }
    }

    /** A commit failed: its positions are uncommitted again, unless a later record of their lane was consumed since. */
    private void restore(List<Groups.Position> positions) {
        synchronized (positionLock) {
            for (Groups.Position position : positions) {
                uncommitted.merge(position.lane(), position, (now, failed) -> now.framePosition() > failed.framePosition()
                        || (now.framePosition() == failed.framePosition() && now.nextIndex() >= failed.nextIndex()) ? now : failed);
            }
        }
    }

    /**
     * Event loop: sends COMMIT with the positions consumed so far.
     *
     * @param on the session
     * @param id the membership
     * @return the broker's answer
     */
    private CompletableFuture<FrameBody> sendCommit(Session on, int id) {
        List<Groups.Position> positions = takeUncommitted();
        return core.request(Outgoing.of(new Groups.Commit(id, positions)), on).whenComplete((body, failure) -> {
            if (failure != null) {
                restore(positions);
            }
        });
    }

    /** Event loop: the automatic commit, when the application consumed something since the last one and none is on its way. */
    private void autoCommit() {
        if (autoCommitInFlight || !active) {
            return;
        }
        synchronized (positionLock) {
            if (uncommitted.isEmpty()) {
                return;
            }
        }
        autoCommitInFlight = true;
        Session on = session;
        sendCommit(on, subscriptionId).whenComplete((body, failure) -> {
            if (session != on) {
                return;
            }
            autoCommitInFlight = false;
            if (failure != null) {
                LOG.log(Level.DEBUG, () -> "automatic commit of " + memberId + " failed: " + ClientCore.unwrap(failure).getMessage());
            }
        });
    }

    // ------------------------------------------------------------------ application threads

    @Override
    public List<ConsumerRecord> poll(Duration timeout) {
        if (delivery != null) {
            throw new IllegalStateException("this consumer delivers to its listener; it cannot be polled");
        }
        consumePolled();
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        List<ConsumerRecord> out = new ArrayList<>();
        Map<Integer, Groups.Position> polled = group ? new HashMap<>() : Map.of();
        lock.lock();
        try {
            while (buffer.isEmpty()) {
                if (closed) {
                    throw new ClientException(ClientException.CLIENT_CLOSED, "the consumer is closed");
                }
                if (endedWith != null) {
                    throw endedWith;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return out;
                }
                changed.awaitNanos(left);
            }
            int max = config.maxPollRecords();
            while (out.size() < max && !buffer.isEmpty()) {
                Delivered delivered = buffer.poll();
                out.add(delivered.record());
                if (delivered.lane() >= 0) {
                    polled.put(delivered.lane(), new Groups.Position(delivered.lane(), delivered.framePosition(), delivered.nextIndex()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted while polling", e);
        } finally {
            lock.unlock();
        }
        synchronized (positionLock) {
            returnedByLastPoll += out.size();
            lastPoll = polled;
        }
        return out;
    }

    private void deliver(RecordListener listener) {
        while (true) {
            Delivered record;
            ClientException end;
            lock.lock();
            try {
                while (buffer.isEmpty() && endedWith == null && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                record = buffer.poll();
                end = endedWith;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (record == null) {
                try {
                    listener.onEnd(end);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "the listener of " + config.topic() + " failed at the subscription's end", e);
                }
                return;
            }
            try {
                listener.onRecord(record.record());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the listener of " + config.topic() + " failed on " + record.record() + "; going on", e);
            }
            consumedAt(record);
            consumed(1);
        }
    }

    @Override
    public void commit() {
        ClientCore.await(commitOnLoop());
    }

    @Override
    public CompletableFuture<Void> commitAsync() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        commitOnLoop().whenComplete((ok, failure) -> core.callback(() -> {
            if (failure == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(ClientCore.unwrap(failure));
            }
        }));
        return result;
    }

    private CompletableFuture<Void> commitOnLoop() {
        if (!group) {
            throw new IllegalStateException("only a group member commits; this consumer reads " + config.target().name().toLowerCase());
        }
        consumePolled();
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean ran = core.onLoop(() -> {
            if (closed) {
                done.completeExceptionally(new ClientException(ClientException.CLIENT_CLOSED, "the consumer is closed"));
            } else if (!active) {
                done.completeExceptionally(new ClientException(ClientException.CONNECTION_LOST, "member " + memberId + " of group " + config.group()
                        + " is not joined at the moment (reconnecting); nothing was committed"));
            } else {
                sendCommit(session, subscriptionId).whenComplete((body, failure) -> {
                    if (failure == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(ClientCore.unwrap(failure));
                    }
                });
            }
        });
        if (!ran) {
            done.completeExceptionally(new ClientException(ClientException.CLIENT_CLOSED, "the client is closed"));
        }
        return done;
    }

    @Override
    public String memberId() {
        return group ? memberId : null;
    }

    @Override
    public List<String> assignedLanes() {
        return lanes;
    }

    @Override
    public int buffered() {
        synchronized (creditLock) {
            return (int) Math.min(Integer.MAX_VALUE, unconsumed);
        }
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        consumePolled();
        closed = true;
        core.removeSessionListener(this);
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean ran = core.onLoop(() -> {
            boolean wasActive = active;
            Session on = session;
            int id = subscriptionId;
            deactivate();
            if (!wasActive || on == null || !on.isOpen()) {
                done.complete(null);
                return;
            }
            boolean commitFirst;
            synchronized (positionLock) {
                commitFirst = group && config.autoCommit() && !uncommitted.isEmpty();
            }
            CompletableFuture<FrameBody> commit = commitFirst ? sendCommit(on, id) : CompletableFuture.completedFuture(null);
            commit.whenComplete((ignored, commitFailure) -> {
                FrameBody leave = group ? new Groups.LeaveGroup(id) : new Subscriptions.Unsubscribe(id);
                core.request(Outgoing.of(leave), on).whenComplete((answer, failure) -> {
                    core.unregisterPush(on, id);
                    done.complete(null);
                });
            });
        });
        if (ran && !core.loop().inEventLoop()) {
            try {
                done.get(2 * core.requestTimeoutNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.DEBUG, "the broker did not confirm the end of the subscription", e);
            }
        }
        lock.lock();
        try {
            buffer.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (delivery != null && delivery.isAlive() && Thread.currentThread() != delivery) {
            try {
                delivery.join(TimeUnit.NANOSECONDS.toMillis(core.requestTimeoutNanos()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        onClose.run();
    }
}
