package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.MessageView;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.internal.BrokerConfig;
import io.memorystreamer.broker.internal.LocalBroker;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.TopicAdmin;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the transport's tests share: a real {@link LocalBroker} on temporary files, the real
 * {@link NettyServer} on an ephemeral loopback port, raw {@link TestClient}s, and ways to look into
 * the broker's log through its own API.
 */
abstract class TransportFixture {
    @TempDir
    Path dir;

    LocalBroker broker;
    NettyServer server;
    Producers producers;
    final EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final List<TestClient> clients = new ArrayList<>();

    /** Changes the broker's settings of the next {@link #start}. */
    UnaryOperator<BrokerConfig> brokerChange = c -> c;

    /** @return the broker's settings for a test: small segments, nothing preallocated */
    BrokerConfig brokerConfig() {
        return brokerChange.apply(BrokerConfig.defaults(dir.resolve("broker")).withSegmentBytes(4 << 20).withPreallocate(false));
    }

    /** Starts broker and server with the default settings on an ephemeral port. */
    NettyServer start() throws Exception {
        return start(s -> s);
    }

    /** Starts broker and server with changed settings, on an ephemeral loopback port. */
    NettyServer start(UnaryOperator<TransportSettings> change) throws Exception {
        return start(change, true);
    }

    NettyServer start(UnaryOperator<TransportSettings> change, boolean epoll) throws Exception {
        if (broker == null) {
            broker = LocalBroker.open(brokerConfig());
        }
        TransportSettings settings = change.apply(TransportSettings.defaults().withPort(0));
        producers = new Producers(settings.producerIdleExpiry(), settings.producerMaxStreams());
        server = NettyServer.start(broker, settings, ServerSecurity.load(settings), producers, "test", epoll);
        return server;
    }

    /** @return where the component keeps the idempotent producers' state, in this test's data directory */
    Path stateFile() {
        return ProducerStateFile.in(dir.resolve("data"));
    }

    /** Stops the server as the component does at a clean stop: gracefully, then saves the producers' state. */
    void stopCleanly() throws IOException {
        server.close();
        server = null;
        ProducerStateFile.save(stateFile(), producers.snapshot());
    }

    /** Starts a server as the component does: the producers' state taken from {@link #stateFile()}, over the current broker. */
    NettyServer startFromStateFile() throws Exception {
        if (broker == null) {
            broker = LocalBroker.open(brokerConfig());
        }
        TransportSettings settings = TransportSettings.defaults().withPort(0);
        producers = new Producers(settings.producerIdleExpiry(), settings.producerMaxStreams(), ProducerStateFile.take(stateFile()));
        server = NettyServer.start(broker, settings, ServerSecurity.load(settings), producers, "test", true);
        return server;
    }

    @AfterEach
    void stopEverything() {
        for (TestClient client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (broker != null) {
            broker.close();
        }
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }

    /** @return a new connection (no HELLO yet) */
    TestClient connect() throws InterruptedException {
        return connect(null, 0);
    }

    TestClient connect(SslContext ssl, int receiveBuffer) throws InterruptedException {
        TestClient client = TestClient.connect(clientLoops, server.address(), ssl, receiveBuffer);
        clients.add(client);
        return client;
    }

    /** @return a new connection with its session open */
    TestClient session() throws InterruptedException {
        TestClient client = connect();
        client.hello();
        return client;
    }

    /** Creates a topic through the protocol. */
    static TopicAdmin.TopicInfo createTopic(TestClient client, String name, int shards, TopicAdmin.Durability durability, int maxMessageBytes) {
        TopicAdmin.TopicsInfo topics = client.ok(new TopicAdmin.CreateTopic(name, shards, durability, 0, 0, maxMessageBytes));
        return topics.topics().get(0);
    }

    /** One message to produce. */
    record Out(long sequence, String key, byte[] headers, String payload) {
        static Out of(String key, String payload) {
            return new Out(0, key, null, payload);
        }

        static Out of(long sequence, String key, String payload) {
            return new Out(sequence, key, null, payload);
        }
    }

    /** @return a PRODUCE body */
    static Publishing.Produce produce(String topic, long producerId, List<Out> messages) {
        ByteBuf out = Unpooled.buffer();
        for (Out message : messages) {
            Publishing.Produce.appendMessage(out, message.sequence(), message.key().getBytes(StandardCharsets.UTF_8), message.headers(),
                    message.payload() == null ? null : message.payload().getBytes(StandardCharsets.UTF_8));
        }
        return new Publishing.Produce(topic, producerId, messages.size(), out);
    }

    static Publishing.Produce produce(String topic, List<Out> messages) {
        return produce(topic, Publishing.NOT_IDEMPOTENT, messages);
    }

    /** @return how many messages the topic's streams hold, by the broker's registry */
    long messagesInLog(String topic) {
        long total = 0;
        for (StreamDescription stream : broker.streams(topic, null, 100_000)) {
            total += stream.nextOffset();
        }
        return total;
    }

    /** @return what the log holds, "key@offset=payload", read through an in-process subscription */
    List<String> readLog(String topic, int expected) throws InterruptedException {
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        try (Subscription subscription = broker.subscribe(SubscriptionRequest.topic(topic),
                (MessageView m) -> got.add(m.keyAsString() + "@" + m.streamOffset() + "=" + m.payloadAsString()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (got.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
            assertTrue(subscription.delivered() >= expected, "the log holds at least " + expected + " messages: " + got);
        }
        synchronized (got) {
            return new ArrayList<>(got);
        }
    }

    /** Polls until a condition holds. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
