package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientConfig;
import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.protocol.Frame;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Groups;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.ProtocolException;
import io.memorystreamer.client.protocol.Subscriptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's one connection to its broker, shared by its admin, producers and consumers: it
 * connects (TCP, then TLS when configured, then the HELLO handshake), sends requests with
 * correlation ids and matches their answers (in any order), times them out, routes pushes to the
 * subscription that owns them, and reconnects with exponential back-off whenever the connection
 * is lost, until closed.
 *
 * <pre>
 *   app threads ──request()──► queue ──(session open, room in maxInFlight)──► socket
 *                                ▲                                            │
 *        retry (TOO_MANY_IN_FLIGHT) ────────────── answers by correlation id ◄┤
 *   subscriptions ◄── pushes by subscription id ◄─────────────────────────────┘
 * </pre>
 *
 * <h2>Threads</h2>
 * All of its state lives on one Netty event-loop thread (single writer): {@link #request} and
 * {@link #send} may be called from any thread and hop onto it. Futures returned by
 * {@link #request} complete on the event loop, so code chained onto them must be quick; what the
 * application sees is completed on the callback thread ({@link #callback}). A second,
 * single thread runs those callbacks, so application code never runs on the event loop.
 *
 * <h2>Requests and sessions</h2>
 * A request not bound to a session waits in the queue while the connection is down and is sent on
 * the next session, within its timeout (counted from the call). A request bound to a session (one
 * naming a subscription id, which means something only on its connection) fails with
 * {@link ClientException#CONNECTION_LOST} if that session is gone. Requests awaiting their answer
 * when the connection closes fail with {@link ClientException#CONNECTION_LOST}: they may or may
 * not have taken effect. No more than the smaller of the configured and the broker's
 * {@code maxInFlight} requests await answers at once; a {@code TOO_MANY_IN_FLIGHT} answer puts the
 * request back at the head of the queue until another answer arrives.
 */
public final class ClientCore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientCore.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ClientConfig config;
    private final Transports transport;
    private final SslContext ssl;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ThreadPoolExecutor callbacks;
    private final Backoff backoff;
    private final long requestTimeoutNanos;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger subscriptionIds = new AtomicInteger();
    private final AtomicLong sessionNumbers = new AtomicLong();
    private final CompletableFuture<Session> firstSession = new CompletableFuture<>();
    private volatile Thread callbackThread;
    private volatile Session current;
    private volatile int maxFrameBytes = Protocol.MIN_MAX_FRAME_BYTES;
    private volatile boolean closed;
    private volatile ClientException lastFailure;

    // Event-loop state.
    private long nextCorrelation = 1;
    private final ArrayDeque<PendingRequest> queue = new ArrayDeque<>();
    private Channel channel;
    private io.netty.util.concurrent.ScheduledFuture<?> reconnectTask;

    /**
     * Creates the client's threads; {@link #start()} connects.
     *
     * @param config the configuration
     * @throws ClientException when the TLS settings cannot be used
     */
    public ClientCore(ClientConfig config) {
        this.config = config;
        this.ssl = Tls.clientContext(config);
        this.transport = Transports.pick(config.nativeTransport());
        int instance = INSTANCES.incrementAndGet();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ms-client-" + instance + "-io", true),
                transport.ioHandlerFactory());
        this.loop = group.next();
        this.callbacks = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "ms-client-" + instance + "-callbacks");
            thread.setDaemon(true);
            callbackThread = thread;
            return thread;
        });
        this.backoff = new Backoff(config.reconnectBackoffInitial().toNanos(), config.reconnectBackoffMax().toNanos());
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
    }

    /** Starts connecting (and reconnecting whenever the connection is lost, until closed). */
    public void start() {
        loop.execute(this::connectNow);
    }

    /**
     * Waits for the first session.
     *
     * @param timeoutNanos how long
     * @throws ClientException the broker's refusal of the handshake ({@code NOT_AUTHENTICATED},
     *     {@code UNSUPPORTED_VERSION}), a TLS failure, or {@link ClientException#CONNECT_FAILED}
     *     naming the last failure when no session opened in time
     */
    public void awaitFirstSession(long timeoutNanos) {
        try {
            firstSession.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted while connecting to " + address(), e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (TimeoutException e) {
            ClientException last = lastFailure;
            throw new ClientException(ClientException.CONNECT_FAILED, "no session with the broker at " + address() + " within "
                    + config.connectTimeout().toMillis() + " ms" + (last == null ? "" : ": " + last.getMessage()), last);
        }
    }

    /** @return the configuration */
    public ClientConfig config() {
        return config;
    }

    /** @return the event loop every piece of client state lives on */
    public EventLoop loop() {
        return loop;
    }

    /** @return the name of the transport in use ("epoll" or "nio") */
    public String transportName() {
        return transport.name();
    }

    /** @return the open session, or null while disconnected (any thread; may change at once) */
    public Session current() {
        return current;
    }

    /** @return whether a session is open */
    public boolean isConnected() {
        Session session = current;
        return session != null && session.isOpen();
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /** @return the largest frame the broker accepts, as its last handshake announced */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** @return the request timeout in nanoseconds */
    public long requestTimeoutNanos() {
        return requestTimeoutNanos;
    }

    /** @return a new subscription id, unique for this client (so on each of its sessions) */
    public int nextSubscriptionId() {
        return subscriptionIds.incrementAndGet();
    }

    /**
     * @param listener told of sessions opening and closing, on the event loop (from the next event on)
     */
    public void addSessionListener(SessionListener listener) {
        listeners.add(listener);
    }

    /**
     * @param listener no longer told
     */
    public void removeSessionListener(SessionListener listener) {
        listeners.remove(listener);
    }

    /**
     * Runs an application-facing callback on the callback thread (inline once the client is closed).
     *
     * @param task what to run
     */
    public void callback(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** @return whether the calling thread is the callback thread */
    public boolean isCallbackThread() {
        return Thread.currentThread() == callbackThread;
    }

    /**
     * Runs a task on the event loop (at once when already on it).
     *
     * @param task what to run
     * @return false when the client is shut down and the task will not run
     */
    public boolean onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /**
     * Sends a request, on the next session if none is open, and returns its answer.
     *
     * @param body the request
     * @return completed, on the event loop, with the answer's body (of the type that answers the
     *     request), or failed with a {@link ClientException}
     */
    public CompletableFuture<FrameBody> request(FrameBody body) {
        return request(Outgoing.of(body), null);
    }

    /**
     * Sends a request on one session only.
     *
     * @param request the request
     * @param bound the session it must travel on, or null for the current or next one
     * @return completed, on the event loop, with the answer's body, or failed with a
     *     {@link ClientException} ({@link ClientException#CONNECTION_LOST} at once when the bound
     *     session is gone)
     */
    public CompletableFuture<FrameBody> request(Outgoing request, Session bound) {
        PendingRequest pending = new PendingRequest(request, bound);
        if (!onLoop(() -> submit(pending))) {
            pending.future.completeExceptionally(closedException());
        }
        return pending.future;
    }

    /**
     * Sends a request that is not answered when it succeeds (CREDIT), on a session if it is still
     * open; dropped otherwise. Its correlation id answers nothing unless it fails, and a failure is
     * only logged.
     *
     * @param body the request
     * @param bound the session
     */
    public void send(FrameBody body, Session bound) {
        onLoop(() -> {
            if (bound != current || !bound.isOpen()) {
                return;
            }
            ByteBuf frame = Outgoing.of(body).encode(bound.channel.alloc(), nextCorrelation++);
            bound.channel.writeAndFlush(frame, bound.channel.voidPromise());
        });
    }

    /**
     * Registers the handler of a subscription id's pushes on a session (event loop only).
     *
     * @param session the session
     * @param subscriptionId the id
     * @param handler its handler
     */
    public void registerPush(Session session, int subscriptionId, PushHandler handler) {
        session.pushes.put(subscriptionId, handler);
    }

    /**
     * @param session the session
     * @param subscriptionId an id no longer delivered (event loop only)
     */
    public void unregisterPush(Session session, int subscriptionId) {
        session.pushes.remove(subscriptionId);
    }

    /**
     * Closes the connection and stops the client's threads; requests waiting or in flight fail
     * with {@link ClientException#CLIENT_CLOSED}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (onLoop(() -> {
            shutdownOnLoop();
            done.complete(null);
        }) && !loop.inEventLoop()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.DEBUG, "closing the connection took too long", e);
            }
        }
        firstSession.completeExceptionally(closedException());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        callbacks.shutdown();
    }

    private void shutdownOnLoop() {
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
        }
        failQueue(closedException());
        if (channel != null) {
            channel.close();
        }
    }

    private ClientException closedException() {
        return new ClientException(ClientException.CLIENT_CLOSED, "the client is closed");
    }

    private String address() {
        return config.host() + ":" + config.port();
    }

    // ------------------------------------------------------------------ connecting (event loop)

    private void connectNow() {
        reconnectTask = null;
        if (closed || channel != null) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameDecoder decoder = new FrameDecoder(Protocol.Direction.SERVER_TO_CLIENT, config.maxFrameBytes());
                        Session session = new Session(ch, decoder, sessionNumbers.incrementAndGet());
                        if (ssl != null) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), config.host(), config.port()));
                        }
                        ch.pipeline().addLast("frames", decoder);
                        ch.pipeline().addLast("session", new SessionHandler(session));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(config.host(), config.port());
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                lastFailure = new ClientException(ClientException.CONNECT_FAILED, "cannot connect to " + address() + ": " + f.cause(), f.cause());
                LOG.log(Level.DEBUG, lastFailure.getMessage());
                if (channel == connecting.channel()) {
                    channel = null;
                }
                scheduleReconnect();
                return;
            }
            Channel ch = connecting.channel();
            loop.schedule(() -> {
                SessionHandler handler = ch.pipeline().get(SessionHandler.class);
                if (ch.isActive() && handler != null && !handler.session.wasOpened()) {
                    lastFailure = new ClientException(ClientException.TIMEOUT, "the broker at " + address() + " did not complete the "
                            + (ssl == null ? "" : "TLS and ") + "handshake within " + config.connectTimeout().toMillis() + " ms");
                    ch.close();
                }
            }, config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    private void scheduleReconnect() {
        if (closed || reconnectTask != null || channel != null) {
            return;
        }
        long delay = backoff.next();
        reconnectTask = loop.schedule(this::connectNow, delay, TimeUnit.NANOSECONDS);
    }

    private void sendHello(Session session) {
        long correlation = nextCorrelation++;
        session.helloCorrelation = correlation;
        Handshake.Hello hello = new Handshake.Hello(Protocol.MIN_VERSION, Protocol.MAX_VERSION, config.clientId(), config.authToken());
        ByteBuf out = session.channel.alloc().ioBuffer();
        FrameWriter.write(out, hello, correlation);
        session.channel.writeAndFlush(out, session.channel.voidPromise());
    }

    private void onHandshakeAnswer(Session session, Frame frame) {
        if (frame.correlationId() != session.helloCorrelation) {
            violation(session, "answered correlation id " + frame.correlationId() + " before the handshake (HELLO was "
                    + session.helloCorrelation + ")");
            return;
        }
        if (frame.type() == Protocol.ERROR) {
            FrameBody.ErrorBody error = FrameBody.ErrorBody.read(frame.body());
            ClientException refused = new ClientException(error.code(), "the broker at " + address() + " refused the handshake: " + error.message());
            lastFailure = refused;
            LOG.log(Level.WARNING, refused.getMessage());
            int code = error.code();
            if (code == ProtocolError.NOT_AUTHENTICATED.code() || code == ProtocolError.UNSUPPORTED_VERSION.code()) {
                firstSession.completeExceptionally(refused);
            }
            session.channel.close();
            return;
        }
        if (frame.type() != Protocol.HELLO_OK) {
            violation(session, "answered HELLO with " + Protocol.typeName(frame.type()));
            return;
        }
        Handshake.HelloOk ok = Handshake.HelloOk.read(frame.body());
        if (ok.version() < Protocol.MIN_VERSION || ok.version() > Protocol.MAX_VERSION) {
            violation(session, "chose protocol version " + ok.version() + ", outside the client's " + Protocol.MIN_VERSION + ".."
                    + Protocol.MAX_VERSION);
            return;
        }
        if (ok.maxFrameBytes() < Protocol.MIN_MAX_FRAME_BYTES || ok.maxFrameBytes() > Protocol.MAX_MAX_FRAME_BYTES) {
            violation(session, "announced maxFrameBytes " + ok.maxFrameBytes() + ", outside " + Protocol.MIN_MAX_FRAME_BYTES + ".."
                    + Protocol.MAX_MAX_FRAME_BYTES);
            return;
        }
        session.decoder.negotiatedVersion(ok.version());
        session.decoder.maxFrameBytes(ok.maxFrameBytes());
        session.hello = ok;
        session.maxFrameBytes = ok.maxFrameBytes();
        session.maxInFlight = Math.max(1, Math.min(config.maxInFlight(), ok.maxInFlight() == 0 ? config.maxInFlight() : ok.maxInFlight()));
        session.opened();
        maxFrameBytes = ok.maxFrameBytes();
        current = session;
        backoff.reset();
        lastFailure = null;
        LOG.log(Level.DEBUG, () -> "session open with " + address() + ": broker " + ok.brokerVersion() + ", protocol " + ok.version());
        for (SessionListener listener : listeners) {
            try {
                listener.onSessionOpened(session);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a session listener failed", e);
            }
        }
        firstSession.complete(session);
        drain();
    }

    private void onChannelClosed(Session session) {
        if (channel == session.channel) {
            channel = null;
        }
        boolean wasOpen = session.wasOpened();
        session.ended();
        if (current == session) {
            current = null;
        }
        ClientException lost = closed ? closedException()
                : new ClientException(ClientException.CONNECTION_LOST, "the connection to " + address() + " closed while the request awaited its answer");
        List<PendingRequest> failed = new ArrayList<>(session.inFlight.values());
        session.inFlight.clear();
        for (PendingRequest pending : failed) {
            fail(pending, lost);
        }
        session.pushes.clear();
        if (wasOpen) {
            LOG.log(Level.DEBUG, () -> "session with " + address() + " closed");
            for (SessionListener listener : listeners) {
                try {
                    listener.onSessionClosed(session);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "a session listener failed", e);
                }
            }
        }
        scheduleReconnect();
    }

    private void violation(Session session, String what) {
        ClientException e = new ClientException(ClientException.PROTOCOL_VIOLATION, "the broker at " + address() + " " + what);
        lastFailure = e;
        LOG.log(Level.WARNING, e.getMessage() + "; closing the connection");
        session.channel.close();
    }

    // ------------------------------------------------------------------ requests (event loop)

    private void submit(PendingRequest pending) {
        if (closed) {
            pending.future.completeExceptionally(closedException());
            return;
        }
        if (pending.bound != null && (pending.bound != current || !pending.bound.isOpen())) {
            pending.future.completeExceptionally(new ClientException(ClientException.CONNECTION_LOST, "the connection this request belongs to is gone"));
            return;
        }
        pending.timeout = loop.schedule(() -> onTimeout(pending), requestTimeoutNanos, TimeUnit.NANOSECONDS);
        queue.add(pending);
        drain();
    }

    private void drain() {
        Session session = current;
        if (session == null || !session.isOpen()) {
            return;
        }
        boolean wrote = false;
        while (!session.throttled && session.inFlight.size() < session.maxInFlight) {
            PendingRequest pending = queue.poll();
            if (pending == null) {
                break;
            }
            if (pending.isDone()) {
                continue;
            }
            if (pending.bound != null && pending.bound != session) {
                fail(pending, new ClientException(ClientException.CONNECTION_LOST, "the connection this request belongs to is gone"));
                continue;
            }
            wrote |= write(session, pending);
        }
        if (wrote) {
            session.channel.flush();
        }
    }

    private boolean write(Session session, PendingRequest pending) {
        long correlation = nextCorrelation++;
        ByteBuf frame;
        try {
            frame = pending.request.encode(session.channel.alloc(), correlation);
        } catch (RuntimeException e) {
            fail(pending, new ClientException(ClientException.INVALID_ARGUMENT, "cannot encode " + pending.request + ": " + e.getMessage(), e));
            return false;
        }
        int length = frame.readableBytes() - Protocol.LENGTH_FIELD_BYTES;
        if (length > session.maxFrameBytes) {
            frame.release();
            fail(pending, ClientException.of(ProtocolError.FRAME_TOO_LARGE, Protocol.typeName(pending.request.type()) + " takes a frame of "
                    + length + " bytes, more than the broker's limit of " + session.maxFrameBytes));
            return false;
        }
        pending.correlationId = correlation;
        pending.sentOn = session;
        session.inFlight.put(correlation, pending);
        session.channel.write(frame, session.channel.voidPromise());
        return true;
    }

    private void onTimeout(PendingRequest pending) {
        if (pending.isDone()) {
            return;
        }
        if (pending.sentOn != null) {
            pending.sentOn.inFlight.remove(pending.correlationId);
        } else {
            queue.remove(pending);
        }
        fail(pending, new ClientException(ClientException.TIMEOUT, "no answer to " + Protocol.typeName(pending.request.type()) + " within "
                + config.requestTimeout().toMillis() + " ms"));
        drain();
    }

    private void onAnswer(Session session, Frame frame) {
        int type = frame.type();
        long correlation = frame.correlationId();
        if (type == Protocol.ERROR && correlation == 0) {
            FrameBody.ErrorBody error = FrameBody.ErrorBody.read(frame.body());
            lastFailure = new ClientException(error.code(), error.message());
            LOG.log(Level.WARNING, "the broker at " + address() + " reports " + ProtocolError.describe(error.code()) + ": " + error.message()
                    + (closesConnection(error.code()) ? "; the connection closes" : ""));
            if (closesConnection(error.code())) {
                session.channel.close();
            }
            return;
        }
        PendingRequest pending = session.inFlight.remove(correlation);
        if (pending == null) {
            if (type == Protocol.ERROR) {
                FrameBody.ErrorBody error = FrameBody.ErrorBody.read(frame.body());
                LOG.log(Level.DEBUG, () -> "ERROR for correlation id " + correlation + " (a CREDIT, or a request that timed out): "
                        + ProtocolError.describe(error.code()) + ": " + error.message());
            }
            return;
        }
        session.throttled = false;
        pending.sentOn = null;
        try {
            if (type == Protocol.ERROR) {
                FrameBody.ErrorBody error = FrameBody.ErrorBody.read(frame.body());
                if (error.code() == ProtocolError.TOO_MANY_IN_FLIGHT.code()) {
                    queue.addFirst(pending);
                    session.throttled = true;
                    if (session.inFlight.isEmpty()) {
                        loop.schedule(() -> {
                            session.throttled = false;
                            drain();
                        }, 10, TimeUnit.MILLISECONDS);
                    }
                    return;
                }
                fail(pending, new ClientException(error.code(), error.message()));
                if (closesConnection(error.code())) {
                    session.channel.close();
                }
                return;
            }
            int expected = answerType(pending.request.type());
            if (type != expected) {
                fail(pending, new ClientException(ClientException.PROTOCOL_VIOLATION, "the broker answered " + Protocol.typeName(pending.request.type())
                        + " with " + Protocol.typeName(type) + " instead of " + Protocol.typeName(expected)));
                violation(session, "answered " + Protocol.typeName(pending.request.type()) + " with " + Protocol.typeName(type));
                return;
            }
            complete(pending, FrameBody.read(frame));
        } catch (ProtocolException e) {
            fail(pending, new ClientException(ClientException.PROTOCOL_VIOLATION, "the broker's answer does not parse: " + e.getMessage(), e));
            violation(session, "sent a malformed " + Protocol.typeName(type) + ": " + e.detail());
        }
    }

    private void onPush(Session session, Frame frame) {
        FrameBody body = FrameBody.read(frame);
        if (body instanceof Subscriptions.Messages) {
            Subscriptions.Messages messages = (Subscriptions.Messages) body;
            PushHandler handler = session.pushes.get(messages.subscriptionId());
            if (handler != null) {
                handler.onMessages(session, messages);
            }
        } else if (body instanceof Groups.Assignment) {
            Groups.Assignment assignment = (Groups.Assignment) body;
            PushHandler handler = session.pushes.get(assignment.subscriptionId());
            if (handler != null) {
                handler.onAssignment(session, assignment);
            }
        } else if (body instanceof Subscriptions.SubscriptionEnded) {
            Subscriptions.SubscriptionEnded ended = (Subscriptions.SubscriptionEnded) body;
            PushHandler handler = session.pushes.remove(ended.subscriptionId());
            if (handler != null) {
                handler.onEnded(session, ended);
            }
        }
    }

    private static boolean closesConnection(int code) {
        return ProtocolError.find(code).map(ProtocolError::closesConnection).orElse(false);
    }

    private void failQueue(ClientException e) {
        PendingRequest pending;
        while ((pending = queue.poll()) != null) {
            fail(pending, e);
        }
    }

    private static void fail(PendingRequest pending, ClientException e) {
        if (pending.timeout != null) {
            pending.timeout.cancel(false);
        }
        pending.future.completeExceptionally(e);
    }

    private static void complete(PendingRequest pending, FrameBody body) {
        if (pending.timeout != null) {
            pending.timeout.cancel(false);
        }
        pending.future.complete(body);
    }

    /**
     * @param requestType a request's type
     * @return the type of its successful answer
     */
    static int answerType(int requestType) {
        switch (requestType) {
            case Protocol.HELLO:
                return Protocol.HELLO_OK;
            case Protocol.METADATA:
                return Protocol.METADATA_OK;
            case Protocol.CREATE_TOPIC:
            case Protocol.DESCRIBE_TOPIC:
            case Protocol.LIST_TOPICS:
                return Protocol.TOPICS;
            case Protocol.DELETE_TOPIC:
                return Protocol.DELETED;
            case Protocol.INIT_PRODUCER:
                return Protocol.PRODUCER;
            case Protocol.PRODUCE:
                return Protocol.PRODUCE_ACK;
            case Protocol.SUBSCRIBE:
                return Protocol.SUBSCRIBED;
            case Protocol.UNSUBSCRIBE:
                return Protocol.UNSUBSCRIBED;
            case Protocol.JOIN_GROUP:
                return Protocol.JOINED;
            case Protocol.HEARTBEAT:
            case Protocol.COMMIT:
            case Protocol.LEAVE_GROUP:
                return Protocol.OK;
            default:
                throw new IllegalArgumentException(Protocol.typeName(requestType) + " is not answered");
        }
    }

    /**
     * @param failure a failure from a future of this client
     * @return it as a {@link ClientException}
     */
    public static ClientException unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof java.util.concurrent.CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ClientException) {
            return (ClientException) cause;
        }
        return new ClientException(ClientException.PROTOCOL_VIOLATION, "unexpected failure: " + cause, cause);
    }

    /**
     * Waits for a future of this client from an application thread.
     *
     * @param <T> its value's type
     * @param future the future
     * @return its value
     * @throws ClientException its failure, or {@link ClientException#INTERRUPTED}
     */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException(ClientException.INTERRUPTED, "interrupted while waiting for the broker", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
    }

    /** The pipeline's last handler: hands frames and connection events to the core, on the event loop. */
    private final class SessionHandler extends ChannelInboundHandlerAdapter {
        final Session session;

        SessionHandler(Session session) {
            this.session = session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (ssl == null) {
                sendHello(session);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) event;
                if (done.isSuccess()) {
                    sendHello(session);
                } else {
                    Throwable cause = done.cause();
                    ClientException failed = new ClientException(ClientException.CONNECT_FAILED, "TLS handshake with " + address() + " failed: "
                            + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
                    lastFailure = failed;
                    LOG.log(closed ? Level.DEBUG : Level.WARNING, failed.getMessage());
                    if (isCertificateFailure(done.cause())) {
                        firstSession.completeExceptionally(failed);
                    }
                    ctx.close();
                }
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Frame)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            Frame frame = (Frame) msg;
            try {
                if (session.isOpen()) {
                    if (Protocol.isPush(frame.type())) {
                        onPush(session, frame);
                    } else {
                        onAnswer(session, frame);
                    }
                    drain();
                } else if (!session.wasOpened()) {
                    onHandshakeAnswer(session, frame);
                }
            } catch (ProtocolException e) {
                violation(session, "sent a malformed " + Protocol.typeName(frame.type()) + ": " + e.detail());
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onChannelClosed(session);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ProtocolException) {
                violation(session, "broke the protocol: " + cause.getMessage());
            } else {
                if (!(cause instanceof java.io.IOException)) {
                    LOG.log(Level.DEBUG, "connection to " + address() + " failed", cause);
                }
                lastFailure = new ClientException(ClientException.CONNECTION_LOST, "connection to " + address() + " failed: " + cause, cause);
                ctx.close();
            }
        }
    }

    private static boolean isCertificateFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof javax.net.ssl.SSLHandshakeException) {
                return true;
            }
        }
        return false;
    }
}
