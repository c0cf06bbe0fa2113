package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.client.protocol.Frame;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.ProtocolException;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.Durability;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the protocol's session state machine (docs/protocol.md). It checks the
 * handshake, counts requests in flight, dispatches each request to the broker and answers it
 * (with its response or an ERROR carrying a stable code), keeps the connection's subscriptions,
 * and closes the connection, after an ERROR, when the client breaks the protocol: that connection
 * only.
 *
 * <p><b>Order and pauses</b>: requests are executed in the order they arrive. Reading stops (Netty
 * {@code autoRead} off) and later frames wait in a small queue (at most what one read decoded)
 * while the connection is paused:
 * <ul>
 * <li>a PRODUCE found the broker back-pressured: its remaining messages are kept (the frame stays
 * retained) and retried from the event loop after a short, growing delay;</li>
 * <li>a request runs on the blocking pool (topic administration, joining a group): later requests
 * may depend on it;</li>
 * <li>the channel is not writable (the client does not read its answers): reading stops until
 * Netty's outbound buffer drains below its low-water mark.</li>
 * </ul>
 * Answers may go out of order (a PRODUCE is answered when durable); COMMIT, METADATA, and closing
 * a subscription run on the blocking pool without pausing.
 *
 * <p><b>Graceful stop</b> ({@link NettyServer#close}): {@link #quiesce} stops reading for good
 * (frames already read still run); once the server sees every request answered (or its wait runs
 * out), {@link #closeAfterFlush} drops whatever else arrives and closes when the answers have left.
 *
 * <p>Threading: Netty calls it on the connection's event loop, which alone touches its state.
 * Other threads (broker writers, the delivery thread, the blocking pool) come back through
 * {@link #runOnLoop}.
 */
final class Connection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    /** Pause: a PRODUCE waits for room in the broker. */
    private static final int PAUSE_PUBLISH = 1;
    /** Pause: a request runs on the blocking pool; later ones wait for it. */
    private static final int PAUSE_BLOCKING = 2;
    /** Pause: the channel is not writable. */
    private static final int PAUSE_UNWRITABLE = 4;
    /** The pauses that hold back the execution of queued requests. */
    private static final int HOLD = PAUSE_PUBLISH | PAUSE_BLOCKING;
    /** How often subscriptions are checked for an end the broker decided, or a new assignment. */
    private static final long WATCH_MILLIS = 100;
    /** How long a connection closed for an error waits for its peer to close before closing itself. */
    private static final long LINGER_MILLIS = 1_000;

    private final NettyServer server;
    private final Broker broker;
    private final FrameDecoder decoder;
    private final LoopPublisher publisher;
    private final int maxInFlight;
    private final int maxFrameBytes;
    private final ArrayDeque<Frame> queued = new ArrayDeque<>();
    private final Map<Integer, PushSubscription> subscriptions = new HashMap<>();
    private ChannelHandlerContext ctx;
    private Channel channel;
    private EventLoop loop;
    private String peer = "(not connected)";
    private String clientId = "";
    private boolean open;
    private boolean closing;
    private boolean counted;
    private boolean overLimit;
    private boolean draining;
    private boolean quiescing;
    private int inFlight;
    private int pauses;
    private PendingProduce blocked;
    private ScheduledFuture<?> helloTimeout;
    private ScheduledFuture<?> watch;

    /**
     * @param server the server
     * @param decoder this connection's frame decoder (told the negotiated version)
     * @param publisher the broker publisher of this connection's event loop
     */
    Connection(NettyServer server, FrameDecoder decoder, LoopPublisher publisher) {
        this.server = server;
        this.broker = server.broker();
        this.decoder = decoder;
        this.publisher = publisher;
        this.maxInFlight = Math.max(1, server.settings().maxInFlight()); // HELLO_OK never announces 0
        this.maxFrameBytes = server.settings().maxFrameBytes();
    }

    /** @return the server */
    NettyServer server() {
        return server;
    }

    // ---------------------------------------------------------------- Netty events

    @Override
    public void channelActive(ChannelHandlerContext context) {
        this.ctx = context;
        this.channel = context.channel();
        this.loop = channel.eventLoop();
        this.peer = String.valueOf(channel.remoteAddress());
        this.counted = true;
        this.overLimit = !server.connectionOpened();
        this.helloTimeout = loop.schedule(this::helloTimedOut, NettyServer.HELLO_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        LOG.debug("Connection from {}{}", peer, overLimit ? " over the connection limit" : "");
        context.fireChannelActive();
        if (server.stopping()) {
            quiesce();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (!(message instanceof Frame)) {
            ReferenceCountUtil.release(message);
            return;
        }
        Frame frame = (Frame) message;
        if (closing) {
            frame.release();
            return;
        }
        if ((pauses & HOLD) != 0 || !queued.isEmpty()) {
            queued.add(frame);
            drain();
            return;
        }
        dispatch(frame);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (channel.isWritable()) {
            resume(PAUSE_UNWRITABLE);
            for (PushSubscription subscription : new ArrayList<>(subscriptions.values())) {
                subscription.regrant();
            }
        } else {
            pause(PAUSE_UNWRITABLE);
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (cause instanceof ProtocolException) {
            ProtocolException e = (ProtocolException) cause;
            closeWith(e.error(), e.correlationId(), e.detail());
        } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            LOG.info("Connection from {} closed: TLS failed: {}", peer, cause.getCause().getMessage());
            context.close();
        } else if (cause instanceof IOException) {
            LOG.debug("Connection from {} closed: {}", peer, cause.toString());
            context.close();
        } else {
            LOG.warn("Connection from {} failed; closing it", peer, cause);
            context.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        closing = true;
        if (counted) {
            counted = false;
            server.connectionClosed();
        }
        cancel(helloTimeout);
        cancel(watch);
        releaseQueued();
        if (blocked != null) {
            PendingProduce request = blocked;
            blocked = null;
            request.abandon(request.firstUnpublished(), new BrokerException(ErrorCode.CLOSED,
                    "the connection closed before the broker had room for the rest of the request"));
        }
        for (PushSubscription subscription : subscriptions.values()) {
            subscription.closePush();
            closeInBackground(subscription.subscription());
        }
        subscriptions.clear();
        LOG.debug("Connection from {} closed", this);
        context.fireChannelInactive();
    }

    // ---------------------------------------------------------------- dispatch

    private void dispatch(Frame frame) {
        long correlationId = frame.correlationId();
        try {
            handle(frame);
        } catch (ProtocolException e) {
            closeWith(e.error(), e.correlationId() == 0 ? correlationId : e.correlationId(), e.detail());
        } catch (RuntimeException e) {
            LOG.error("Connection {}: {} failed", this, Protocol.typeName(frame.type()), e);
            if (Protocol.expectsResponse(frame.type()) && open) {
                answerError(correlationId, ProtocolError.INVALID_REQUEST, "the broker failed on this request: " + e);
            }
        } finally {
            frame.release();
        }
    }

    private void handle(Frame frame) {
        int type = frame.type();
        long id = frame.correlationId();
        if (!open) {
            if (type != Protocol.HELLO) {
                closeWith(ProtocolError.HANDSHAKE_REQUIRED, id, Protocol.typeName(type) + " before HELLO: HELLO must be the first frame");
            } else {
                hello(id, (Handshake.Hello) FrameBody.read(frame));
            }
            return;
        }
        if (type == Protocol.HELLO) {
            closeWith(ProtocolError.HANDSHAKE_REQUIRED, id, "a second HELLO: this session is already open");
            return;
        }
        if (type == Protocol.CREDIT) {
            credit(id, (Subscriptions.Credit) FrameBody.read(frame));
            return;
        }
        if (inFlight >= maxInFlight) {
            sendError(id, ProtocolError.TOO_MANY_IN_FLIGHT.code(), inFlight + " requests await an answer, the most this server allows"
                    + " (maxInFlight " + maxInFlight + "); this one was not executed: retry after answers arrive");
            return;
        }
        FrameBody body = FrameBody.read(frame);
        inFlight++;
        switch (type) {
            case Protocol.METADATA:
                blocking(false, id, () -> new Handshake.MetadataOk(server.brokerVersion(), Protocol.MIN_VERSION, Protocol.MAX_VERSION,
                        maxFrameBytes, maxInFlight, TopicSettings.DEFAULT_MAX_MESSAGE_SIZE, broker.topics().size()), this::noop);
                break;
            case Protocol.CREATE_TOPIC:
                createTopic(id, (TopicAdmin.CreateTopic) body);
                break;
            case Protocol.DESCRIBE_TOPIC:
                String described = ((TopicAdmin.DescribeTopic) body).name();
                blocking(true, id, () -> new TopicAdmin.TopicsInfo(List.of(info(broker.topic(described).orElseThrow(
                        () -> new BrokerException(ErrorCode.UNKNOWN_TOPIC, "topic '" + described + "' does not exist"))))), this::noop);
                break;
            case Protocol.LIST_TOPICS:
                blocking(true, id, () -> {
                    List<TopicAdmin.TopicInfo> topics = new ArrayList<>();
                    for (TopicDescription topic : broker.topics()) {
                        topics.add(info(topic));
                    }
                    return new TopicAdmin.TopicsInfo(topics);
                }, this::noop);
                break;
            case Protocol.DELETE_TOPIC:
                String deleted = ((TopicAdmin.DeleteTopic) body).name();
                blocking(true, id, () -> {
                    boolean existed = broker.deleteTopic(deleted);
                    server.topics().forget(deleted);
                    return new TopicAdmin.Deleted(existed);
                }, this::noop);
                break;
            case Protocol.INIT_PRODUCER:
                answer(id, new Publishing.ProducerId(server.producers().newId()));
                break;
            case Protocol.PRODUCE:
                produce(id, (Publishing.Produce) body, frame);
                break;
            case Protocol.SUBSCRIBE:
                subscribe(id, (Subscriptions.Subscribe) body);
                break;
            case Protocol.UNSUBSCRIBE:
                unsubscribe(id, ((Subscriptions.Unsubscribe) body).subscriptionId());
                break;
            case Protocol.JOIN_GROUP:
                joinGroup(id, (Groups.JoinGroup) body);
                break;
            case Protocol.HEARTBEAT:
                heartbeat(id, ((Groups.Heartbeat) body).subscriptionId());
                break;
            case Protocol.COMMIT:
                commit(id, (Groups.Commit) body);
                break;
            case Protocol.LEAVE_GROUP:
                leaveGroup(id, ((Groups.LeaveGroup) body).subscriptionId());
                break;
            default:
                inFlight--;
                closeWith(ProtocolError.UNKNOWN_TYPE, id, Protocol.typeName(type) + " is not a request this server executes");
                break;
        }
    }

    // ---------------------------------------------------------------- handshake

    private void hello(long id, Handshake.Hello hello) {
        int version = hello.negotiate(Protocol.MIN_VERSION, Protocol.MAX_VERSION);
        if (version == 0) {
            closeWith(ProtocolError.UNSUPPORTED_VERSION, id, "no protocol version in common: the client speaks " + hello.minVersion() + ".."
                    + hello.maxVersion() + ", this server " + Protocol.MIN_VERSION + ".." + Protocol.MAX_VERSION);
            return;
        }
        if (overLimit) {
            closeWith(ProtocolError.TOO_MANY_CONNECTIONS, id, "the server has its maximum of " + server.settings().maxConnections()
                    + " connections open; retry later");
            return;
        }
        if (!server.security().accepts(hello.authToken())) {
            LOG.warn("Connection from {} (client '{}') refused: {} token", peer, hello.clientId(), hello.authToken().isEmpty() ? "no" : "a wrong");
            closeWith(ProtocolError.NOT_AUTHENTICATED, id, hello.authToken().isEmpty() ? "this server requires a token in HELLO (authToken)"
                    : "the token is not the one this server requires");
            return;
        }
        open = true;
        clientId = hello.clientId();
        cancel(helloTimeout);
        decoder.negotiatedVersion(version);
        send(new Handshake.HelloOk(version, server.brokerVersion(), maxFrameBytes, maxInFlight), id);
        LOG.debug("Session {} open, protocol version {}", this, version);
    }

    private void helloTimedOut() {
        if (!open && !closing) {
            closeWith(ProtocolError.HANDSHAKE_REQUIRED, 0, "no HELLO within " + NettyServer.HELLO_TIMEOUT_MILLIS + " ms of connecting");
        }
    }

    // ---------------------------------------------------------------- topics

    private void createTopic(long id, TopicAdmin.CreateTopic request) {
        blocking(true, id, () -> {
            TopicSettings settings;
            try {
                TopicSettings.Builder builder = TopicSettings.builder(request.name()).shardCount(request.shards())
                        .durability(Durability.valueOf(request.durability().name()))
                        .retentionBytesPerShard(request.retentionBytesPerShard());
                if (request.retentionMs() != 0) {
                    builder.retentionAge(Duration.ofMillis(request.retentionMs()));
                }
                if (request.maxMessageBytes() != 0) {
                    builder.maxMessageSize(request.maxMessageBytes());
                }
                settings = builder.build();
            } catch (IllegalArgumentException e) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, e.getMessage(), e);
            }
            TopicDescription created = broker.createTopic(settings);
            server.topics().forget(request.name());
            return new TopicAdmin.TopicsInfo(List.of(info(created)));
        }, this::noop);
    }

    private static TopicAdmin.TopicInfo info(TopicDescription topic) {
        TopicSettings settings = topic.settings();
        long bytes = 0;
        for (TopicDescription.Shard shard : topic.shards()) {
            bytes += shard.bytes();
        }
        return new TopicAdmin.TopicInfo(settings.name(), settings.shardCount(), TopicAdmin.Durability.valueOf(settings.durability().name()),
                settings.retentionAge() == null ? 0 : settings.retentionAge().toMillis(), settings.retentionBytesPerShard(),
                settings.maxMessageSize(), topic.streams(), bytes);
    }

    // ---------------------------------------------------------------- produce

    private void produce(long id, Publishing.Produce body, Frame frame) {
        if (body.count() == 0) {
            answer(id, new Publishing.ProduceAck(List.of()));
            return;
        }
        TopicSettings settings = server.topics().settings(body.topic());
        if (settings == null) {
            answerError(id, ProtocolError.UNKNOWN_TOPIC, "topic '" + body.topic() + "' does not exist");
            return;
        }
        PendingProduce request = new PendingProduce(this, id, body, frame);
        Producers.Refusal refusal = request.validate(settings);
        if (refusal == null && body.producerId() != Publishing.NOT_IDEMPOTENT) {
            refusal = server.producers().reserve(request);
        }
        if (refusal != null) {
            request.discard();
            answerError(id, refusal.error(), refusal.message());
            return;
        }
        server.produceStarted();
        request.prepare(publisher);
        if (!request.publish()) {
            blocked = request;
            pause(PAUSE_PUBLISH);
            retryLater();
        }
    }

    private void retryLater() {
        server.backPressured();
        loop.schedule(this::retryBlocked, blocked.nextRetryDelayNanos(), TimeUnit.NANOSECONDS);
    }

    private void retryBlocked() {
        if (blocked == null || closing) {
            return;
        }
        if (blocked.publish()) {
            blocked = null;
            resume(PAUSE_PUBLISH);
        } else {
            retryLater();
        }
    }

    /**
     * Event loop: every message of a PRODUCE reported; answers it.
     *
     * @param request the request
     */
    void produceFinished(PendingProduce request) {
        BrokerException failure = request.failure();
        if (failure != null) {
            answerError(request.correlationId, failure);
            return;
        }
        inFlight = Math.max(0, inFlight - 1);
        if (closing || !channel.isActive()) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer(Protocol.FRAME_OVERHEAD + 4 + request.count * Publishing.Ack.BYTES);
        int start = FrameWriter.begin(out, Protocol.PRODUCE_ACK, request.correlationId);
        Publishing.ProduceAck.writeCount(out, request.count);
        for (int i = 0; i < request.count; i++) {
            Publishing.AckStatus status = request.status(i);
            long offset = status == Publishing.AckStatus.DROPPED ? Publishing.DROPPED_OFFSET : request.offsets[i];
            Publishing.ProduceAck.appendAck(out, offset, status);
        }
        FrameWriter.end(out, start);
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    // ---------------------------------------------------------------- subscriptions

    private void subscribe(long id, Subscriptions.Subscribe request) {
        int subscriptionId = request.subscriptionId();
        if (subscriptions.containsKey(subscriptionId)) {
            answerError(id, ProtocolError.INVALID_REQUEST, "subscription id " + Integer.toUnsignedString(subscriptionId)
                    + " is already open on this connection");
            return;
        }
        if (request.initialCredit() < 0) {
            answerError(id, ProtocolError.INVALID_REQUEST, "initial credit is 0 or more, not " + request.initialCredit());
            return;
        }
        String key = null;
        String pattern = null;
        String keyOrPattern = request.keyOrPattern();
        switch (request.kind()) {
            case TOPIC:
                if (!keyOrPattern.isEmpty()) {
                    answerError(id, ProtocolError.INVALID_REQUEST, "a subscription to a whole topic names no key or pattern, not '" + keyOrPattern + "'");
                    return;
                }
                break;
            case STREAM:
                key = keyOrPattern;
                break;
            default:
                pattern = keyOrPattern;
                break;
        }
        if (request.kind() != Subscriptions.Kind.TOPIC && keyOrPattern.isEmpty()) {
            answerError(id, ProtocolError.INVALID_REQUEST, "a " + request.kind().name().toLowerCase(Locale.ROOT) + " subscription names its "
                    + (request.kind() == Subscriptions.Kind.STREAM ? "stream key" : "pattern"));
            return;
        }
        PushSubscription push = new PushSubscription(this, subscriptionId, request.topic(), false, ctx.alloc(), maxFrameBytes);
        Subscription subscription;
        try {
            StartPosition start = start(request.startKind(), request.startValue());
            subscription = broker.subscribe(new SubscriptionRequest(request.topic(), key, pattern, start, 0), push);
        } catch (BrokerException e) {
            answerError(id, e);
            return;
        } catch (IllegalArgumentException e) {
            answerError(id, ProtocolError.INVALID_REQUEST, e.getMessage());
            return;
        }
        push.start(subscription, request.initialCredit());
        subscriptions.put(subscriptionId, push);
        answer(id, new Subscriptions.Subscribed(subscriptionId));
        push.regrant();
        watchSubscriptions();
    }

    private static StartPosition start(Subscriptions.StartKind kind, long value) {
        switch (kind) {
            case EARLIEST:
                return StartPosition.earliest();
            case LATEST:
                return StartPosition.latest();
            case OFFSET:
                return StartPosition.offset(value);
            default:
                return StartPosition.timestamp(value);
        }
    }

    private void credit(long id, Subscriptions.Credit request) {
        PushSubscription push = subscriptions.get(request.subscriptionId());
        if (push == null) {
            sendError(id, ProtocolError.UNKNOWN_SUBSCRIPTION.code(), "no subscription " + Integer.toUnsignedString(request.subscriptionId())
                    + " is open on this connection");
            return;
        }
        if (request.credits() < 1) {
            sendError(id, ProtocolError.INVALID_REQUEST.code(), "a CREDIT grants 1 or more messages, not " + request.credits());
            return;
        }
        push.addCredit(request.credits());
        if (push.member) {
            try {
                push.groupMember().heartbeat();
            } catch (BrokerException e) {
                // the watch ends the membership with the broker's reason
            }
        }
        push.regrant();
    }

    private void unsubscribe(long id, int subscriptionId) {
        PushSubscription push = subscriptions.remove(subscriptionId);
        if (push == null) {
            answerError(id, ProtocolError.UNKNOWN_SUBSCRIPTION, "no subscription " + Integer.toUnsignedString(subscriptionId)
                    + " is open on this connection");
            return;
        }
        push.closePush();
        Subscription subscription = push.subscription();
        if (push.member) {
            blocking(false, id, () -> {
                subscription.close();
                return new Subscriptions.Unsubscribed(subscriptionId);
            }, this::noop);
        } else {
            answer(id, new Subscriptions.Unsubscribed(subscriptionId));
            closeInBackground(subscription);
        }
    }

    // ---------------------------------------------------------------- groups

    private void joinGroup(long id, Groups.JoinGroup request) {
        int subscriptionId = request.subscriptionId();
        if (subscriptions.containsKey(subscriptionId)) {
            answerError(id, ProtocolError.INVALID_REQUEST, "subscription id " + Integer.toUnsignedString(subscriptionId)
                    + " is already open on this connection");
            return;
        }
        GroupRequest join;
        try {
            if (request.initialCredit() < 0) {
                throw new IllegalArgumentException("initial credit is 0 or more, not " + request.initialCredit());
            }
            join = new GroupRequest(request.group(), request.topic(), request.memberId().isEmpty() ? null : request.memberId(),
                    start(request.startKind(), request.startValue()), Duration.ofMillis(request.sessionTimeoutMs()), false, 0);
        } catch (IllegalArgumentException e) {
            answerError(id, ProtocolError.INVALID_REQUEST, e.getMessage());
            return;
        }
        PushSubscription push = new PushSubscription(this, subscriptionId, request.topic(), true, ctx.alloc(), maxFrameBytes);
        blocking(true, id, () -> {
            GroupMember member = broker.joinGroup(join, push);
            return new Joining(member, member.assignment());
        }, joining -> {
            if (closing) {
                closeInBackground(joining.member);
                return null;
            }
            push.start(joining.member, request.initialCredit());
            push.lanes = joining.lanes;
            subscriptions.put(subscriptionId, push);
            watchSubscriptions();
            loop.execute(push::regrant);
            return new Groups.Joined(subscriptionId, joining.member.memberId(), joining.lanes);
        });
    }

    /** A member just joined, and its lanes. */
    private record Joining(GroupMember member, List<String> lanes) {
    }

    /** @return the membership with that id, after answering the request with an error when there is none */
    private PushSubscription membership(long id, int subscriptionId, String what) {
        PushSubscription push = subscriptions.get(subscriptionId);
        if (push == null) {
            answerError(id, ProtocolError.UNKNOWN_SUBSCRIPTION, "no subscription " + Integer.toUnsignedString(subscriptionId)
                    + " is open on this connection");
            return null;
        }
        if (!push.member) {
            answerError(id, ProtocolError.INVALID_REQUEST, what + ": subscription " + Integer.toUnsignedString(subscriptionId)
                    + " is not a group membership");
            return null;
        }
        return push;
    }

    private void heartbeat(long id, int subscriptionId) {
        PushSubscription push = membership(id, subscriptionId, "HEARTBEAT");
        if (push == null) {
            return;
        }
        try {
            push.groupMember().heartbeat();
        } catch (BrokerException e) {
            answerError(id, e);
            return;
        }
        answer(id, new FrameBody.Empty(Protocol.OK));
    }

    /**
     * COMMIT, on the blocking pool (it fsyncs), without holding later requests: the explicit
     * positions the client sends (what its application has processed), which the broker cuts back
     * to what it delivered to the member; lanes the member does not hold are skipped. An empty list
     * commits nothing.
     */
    private void commit(long id, Groups.Commit request) {
        PushSubscription push = membership(id, request.subscriptionId(), "COMMIT");
        if (push == null) {
            return;
        }
        GroupMember member = push.groupMember();
        try {
            member.heartbeat();
        } catch (BrokerException e) {
            answerError(id, e);
            return;
        }
        List<Groups.Position> positions = request.positions();
        if (positions.isEmpty()) {
            answer(id, new FrameBody.Empty(Protocol.OK));
            return;
        }
        int[] lanes = new int[positions.size()];
        long[] frames = new long[lanes.length];
        int[] indexes = new int[lanes.length];
        for (int i = 0; i < lanes.length; i++) {
            Groups.Position position = positions.get(i);
            lanes[i] = position.lane();
            frames[i] = position.framePosition();
            indexes[i] = position.nextIndex();
        }
        push.commits.add(() -> blocking(false, id, () -> {
            try {
                member.commit(lanes, frames, indexes);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }, failure -> {
            push.commitRunning = false;
            nextCommit(push);
            if (failure != null) {
                answerFailure(id, failure);
                return null;
            }
            return new FrameBody.Empty(Protocol.OK);
        }));
        nextCommit(push);
    }

    /** Event loop: runs a membership's next COMMIT once the one before it is done, so that commits take effect in arrival order. */
    private void nextCommit(PushSubscription push) {
        if (push.commitRunning || push.commits.isEmpty()) {
            return;
        }
        push.commitRunning = true;
        push.commits.poll().run();
    }

    private void leaveGroup(long id, int subscriptionId) {
        PushSubscription push = membership(id, subscriptionId, "LEAVE_GROUP");
        if (push == null) {
            return;
        }
        subscriptions.remove(subscriptionId);
        push.closePush();
        GroupMember member = push.groupMember();
        blocking(false, id, () -> {
            member.close();
            return new FrameBody.Empty(Protocol.OK);
        }, this::noop);
    }

    // ---------------------------------------------------------------- what the broker ends

    private void watchSubscriptions() {
        if (watch == null && !closing) {
            watch = loop.scheduleAtFixedRate(this::checkSubscriptions, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void checkSubscriptions() {
        if (closing) {
            return;
        }
        for (PushSubscription push : new ArrayList<>(subscriptions.values())) {
            Subscription subscription = push.subscription();
            if (subscription.isClosed()) {
                endedByBroker(push);
            } else if (push.member) {
                List<String> lanes = push.groupMember().assignment();
                if (!lanes.equals(push.lanes)) {
                    push.lanes = lanes;
                    sendPush(new Groups.Assignment(push.id, lanes));
                }
            }
        }
        if (subscriptions.isEmpty()) {
            cancel(watch);
            watch = null;
        }
    }

    private void endedByBroker(PushSubscription push) {
        if (server.topics().settings(push.topic) == null) {
            endSubscription(push, ProtocolError.CLOSED, "topic '" + push.topic + "' was deleted");
            return;
        }
        if (push.member) {
            try {
                push.groupMember().heartbeat();
            } catch (BrokerException e) {
                endSubscription(push, ProtocolError.UNKNOWN_MEMBER, e.getMessage());
                return;
            }
        }
        endSubscription(push, ProtocolError.CLOSED, "the broker ended the " + (push.member ? "membership" : "subscription"));
    }

    /**
     * Event loop: the broker (or the push path) ended a subscription: SUBSCRIPTION_ENDED.
     *
     * @param push the subscription
     * @param why the code
     * @param message for people
     */
    void endSubscription(PushSubscription push, ProtocolError why, String message) {
        if (subscriptions.get(push.id) != push) {
            return;
        }
        subscriptions.remove(push.id);
        push.closePush();
        sendPush(new Subscriptions.SubscriptionEnded(push.id, why.code(), message == null ? "" : message));
        closeInBackground(push.subscription());
        LOG.debug("Connection {}: {} ended: {} {}", this, push, why.describe(), message);
    }

    private void closeInBackground(Subscription subscription) {
        if (subscription == null) {
            return;
        }
        try {
            server.blocking().execute(() -> {
                try {
                    subscription.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing {} failed", subscription, e);
                }
            });
        } catch (RejectedExecutionException e) {
            subscription.close();
        }
    }

    // ---------------------------------------------------------------- pauses

    private void pause(int why) {
        pauses |= why;
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    private void resume(int why) {
        pauses &= ~why;
        drain();
        if (pauses == 0 && !closing && !quiescing && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while ((pauses & HOLD) == 0 && !closing && !queued.isEmpty()) {
                dispatch(queued.poll());
            }
        } finally {
            draining = false;
        }
    }

    private void releaseQueued() {
        Frame frame;
        while ((frame = queued.poll()) != null) {
            frame.release();
        }
    }

    // ---------------------------------------------------------------- blocking work

    /**
     * Runs a broker call that may block on the blocking pool, then answers on the event loop.
     *
     * @param hold whether later requests wait for it
     * @param id the request's correlation id
     * @param work the call
     * @param then on the event loop, with the call's result: the answer (null: answered already)
     */
    private <T> void blocking(boolean hold, long id, Callable<T> work, Function<T, FrameBody> then) {
        if (hold) {
            pause(PAUSE_BLOCKING);
        }
        try {
            server.blocking().execute(() -> {
                T result = null;
                Throwable failure = null;
                try {
                    result = work.call();
                } catch (Throwable t) {
                    failure = t;
                }
                T done = result;
                Throwable failed = failure;
                runOnLoop(() -> {
                    try {
                        if (failed != null) {
                            answerFailure(id, failed);
                        } else {
                            FrameBody answer = then.apply(done);
                            if (answer != null) {
                                answer(id, answer);
                            } else if (closing) {
                                inFlight = Math.max(0, inFlight - 1);
                            }
                        }
                    } finally {
                        if (hold) {
                            resume(PAUSE_BLOCKING);
                        }
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            answerError(id, ProtocolError.CLOSED, "the server is stopping");
            if (hold) {
                resume(PAUSE_BLOCKING);
            }
        }
    }

    private FrameBody noop(FrameBody body) {
        return body;
    }

    private void answerFailure(long id, Throwable failure) {
        if (failure instanceof BrokerException) {
            answerError(id, (BrokerException) failure);
        } else if (failure instanceof IllegalArgumentException) {
            answerError(id, ProtocolError.INVALID_REQUEST, failure.getMessage());
        } else if (failure instanceof UncheckedIOException) {
            answerError(id, ProtocolError.STORAGE_FAILURE, failure.getMessage());
        } else {
            LOG.error("Connection {}: a request failed", this, failure);
            answerError(id, ProtocolError.INVALID_REQUEST, "the broker failed on this request: " + failure);
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Runs a task on this connection's event loop (at once when called there; on the caller's
     * thread when the loop has stopped, which means the connection is closed).
     *
     * @param task the task
     */
    void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Runs a task on this connection's event loop later, even when called there.
     *
     * @param task the task
     */
    void runLater(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** @return whether the channel accepts more writes without buffering past its high-water mark */
    boolean writable() {
        return channel.isWritable();
    }

    /**
     * Event loop: writes a sealed MESSAGES frame (released when the connection is closed).
     *
     * @param frame the frame
     */
    void writePush(ByteBuf frame) {
        if (closing || !channel.isActive()) {
            frame.release();
            return;
        }
        ctx.writeAndFlush(frame, ctx.voidPromise());
    }

    private void sendPush(FrameBody body) {
        send(body, 0);
    }

    private void answer(long id, FrameBody body) {
        inFlight = Math.max(0, inFlight - 1);
        send(body, id);
    }

    private void answerError(long id, BrokerException e) {
        answerError(id, ProtocolError.find(e.code().number()).orElse(ProtocolError.INVALID_REQUEST), e.getMessage());
    }

    private void answerError(long id, ProtocolError error, String message) {
        inFlight = Math.max(0, inFlight - 1);
        sendError(id, error.code(), message);
    }

    private void sendError(long id, int code, String message) {
        send(FrameBody.ErrorBody.of(ProtocolError.find(code).orElse(ProtocolError.INVALID_REQUEST), message), id);
    }

    private void send(FrameBody body, long id) {
        if (closing || !channel.isActive()) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer();
        int bytes;
        try {
            bytes = FrameWriter.write(out, body, id);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        if (bytes - Protocol.LENGTH_FIELD_BYTES > maxFrameBytes) {
            out.release();
            send(FrameBody.ErrorBody.of(ProtocolError.INVALID_REQUEST, "the answer (" + bytes + " bytes) does not fit one frame of at most "
                    + maxFrameBytes + " bytes" + (body instanceof TopicAdmin.TopicsInfo ? ": too many topics to list in version 1" : "")), id);
            return;
        }
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    /**
     * Sends ERROR and closes this connection (only): nothing more is read or executed. The output
     * is shut down once the ERROR is flushed, and the connection closed when the peer closes its
     * side or after {@value #LINGER_MILLIS} ms, so that the peer reads the ERROR before the end
     * of the stream rather than a reset.
     */
    private void closeWith(ProtocolError error, long id, String message) {
        if (closing) {
            return;
        }
        closing = true;
        releaseQueued();
        LOG.debug("Closing connection {}: {}: {}", this, error.describe(), message);
        if (!channel.isActive()) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer();
        FrameWriter.write(out, FrameBody.ErrorBody.of(error, message), id);
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) future -> {
            Channel ch = future.channel();
            if (ch instanceof DuplexChannel && !server.security().tls() && ch.isActive()) {
                ((DuplexChannel) ch).shutdownOutput();
            }
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    // ---------------------------------------------------------------- graceful stop

    /**
     * Event loop: the server is stopping: reads nothing more from the socket (frames already read
     * are still executed and answered).
     */
    void quiesce() {
        quiescing = true;
        if (channel != null && !closing && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    /** @return the requests read and not yet answered (0 once closing) */
    private int unanswered() {
        return closing || channel == null || !channel.isActive() ? 0 : inFlight + queued.size();
    }

    /**
     * Any thread but this connection's loop: {@link #unanswered()}, asked on the loop.
     *
     * @return the requests read and not yet answered (1 when the loop does not say in time)
     */
    int unansweredFromOutside() {
        try {
            return loop == null ? 0 : loop.submit(this::unanswered).get(1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException e) {
            return 0;
        } catch (TimeoutException e) {
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Event loop: the server is stopping and its wait for answers is over: executes nothing more,
     * and closes once what was written has left. Frames the client still sends are read and
     * dropped, so that the close ends the stream cleanly (a close with unread input would reset it,
     * and the peer could lose answers it has not read yet).
     */
    void closeAfterFlush() {
        if (closing || channel == null || !channel.isActive()) {
            return;
        }
        closing = true;
        releaseQueued();
        channel.config().setAutoRead(true);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    /** @return the requests awaiting an answer (tests) */
    int inFlight() {
        return inFlight;
    }

    @Override
    public String toString() {
        return peer + (clientId.isEmpty() ? "" : " (" + clientId + ")");
    }
}
