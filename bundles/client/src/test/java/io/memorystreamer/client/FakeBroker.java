package io.memorystreamer.client;

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
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A small broker for the client's tests, speaking the wire protocol through the shared codec:
 * topics, an in-memory log per topic (with per-stream offsets, timestamps and shards),
 * idempotent producers with per (producer, topic, key) sequences, subscriptions with credit,
 * and a simplified consumer group (one lane, 0; each message is alone in its "frame", whose
 * position is its index in the topic's log; a commit of {@code (0, position, next)} stores
 * {@code position + next}, cut back to what was delivered).
 *
 * <p>Its state survives {@link #restart()} (as a broker's log would) while connections and
 * subscriptions do not. Switchable misbehaviour: answers dropped or failed on purpose, connections
 * closed after a request, answers held back and released in reverse order.
 *
 * <p>Everything runs on one event-loop thread; tests read the recordings (thread-safe lists) and
 * change the switches (volatile fields) from theirs.
 */
final class FakeBroker implements AutoCloseable {
    /** A request as received. */
    record Request(int connection, int type, long correlationId, long nanoTime, FrameBody body, String topic, long producerId, List<Sent> messages) {
        String name() {
            return Protocol.typeName(type);
        }
    }

    /** One message of a received PRODUCE. */
    record Sent(long sequence, String key, byte[] headers, byte[] payload) {
    }

    /** One stored message. */
    record Stored(String topic, String key, long offset, long timestamp, int shard, byte[] headers, byte[] payload) {
    }

    private final SslContext ssl;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Channel server;
    private int port;

    // Switches.
    volatile int minVersion = 1;
    volatile int maxVersion = 1;
    volatile String requiredToken;
    volatile int maxInFlight = 1000;
    volatile int maxFrameBytes = Protocol.DEFAULT_MAX_FRAME_BYTES;
    /** Requests processed but not answered. */
    volatile Predicate<Request> dropAnswer = r -> false;
    /** Requests after which the connection closes, processed but unanswered. */
    volatile Predicate<Request> closeAfter = r -> false;
    /** Requests answered with an error instead of being processed; the value is the code. */
    final Map<Integer, ArrayDeque<Integer>> failNext = new ConcurrentHashMap<>();
    /** Answers are held until this many are held, then sent in reverse order. */
    volatile int reverseNext;
    /** Whether INIT_PRODUCER state survives a restart. */
    volatile boolean forgetProducersOnRestart;
    /** The timestamp the next stored message gets, when set (else the clock). */
    volatile long fixedTimestamp = -1;

    // Recordings.
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Handshake.Hello> hellos = new CopyOnWriteArrayList<>();
    final List<Integer> connections = new CopyOnWriteArrayList<>();

    // State, on the event loop.
    private final Map<String, TopicAdmin.TopicInfo> topics = new HashMap<>();
    private final Map<String, List<Stored>> logs = new HashMap<>();
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private final Map<String, Long> expectedSequences = new HashMap<>();
    private final Map<String, Long> firstOffsetBySequence = new HashMap<>();
    private final Map<Long, Boolean> producers = new HashMap<>();
    private final Map<String, Integer> groupCommits = new HashMap<>();
    private long nextProducerId = 1;
    private int connectionCount;
    private final List<Conn> open = new ArrayList<>();
    private final List<ByteBuf> held = new ArrayList<>();
    private Conn heldOn;

    /** One client connection. */
    private final class Conn {
        final int number;
        final Channel channel;
        final FrameDecoder decoder;
        final Map<Integer, Sub> subs = new HashMap<>();
        boolean handshaken;

        Conn(int number, Channel channel, FrameDecoder decoder) {
            this.number = number;
            this.channel = channel;
            this.decoder = decoder;
        }
    }

    /** One subscription or group membership. */
    private static final class Sub {
        final int id;
        final String topic;
        final Subscriptions.Kind kind;
        final String keyOrPattern;
        final long minOffset;
        final long minTimestamp;
        final String group;
        int cursor;
        long credit;
        long granted;
        long pushed;

        Sub(int id, String topic, Subscriptions.Kind kind, String keyOrPattern, long minOffset, long minTimestamp, String group, int cursor, long credit) {
            this.id = id;
            this.topic = topic;
            this.kind = kind;
            this.keyOrPattern = keyOrPattern;
            this.minOffset = minOffset;
            this.minTimestamp = minTimestamp;
            this.group = group;
            this.cursor = cursor;
            this.credit = credit;
            this.granted = credit;
        }
    }

    FakeBroker() {
        this(null);
    }

    FakeBroker(SslContext ssl) {
        this.ssl = ssl;
        bind(0);
    }

    int port() {
        return port;
    }

    ClientConfig.Builder config() {
        return ClientConfig.builder().bootstrap("127.0.0.1", port).requestTimeout(java.time.Duration.ofSeconds(5))
                .connectTimeout(java.time.Duration.ofSeconds(5)).reconnectBackoff(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200));
    }

    private void bind(int at) {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        FrameDecoder decoder = new FrameDecoder(Protocol.Direction.CLIENT_TO_SERVER, maxFrameBytes);
                        Conn conn = new Conn(++connectionCount, ch, decoder);
                        connections.add(conn.number);
                        open.add(conn);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(decoder, new Handler(conn));
                    }
                });
        // A port below the ephemeral range, so that no client socket can take it (a client
        // reconnecting to a port just freed may otherwise connect to itself and hold it).
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; ; attempt++) {
            int want = at != 0 ? at : 20_000 + random.nextInt(12_000);
            io.netty.channel.ChannelFuture bound = bootstrap.bind(new InetSocketAddress("127.0.0.1", want)).awaitUninterruptibly();
            if (bound.isSuccess()) {
                server = bound.channel();
                port = want;
                return;
            }
            if (attempt == 100) {
                throw new IllegalStateException("cannot listen on 127.0.0.1:" + want, bound.cause());
            }
            if (at != 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Runs something on the broker's thread and waits for it. */
    <T> T call(java.util.function.Supplier<T> what) {
        CompletableFuture<T> result = new CompletableFuture<>();
        group.next().execute(() -> {
            try {
                result.complete(what.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.join();
    }

    /** Closes every connection, stops listening, and listens again on the same port: a broker restart. */
    void restart() {
        stop();
        call(() -> {
            if (forgetProducersOnRestart) {
                producers.clear();
                expectedSequences.clear();
            }
            return null;
        });
        bind(port);
    }

    /** Closes every connection and stops listening (state kept). */
    void stop() {
        call(() -> {
            for (Conn conn : new ArrayList<>(open)) {
                conn.channel.close();
            }
            return null;
        });
        server.close().syncUninterruptibly();
        call(() -> {
            open.clear();
            return null;
        });
    }

    /** Starts listening again after {@link #stop()}. */
    void startAgain() {
        bind(port);
    }

    /** Closes every client connection (the broker stays up). */
    void dropConnections() {
        call(() -> {
            for (Conn conn : new ArrayList<>(open)) {
                conn.channel.close();
            }
            return null;
        });
    }

    void createTopic(String name, int shards) {
        call(() -> {
            topics.put(name, new TopicAdmin.TopicInfo(name, shards, TopicAdmin.Durability.BATCH, 0, 0, 1024 * 1024, 0, 0));
            logs.put(name, new ArrayList<>());
            return null;
        });
    }

    List<Stored> log(String topic) {
        return call(() -> List.copyOf(logs.getOrDefault(topic, List.of())));
    }

    /** Appends a message as a producer without idempotence would. */
    void append(String topic, String key, String payload) {
        call(() -> {
            store(topic, key, new byte[0], payload.getBytes(StandardCharsets.UTF_8));
            pushAll();
            return null;
        });
    }

    List<Request> requests(int type) {
        List<Request> result = new ArrayList<>();
        for (Request request : requests) {
            if (request.type() == type) {
                result.add(request);
            }
        }
        return result;
    }

    /** @return the credit granted in total (initial and CREDIT) to the live subscription with this id, and how many it was sent */
    long[] grantedAndPushed(int subscriptionId) {
        return call(() -> {
            for (Conn conn : open) {
                Sub sub = conn.subs.get(subscriptionId);
                if (sub != null) {
                    return new long[] {sub.granted, sub.pushed};
                }
            }
            return null;
        });
    }

    /** @return the ids of the open subscriptions */
    List<Integer> openSubscriptions() {
        return call(() -> {
            List<Integer> ids = new ArrayList<>();
            for (Conn conn : open) {
                ids.addAll(conn.subs.keySet());
            }
            return ids;
        });
    }

    Integer groupCommit(String group) {
        return call(() -> groupCommits.get(group));
    }

    /** Ends a subscription on the broker's own initiative. */
    void endSubscription(int subscriptionId, ProtocolError code, String message) {
        call(() -> {
            for (Conn conn : open) {
                if (conn.subs.remove(subscriptionId) != null) {
                    send(conn, new Subscriptions.SubscriptionEnded(subscriptionId, code.code(), message), 0);
                }
            }
            return null;
        });
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    // ------------------------------------------------------------------ protocol

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final Conn conn;

        Handler(Conn conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            try {
                onFrame(conn, frame);
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(conn);
            conn.subs.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ProtocolException) {
                ProtocolException e = (ProtocolException) cause;
                ByteBuf out = ctx.alloc().buffer();
                FrameWriter.write(out, FrameBody.ErrorBody.of(e), e.correlationId());
                ctx.writeAndFlush(out).addListener(f -> ctx.close());
            } else {
                ctx.close();
            }
        }
    }

    private void onFrame(Conn conn, Frame frame) {
        long correlation = frame.correlationId();
        int type = frame.type();
        List<Sent> sent = null;
        String topic = null;
        long producerId = 0;
        FrameBody body = FrameBody.read(frame);
        if (body instanceof Publishing.Produce) {
            sent = new ArrayList<>();
            topic = ((Publishing.Produce) body).topic();
            producerId = ((Publishing.Produce) body).producerId();
            Publishing.Produce.Cursor cursor = ((Publishing.Produce) body).cursor();
            while (cursor.next()) {
                sent.add(new Sent(cursor.sequence(), cursor.key().toString(StandardCharsets.UTF_8), ByteBufUtil.getBytes(cursor.headers()),
                        ByteBufUtil.getBytes(cursor.payload())));
            }
        }
        Request request = new Request(conn.number, type, correlation, System.nanoTime(), body instanceof Publishing.Produce ? null : body, topic,
                producerId, sent);
        requests.add(request);
        if (!conn.handshaken) {
            if (type != Protocol.HELLO) {
                error(conn, correlation, ProtocolError.HANDSHAKE_REQUIRED, "HELLO first");
                conn.channel.close();
                return;
            }
            Handshake.Hello hello = (Handshake.Hello) body;
            hellos.add(hello);
            int version = hello.negotiate(minVersion, maxVersion);
            if (version == 0) {
                ByteBuf out = conn.channel.alloc().buffer();
                int start = FrameWriter.begin(out, minVersion, Protocol.ERROR, Protocol.FLAG_RESPONSE, correlation);
                FrameBody.ErrorBody.of(ProtocolError.UNSUPPORTED_VERSION, "this broker speaks versions " + minVersion + ".." + maxVersion).write(out);
                FrameWriter.end(out, start);
                conn.channel.writeAndFlush(out).addListener(f -> conn.channel.close());
                return;
            }
            if (requiredToken != null && !requiredToken.equals(hello.authToken())) {
                error(conn, correlation, ProtocolError.NOT_AUTHENTICATED, "a valid token is required");
                conn.channel.close();
                return;
            }
            conn.handshaken = true;
            conn.decoder.negotiatedVersion(version);
            send(conn, new Handshake.HelloOk(version, "fake-1.0", maxFrameBytes, maxInFlight), correlation);
            return;
        }
        if (type == Protocol.CREDIT) {
            Subscriptions.Credit credit = (Subscriptions.Credit) body;
            Sub sub = conn.subs.get(credit.subscriptionId());
            if (sub == null) {
                error(conn, correlation, ProtocolError.UNKNOWN_SUBSCRIPTION, "no subscription " + credit.subscriptionId());
                return;
            }
            sub.credit += credit.credits();
            sub.granted += credit.credits();
            pushAll();
            return;
        }
        ArrayDeque<Integer> failures = failNext.get(type);
        Integer failure = failures == null ? null : failures.poll();
        if (failure != null) {
            error(conn, correlation, ProtocolError.of(failure), "failed on purpose");
            return;
        }
        FrameBody answer;
        try {
            answer = type == Protocol.PRODUCE ? produce(request) : process(conn, type, body);
        } catch (Refusal r) {
            answer = FrameBody.ErrorBody.of(r.error, r.getMessage());
        }
        if (closeAfter.test(request)) {
            conn.channel.close();
            return;
        }
        if (!dropAnswer.test(request)) {
            answer(conn, answer, correlation);
        }
        pushAll();
    }

    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final ProtocolError error;

        Refusal(ProtocolError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private FrameBody process(Conn conn, int type, FrameBody body) {
        switch (type) {
            case Protocol.METADATA:
                return new Handshake.MetadataOk("fake-1.0", minVersion, maxVersion, maxFrameBytes, maxInFlight, 1024 * 1024, topics.size());
            case Protocol.CREATE_TOPIC: {
                TopicAdmin.CreateTopic create = (TopicAdmin.CreateTopic) body;
                if (topics.containsKey(create.name())) {
                    throw new Refusal(ProtocolError.TOPIC_EXISTS, "topic '" + create.name() + "' exists");
                }
                if (create.shards() < 1 || create.shards() > 1024) {
                    throw new Refusal(ProtocolError.INVALID_REQUEST, "shards is 1 to 1024, not " + create.shards());
                }
                TopicAdmin.TopicInfo info = new TopicAdmin.TopicInfo(create.name(), create.shards(), create.durability(), create.retentionMs(),
                        create.retentionBytesPerShard(), create.maxMessageBytes() == 0 ? 1024 * 1024 : create.maxMessageBytes(), 0, 0);
                topics.put(create.name(), info);
                logs.put(create.name(), new ArrayList<>());
                return new TopicAdmin.TopicsInfo(List.of(info));
            }
            case Protocol.DESCRIBE_TOPIC:
                return new TopicAdmin.TopicsInfo(List.of(describe(((TopicAdmin.DescribeTopic) body).name())));
            case Protocol.LIST_TOPICS: {
                List<TopicAdmin.TopicInfo> all = new ArrayList<>();
                topics.keySet().stream().sorted().forEach(name -> all.add(describe(name)));
                return new TopicAdmin.TopicsInfo(all);
            }
            case Protocol.DELETE_TOPIC: {
                String name = ((TopicAdmin.DeleteTopic) body).name();
                boolean existed = topics.remove(name) != null;
                logs.remove(name);
                for (Conn c : open) {
                    for (Sub sub : new ArrayList<>(c.subs.values())) {
                        if (sub.topic.equals(name)) {
                            c.subs.remove(sub.id);
                            send(c, new Subscriptions.SubscriptionEnded(sub.id, ProtocolError.CLOSED.code(), "topic deleted"), 0);
                        }
                    }
                }
                return new TopicAdmin.Deleted(existed);
            }
            case Protocol.INIT_PRODUCER: {
                long id = nextProducerId++;
                producers.put(id, true);
                return new Publishing.ProducerId(id);
            }
            case Protocol.SUBSCRIBE: {
                Subscriptions.Subscribe s = (Subscriptions.Subscribe) body;
                requireTopic(s.topic());
                if (conn.subs.containsKey(s.subscriptionId())) {
                    throw new Refusal(ProtocolError.INVALID_REQUEST, "subscription " + s.subscriptionId() + " is open");
                }
                conn.subs.put(s.subscriptionId(), newSub(s.subscriptionId(), s.topic(), s.kind(), s.keyOrPattern(), s.startKind(), s.startValue(), null,
                        s.initialCredit()));
                return new Subscriptions.Subscribed(s.subscriptionId());
            }
            case Protocol.UNSUBSCRIBE: {
                int id = ((Subscriptions.Unsubscribe) body).subscriptionId();
                if (conn.subs.remove(id) == null) {
                    throw new Refusal(ProtocolError.UNKNOWN_SUBSCRIPTION, "no subscription " + id);
                }
                return new Subscriptions.Unsubscribed(id);
            }
            case Protocol.JOIN_GROUP: {
                Groups.JoinGroup join = (Groups.JoinGroup) body;
                requireTopic(join.topic());
                Sub sub = newSub(join.subscriptionId(), join.topic(), Subscriptions.Kind.TOPIC, "", join.startKind(), join.startValue(), join.group(),
                        join.initialCredit());
                Integer committed = groupCommits.get(join.group());
                if (committed != null) {
                    sub.cursor = committed;
                }
                conn.subs.put(join.subscriptionId(), sub);
                String member = join.memberId().isEmpty() ? "member-" + conn.number : join.memberId();
                return new Groups.Joined(join.subscriptionId(), member, List.of("0.0"));
            }
            case Protocol.HEARTBEAT:
                requireMember(conn, ((Groups.Heartbeat) body).subscriptionId());
                return new FrameBody.Empty(Protocol.OK);
            case Protocol.COMMIT: {
                Groups.Commit commit = (Groups.Commit) body;
                Sub sub = requireMember(conn, commit.subscriptionId());
                for (Groups.Position position : commit.positions()) {
                    if (position.lane() == 0) {
                        groupCommits.put(sub.group, (int) Math.min(sub.cursor, position.framePosition() + position.nextIndex()));
                    }
                }
                return new FrameBody.Empty(Protocol.OK);
            }
            case Protocol.LEAVE_GROUP: {
                int id = ((Groups.LeaveGroup) body).subscriptionId();
                requireMember(conn, id);
                conn.subs.remove(id);
                return new FrameBody.Empty(Protocol.OK);
            }
            default:
                throw new Refusal(ProtocolError.INVALID_REQUEST, "the fake broker does not do " + Protocol.typeName(type));
        }
    }

    private Sub requireMember(Conn conn, int id) {
        Sub sub = conn.subs.get(id);
        if (sub == null) {
            throw new Refusal(ProtocolError.UNKNOWN_SUBSCRIPTION, "no membership " + id);
        }
        if (sub.group == null) {
            throw new Refusal(ProtocolError.INVALID_REQUEST, id + " is a plain subscription");
        }
        return sub;
    }

    private void requireTopic(String name) {
        if (!topics.containsKey(name)) {
            throw new Refusal(ProtocolError.UNKNOWN_TOPIC, "topic '" + name + "' does not exist");
        }
    }

    private TopicAdmin.TopicInfo describe(String name) {
        requireTopic(name);
        TopicAdmin.TopicInfo t = topics.get(name);
        long streams = logs.get(name).stream().map(Stored::key).distinct().count();
        return new TopicAdmin.TopicInfo(t.name(), t.shards(), t.durability(), t.retentionMs(), t.retentionBytesPerShard(), t.maxMessageBytes(), streams,
                logs.get(name).size() * 100L);
    }

    private Sub newSub(int id, String topic, Subscriptions.Kind kind, String keyOrPattern, Subscriptions.StartKind start, long value, String group,
            long credit) {
        List<Stored> log = logs.get(topic);
        int cursor = start == Subscriptions.StartKind.LATEST ? log.size() : 0;
        long minOffset = start == Subscriptions.StartKind.OFFSET ? value : 0;
        long minTimestamp = start == Subscriptions.StartKind.TIMESTAMP ? value : 0;
        return new Sub(id, topic, kind, keyOrPattern, minOffset, minTimestamp, group, cursor, credit);
    }

    private FrameBody produce(Request request) {
        String topic = request.topic();
        requireTopic(topic);
        long pid = request.producerId();
        if (pid != 0 && !producers.containsKey(pid)) {
            throw new Refusal(ProtocolError.UNKNOWN_PRODUCER, "producer " + pid + " is unknown");
        }
        if (pid != 0) {
            Map<String, Long> expected = new HashMap<>();
            for (Sent m : request.messages()) {
                String k = pid + "/" + topic + "/" + m.key();
                long next = expected.getOrDefault(k, expectedSequences.getOrDefault(k, 0L));
                if (m.sequence() > next) {
                    throw new Refusal(ProtocolError.OUT_OF_ORDER_SEQUENCE, "key " + m.key() + ": sequence " + m.sequence() + ", expected " + next);
                }
                expected.put(k, Math.max(next, m.sequence() + 1));
            }
        }
        List<Publishing.Ack> acks = new ArrayList<>();
        for (Sent m : request.messages()) {
            String k = pid + "/" + topic + "/" + m.key();
            if (pid != 0 && m.sequence() < expectedSequences.getOrDefault(k, 0L)) {
                Long first = firstOffsetBySequence.get(k + "#" + m.sequence());
                acks.add(new Publishing.Ack(first == null ? Publishing.UNKNOWN_OFFSET : first, Publishing.AckStatus.DUPLICATE));
                continue;
            }
            Stored stored = store(topic, m.key(), m.headers(), m.payload());
            if (pid != 0) {
                expectedSequences.put(k, m.sequence() + 1);
                firstOffsetBySequence.put(k + "#" + m.sequence(), stored.offset());
            }
            acks.add(new Publishing.Ack(stored.offset(), Publishing.AckStatus.WRITTEN));
        }
        return new Publishing.ProduceAck(acks);
    }

    private Stored store(String topic, String key, byte[] headers, byte[] payload) {
        String streamKey = topic + "/" + key;
        long offset = nextOffsets.getOrDefault(streamKey, 0L);
        nextOffsets.put(streamKey, offset + 1);
        int shards = topics.get(topic).shards();
        int shard = Math.floorMod(key.hashCode(), shards);
        long timestamp = fixedTimestamp >= 0 ? fixedTimestamp : System.currentTimeMillis();
        Stored stored = new Stored(topic, key, offset, timestamp, shard, headers, payload);
        logs.get(topic).add(stored);
        return stored;
    }

    private void pushAll() {
        for (Conn conn : new ArrayList<>(open)) {
            for (Sub sub : new ArrayList<>(conn.subs.values())) {
                push(conn, sub);
            }
        }
    }

    private void push(Conn conn, Sub sub) {
        List<Stored> log = logs.get(sub.topic);
        if (log == null) {
            return;
        }
        while (sub.credit > 0 && sub.cursor < log.size()) {
            ByteBuf out = conn.channel.alloc().buffer();
            int start = FrameWriter.begin(out, Protocol.MESSAGES, 0);
            int countIndex = Subscriptions.Messages.beginMessages(out, sub.id);
            int count = 0;
            while (sub.credit > 0 && sub.cursor < log.size() && count < 100) {
                int position = sub.cursor++;
                Stored m = log.get(position);
                if (!matches(sub, m)) {
                    continue;
                }
                Subscriptions.Messages.appendMessage(out, Unpooled.wrappedBuffer(m.key().getBytes(StandardCharsets.UTF_8)), m.offset(), m.timestamp(),
                        m.shard(), sub.group == null ? Subscriptions.Messages.NO_LANE : 0, position, 0, Unpooled.wrappedBuffer(m.headers()), Unpooled.wrappedBuffer(m.payload()));
                count++;
                sub.credit--;
                sub.pushed++;
            }
            if (count == 0) {
                out.release();
                continue;
            }
            Subscriptions.Messages.endMessages(out, countIndex, count);
            FrameWriter.end(out, start);
            conn.channel.writeAndFlush(out);
        }
    }

    private static boolean matches(Sub sub, Stored m) {
        if (m.offset() < sub.minOffset || m.timestamp() < sub.minTimestamp) {
            return false;
        }
        switch (sub.kind) {
            case STREAM:
                return m.key().equals(sub.keyOrPattern);
            case PATTERN: {
                String[] want = sub.keyOrPattern.split("/", -1);
                String[] have = m.key().split("/", -1);
                if (want.length != have.length) {
                    return false;
                }
                for (int i = 0; i < want.length; i++) {
                    if (!want[i].equals("*") && !want[i].equals(have[i])) {
                        return false;
                    }
                }
                return true;
            }
            default:
                return true;
        }
    }

    private void answer(Conn conn, FrameBody body, long correlation) {
        if (reverseNext > 0 || heldOn != null) {
            ByteBuf out = conn.channel.alloc().buffer();
            FrameWriter.write(out, body, correlation);
            held.add(out);
            heldOn = conn;
            if (held.size() >= reverseNext) {
                for (int i = held.size() - 1; i >= 0; i--) {
                    conn.channel.write(held.get(i));
                }
                conn.channel.flush();
                held.clear();
                heldOn = null;
                reverseNext = 0;
            }
            return;
        }
        send(conn, body, correlation);
    }

    private void send(Conn conn, FrameBody body, long correlation) {
        ByteBuf out = conn.channel.alloc().buffer();
        FrameWriter.write(out, body, correlation);
        conn.channel.writeAndFlush(out);
    }

    private void error(Conn conn, long correlation, ProtocolError error, String message) {
        send(conn, FrameBody.ErrorBody.of(error, message), correlation);
    }
}
