package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.transport.TransportServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire-protocol server: one listening socket, {@code io.threads} event loops that own the
 * connections ({@link Connection}), one broker {@link LoopPublisher} per event loop, and a small
 * pool for the broker calls that may block on disk (topic administration, joining a group,
 * commits, closing subscriptions), so no event loop ever waits on a disk.
 *
 * <pre>
 *  socket ─► [TLS] ─► flush consolidation ─► FrameDecoder (checks, zero-copy body) ─► Connection
 *                                                                                     │ PRODUCE: views ─► Publisher of this loop
 *                                                                                     │ admin, join, commit ─► blocking pool
 *  ms-delivery thread ─► PushSubscription (MESSAGES frames) ─► this loop ─► socket ◄──┘
 * </pre>
 *
 * <p>Threading: started and closed by one thread (the component); the rest as described in each
 * class. Per-connection state lives on the connection's event loop.
 */
final class NettyServer implements TransportServer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);
    /** How long a connection may take to send HELLO. */
    static final long HELLO_TIMEOUT_MILLIS = 10_000;
    /** Netty's outbound buffer of a connection: writable again below this many bytes. */
    static final int LOW_WATER_MARK = 128 * 1024;
    /** Netty's outbound buffer of a connection: not writable above this many bytes. */
    static final int HIGH_WATER_MARK = 512 * 1024;
    /** How long a stop waits for the requests in flight to be answered. */
    static final long DRAIN_MILLIS = 5_000;
    /** How long a stop then waits for the answers to leave (the peers to read them). */
    static final long FLUSH_MILLIS = 2_000;

    private final Broker broker;
    private final TransportSettings settings;
    private final ServerSecurity security;
    private final Producers producers;
    private final TopicCache topics;
    private final String brokerVersion;
    private final IoTransport transport;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Map<EventExecutor, LoopPublisher> publishers = new IdentityHashMap<>();
    private final ChannelGroup channels = new DefaultChannelGroup("ms-transport", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong backPressureWaits = new AtomicLong();
    /** PRODUCE requests between their reservation and their answer, on every connection (open or closed). */
    private final AtomicInteger producesInFlight = new AtomicInteger();
    private volatile boolean stopping;
    private final ThreadPoolExecutor blocking;
    private final Channel serverChannel;
    private final InetSocketAddress address;
    private final ScheduledFuture<?> sweeper;

    private NettyServer(Broker broker, TransportSettings settings, ServerSecurity security, Producers producers, String brokerVersion,
            boolean preferEpoll) throws IOException {
        this.broker = broker;
        this.settings = settings;
        this.security = security;
        this.producers = producers;
        this.topics = new TopicCache(broker);
        this.brokerVersion = brokerVersion;
        this.transport = IoTransport.pick(preferEpoll);
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ms-transport-accept", true), transport.ioHandlerFactory());
        this.workers = new MultiThreadIoEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory("ms-transport-io", true),
                transport.ioHandlerFactory());
        this.blocking = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("ms-transport-blocking", true));
        blocking.allowCoreThreadTimeOut(true);
        Channel bound = null;
        try {
            for (EventExecutor loop : workers) {
                publishers.put(loop, new LoopPublisher(broker));
            }
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATER_MARK, HIGH_WATER_MARK))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            initConnection(channel);
                        }
                    });
            bound = bootstrap.bind(settings.host(), settings.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutdownGroups();
            blocking.shutdown();
            for (LoopPublisher publisher : publishers.values()) {
                publisher.close();
            }
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        this.serverChannel = bound;
        this.address = (InetSocketAddress) bound.localAddress();
        long every = Math.max(1_000, Math.min(producers.idleExpiryMillis() / 4, 30_000));
        this.sweeper = acceptor.next().scheduleAtFixedRate(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds and starts serving.
     *
     * @param broker the broker
     * @param settings the checked settings
     * @param security what the settings' files hold
     * @param producers the idempotent producers' state (kept across restarts of the server)
     * @param brokerVersion the version announced in HELLO_OK and METADATA_OK
     * @param preferEpoll whether to use epoll where it is available (tests may force NIO)
     * @return the running server
     * @throws IOException when the address cannot be bound
     */
    static NettyServer start(Broker broker, TransportSettings settings, ServerSecurity security, Producers producers, String brokerVersion,
            boolean preferEpoll) throws IOException {
        NettyServer server = new NettyServer(broker, settings, security, producers, brokerVersion, preferEpoll);
        LOG.info("Network transport listening on {}:{} ({}{}, {} I/O thread(s), TLS {}, token authentication {})",
                server.address.getAddress().getHostAddress(), server.address.getPort(), server.transport.name(),
                server.transport.whyNotEpoll() == null ? "" : ": epoll unavailable, " + server.transport.whyNotEpoll(), settings.ioThreads(),
                security.tls() ? "on" : "off", security.tokenRequired() ? "on" : "off");
        if (!server.address.getAddress().isLoopbackAddress()) {
            LOG.warn("Network transport is reachable from other machines on {} (host = {}){}", server.address, settings.host(),
                    security.tokenRequired() ? "" : "; no token is required (auth.token.file is not set)");
        }
        return server;
    }

    private void initConnection(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (security.tls()) {
            pipeline.addLast("tls", security.newHandler(channel.alloc()));
        }
        pipeline.addLast("flush", new FlushConsolidationHandler(256, true));
        FrameDecoder decoder = new FrameDecoder(Protocol.Direction.CLIENT_TO_SERVER, settings.maxFrameBytes());
        pipeline.addLast("frames", decoder);
        pipeline.addLast("connection", new Connection(this, decoder, publishers.get(channel.eventLoop())));
        channels.add(channel);
    }

    private void sweep() {
        try {
            producers.sweep();
        } catch (RuntimeException e) {
            LOG.error("Sweeping idle producers failed", e);
        }
    }

    // ---------------------------------------------------------------- for connections

    Broker broker() {
        return broker;
    }

    TransportSettings settings() {
        return settings;
    }

    ServerSecurity security() {
        return security;
    }

    Producers producers() {
        return producers;
    }

    TopicCache topics() {
        return topics;
    }

    String brokerVersion() {
        return brokerVersion;
    }

    ExecutorService blocking() {
        return blocking;
    }

    /** @return whether a new connection is within the limit (counted either way; {@link #connectionClosed} uncounts it) */
    boolean connectionOpened() {
        return connections.incrementAndGet() <= settings.maxConnections();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** A PRODUCE was handed to the broker; {@link #produceEnded} once its messages all reported. */
    void produceStarted() {
        producesInFlight.incrementAndGet();
    }

    void produceEnded() {
        producesInFlight.decrementAndGet();
    }

    /** @return whether {@link #close} began: new connections are not served */
    boolean stopping() {
        return stopping;
    }

    /** Counts one wait of a PRODUCE for room in the broker. */
    void backPressured() {
        backPressureWaits.incrementAndGet();
    }

    /** @return how many times a PRODUCE waited for room in the broker (diagnostics, tests) */
    long backPressureWaits() {
        return backPressureWaits.get();
    }

    /** @return the open channels (tests) */
    List<Channel> channels() {
        return new ArrayList<>(channels);
    }

    /** @return the transport in use, "epoll" or "nio" */
    String transportName() {
        return transport.name();
    }

    /** @return the publisher of an event loop (tests) */
    LoopPublisher publisherOf(EventLoop loop) {
        return publishers.get(loop);
    }

    // ---------------------------------------------------------------- TransportServer

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public boolean tlsEnabled() {
        return security.tls();
    }

    @Override
    public int connectionCount() {
        return Math.max(0, connections.get());
    }

    /**
     * Stops gracefully: stops listening and reading, waits (at most {@value #DRAIN_MILLIS} ms) until
     * every request already read is answered (a PRODUCE when its messages are durable), waits (at
     * most {@value #FLUSH_MILLIS} ms more) until the answers have left, then closes every connection
     * (ending their subscriptions) and stops the threads. So a clean stop leaves nothing the broker
     * wrote unacknowledged, unless the broker takes longer than that; requests not read by then
     * are not executed (their clients send them again after reconnecting).
     */
    @Override
    public void close() {
        stopping = true;
        sweeper.cancel(false);
        serverChannel.close().syncUninterruptibly();
        drain();
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownGroups();
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Broker calls of the network transport still run after 10 s; leaving them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (LoopPublisher publisher : publishers.values()) {
            publisher.close();
        }
        LOG.info("Network transport stopped listening on {}", address);
    }

    /** Stops reading, waits for the answers of everything read, flushes them and closes the connections. */
    private void drain() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        Map<Channel, Connection> open = new IdentityHashMap<>();
        for (Channel channel : channels) {
            Connection connection = channel.pipeline().get(Connection.class);
            if (connection != null) {
                open.put(channel, connection);
                channel.eventLoop().execute(connection::quiesce);
            }
        }
        boolean answered = false;
        while (!answered) {
            int unanswered = 0;
            for (Connection connection : open.values()) {
                unanswered += connection.unansweredFromOutside();
            }
            int produces = producesInFlight.get();
            answered = unanswered == 0 && produces == 0;
            if (!answered && System.nanoTime() - deadline > 0) {
                LOG.warn("Network transport stopping: {} request(s) still unanswered after {} ms ({} PRODUCE(s) in the broker); closing"
                        + " their connections (clients send them again after reconnecting)", unanswered, DRAIN_MILLIS, produces);
                break;
            }
            if (!answered) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (Map.Entry<Channel, Connection> entry : open.entrySet()) {
            entry.getKey().eventLoop().execute(entry.getValue()::closeAfterFlush);
        }
        long flushDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS);
        for (Channel channel : open.keySet()) {
            long left = flushDeadline - System.nanoTime();
            if (left <= 0 || !channel.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                LOG.warn("Network transport stopping: some clients did not take their answers within {} ms; closing anyway", FLUSH_MILLIS);
                break;
            }
        }
        LOG.info("Network transport stopped reading and closed {} connection(s) in {} ms{}", open.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), answered ? ", every request read answered" : "");
    }

    private void shutdownGroups() {
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "NettyServer{" + address + ", " + transport.name() + "}";
    }
}
