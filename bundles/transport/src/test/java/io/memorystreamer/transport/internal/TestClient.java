package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.memorystreamer.client.protocol.Frame;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameDecoder;
import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.ProtocolException;
import io.memorystreamer.client.protocol.Subscriptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A small raw client of the wire protocol for tests, on the shared codec: Netty with the
 * client-side {@link FrameDecoder}; answers are matched to requests by correlation id; pushes
 * (MESSAGES, ASSIGNMENT, SUBSCRIPTION_ENDED) and connection-level errors wait in queues. MESSAGES
 * are copied into {@link Message}s as they arrive.
 */
final class TestClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);

    /** A received frame, its body parsed (and MESSAGES copied out). */
    record Reply(int type, long correlationId, FrameBody body, List<Message> messages) {
        boolean isError() {
            return type == Protocol.ERROR;
        }

        FrameBody.ErrorBody error() {
            return (FrameBody.ErrorBody) body;
        }
    }

    /** One delivered message, copied. */
    record Message(int subscriptionId, String key, long offset, long timestamp, int shard, int lane, long framePosition, int indexInFrame,
            byte[] headers, String payload) {
        @Override
        public String toString() {
            return key + "@" + offset + "=" + payload;
        }
    }

    final Channel channel;
    private final ConcurrentHashMap<Long, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Reply> pushes = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Reply> orphans = new LinkedBlockingQueue<>();
    private final AtomicLong correlation = new AtomicLong();
    private volatile ProtocolException decodeFailure;
    private volatile Consumer<Reply> pushListener;

    private TestClient(Channel channel) {
        this.channel = channel;
    }

    /**
     * Connects.
     *
     * @param group the event loops
     * @param address the server
     * @param ssl a client TLS context, or null
     * @param receiveBuffer the socket's receive buffer (0: the system's)
     */
    static TestClient connect(EventLoopGroup group, InetSocketAddress address, SslContext ssl, int receiveBuffer) throws InterruptedException {
        TestClient[] holder = new TestClient[1];
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
                        }
                        ch.pipeline().addLast(new FrameDecoder(Protocol.Direction.SERVER_TO_CLIENT, Protocol.MAX_MAX_FRAME_BYTES));
                        ch.pipeline().addLast(new Inbound(holder));
                    }
                });
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        Channel channel = bootstrap.connect(address).sync().channel();
        TestClient client = new TestClient(channel);
        holder[0] = client;
        return client;
    }

    private static final class Inbound extends ChannelInboundHandlerAdapter {
        private final TestClient[] holder;

        Inbound(TestClient[] holder) {
            this.holder = holder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Frame frame = (Frame) msg;
            try {
                while (holder[0] == null) {
                    Thread.onSpinWait();
                }
                holder[0].received(frame);
            } finally {
                frame.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ProtocolException && holder[0] != null) {
                holder[0].decodeFailure = (ProtocolException) cause;
            }
            ctx.close();
        }
    }

    private void received(Frame frame) {
        FrameBody body = FrameBody.read(frame);
        List<Message> messages = List.of();
        if (body instanceof Subscriptions.Messages) {
            Subscriptions.Messages m = (Subscriptions.Messages) body;
            messages = new ArrayList<>(m.count());
            Subscriptions.Messages.Cursor cursor = m.cursor();
            while (cursor.next()) {
                byte[] headers = new byte[cursor.headersLength()];
                cursor.buffer().getBytes(cursor.headersIndex(), headers);
                messages.add(new Message(m.subscriptionId(), cursor.key().toString(StandardCharsets.UTF_8), cursor.streamOffset(),
                        cursor.timestamp(), cursor.shard(), cursor.lane(), cursor.framePosition(), cursor.indexInFrame(), headers,
                        cursor.payload().toString(StandardCharsets.UTF_8)));
            }
            body = new Subscriptions.Messages(m.subscriptionId(), 0, Unpooled.EMPTY_BUFFER);
        }
        Reply reply = new Reply(frame.type(), frame.correlationId(), body, messages);
        if (Protocol.isPush(frame.type())) {
            Consumer<Reply> listener = pushListener;
            if (listener != null) {
                listener.accept(reply);
            } else {
                pushes.add(reply);
            }
            return;
        }
        CompletableFuture<Reply> future = frame.correlationId() == 0 ? null : pending.remove(frame.correlationId());
        if (future != null) {
            future.complete(reply);
        } else {
            orphans.add(reply);
        }
    }

    /** @param listener gets every push from now on (on the client's event loop) instead of the queue */
    void onPush(Consumer<Reply> listener) {
        this.pushListener = listener;
    }

    /** @return the next correlation id */
    long nextId() {
        return correlation.incrementAndGet();
    }

    /**
     * Sends a request.
     *
     * @return its answer, when it comes
     */
    CompletableFuture<Reply> send(FrameBody body) {
        long id = nextId();
        CompletableFuture<Reply> future = new CompletableFuture<>();
        pending.put(id, future);
        ByteBuf out = channel.alloc().buffer();
        FrameWriter.write(out, body, id);
        channel.writeAndFlush(out);
        return future;
    }

    /** Sends a request that gets no answer when it succeeds (CREDIT); an error arrives among the orphans or by id. */
    long sendNoAnswer(FrameBody body) {
        long id = nextId();
        ByteBuf out = channel.alloc().buffer();
        FrameWriter.write(out, body, id);
        channel.writeAndFlush(out);
        return id;
    }

    /** Writes bytes as they are. */
    void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes);
    }

    /** Writes bytes as they are. */
    void sendRaw(byte[] bytes) {
        sendRaw(Unpooled.wrappedBuffer(bytes));
    }

    /** @return the answer to a request, waiting for it */
    Reply call(FrameBody body) {
        return await(send(body));
    }

    static Reply await(CompletableFuture<Reply> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer within " + WAIT + ": " + e, e);
        }
    }

    /** @return the answer's body, which must not be an ERROR */
    @SuppressWarnings("unchecked")
    <T extends FrameBody> T ok(FrameBody request) {
        Reply reply = call(request);
        if (reply.isError()) {
            fail(Protocol.typeName(request.type()) + " failed: " + reply.body());
        }
        return (T) reply.body();
    }

    /** @return the ERROR answering a request, which must be an error with that code */
    FrameBody.ErrorBody error(FrameBody request, ProtocolError expected) {
        Reply reply = call(request);
        assertEquals(Protocol.ERROR, reply.type(), () -> "expected " + expected + " but got " + reply.body());
        FrameBody.ErrorBody error = reply.error();
        assertEquals(expected.code(), error.code(), error::toString);
        return error;
    }

    /** Opens the session. */
    Handshake.HelloOk hello() {
        return hello("");
    }

    /** Opens the session with a token. */
    Handshake.HelloOk hello(String token) {
        return ok(new Handshake.Hello(1, 1, "test", token));
    }

    /** @return the next push, or fails */
    Reply nextPush() {
        try {
            Reply reply = pushes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(reply, "a push arrives");
            return reply;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** @return the next push within a time, or null */
    Reply pollPush(Duration timeout) throws InterruptedException {
        return pushes.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the next frame that answered nothing this client waits for (errors with id 0, CREDIT errors) */
    Reply nextOrphan() {
        try {
            Reply reply = orphans.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(reply, "an unmatched frame arrives");
            return reply;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** @return a frame that answered nothing, if one arrives within a time */
    Reply pollOrphan(Duration timeout) throws InterruptedException {
        return orphans.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Receives messages until {@code count} have come (any subscription). */
    List<Message> receive(int count) {
        List<Message> got = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < count) {
            Reply reply;
            try {
                reply = pushes.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            if (reply == null) {
                fail("only " + got.size() + " of " + count + " messages arrived" + (got.size() > 20 ? "" : ": " + got));
            }
            assertEquals(Protocol.MESSAGES, reply.type(), () -> "after " + got.size() + " messages, expected MESSAGES, got " + reply.body());
            got.addAll(reply.messages());
        }
        return got;
    }

    /** Waits for the server to close the connection. */
    void awaitClosed() {
        assertFalse(!channel.closeFuture().awaitUninterruptibly(WAIT.toMillis()), "the server closes the connection");
    }

    /** @return whether the connection is open */
    boolean isOpen() {
        return channel.isActive();
    }

    /** @return the protocol failure the client's decoder saw, if any */
    ProtocolException decodeFailure() {
        return decodeFailure;
    }

    /** Stops or resumes reading from the socket. */
    void reading(boolean on) {
        channel.config().setAutoRead(on);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5_000);
    }
}
