package io.memorystreamer.client;

import io.memorystreamer.client.internal.AdminImpl;
import io.memorystreamer.client.internal.ClientCore;
import io.memorystreamer.client.internal.ConsumerImpl;
import io.memorystreamer.client.internal.ProducerImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection to a MemoryStreamer broker, shared by everything made from it: the {@link Admin},
 * any number of {@link Producer}s and {@link Consumer}s. Works on a plain class path (this jar and
 * Netty) as well as in OSGi.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder().bootstrap("127.0.0.1", 9510).clientId("shop").build();
 * try (MemoryStreamerClient client = MemoryStreamerClient.connect(config)) {
 *     client.admin().createTopic("orders", TopicOptions.defaults());
 *
 *     Producer producer = client.producer(ProducerConfig.defaults());
 *     producer.send("orders", "customer-42", "hello".getBytes(StandardCharsets.UTF_8)).join();
 *
 *     Consumer consumer = client.consumer(ConsumerConfig.stream("orders", "customer-42")
 *             .startAt(StartPosition.earliest()).build());
 *     for (ConsumerRecord record : consumer.poll(Duration.ofSeconds(1))) {
 *         System.out.println(record.streamOffset() + ": " + new String(record.payload(), StandardCharsets.UTF_8));
 *     }
 * }
 * }</pre>
 *
 * <h2>The connection</h2>
 * One TCP connection (TLS when configured), served by one Netty event-loop thread (the native
 * epoll transport when it is on the class path, NIO otherwise). It opens with a handshake that
 * negotiates the protocol version and presents the client id and token; requests carry
 * correlation ids, so many are in flight at once and answers may come in any order; each fails
 * with {@link ClientException#TIMEOUT} if unanswered within the request timeout.
 *
 * <h2>Reconnection</h2>
 * When the connection is lost (a broker restart, a network failure), the client reconnects by
 * itself, pausing between attempts with exponential back-off (with jitter) from
 * {@link ClientConfig#reconnectBackoffInitial()} to {@link ClientConfig#reconnectBackoffMax()},
 * until it is closed. Requests in flight when the connection dropped fail with the retriable
 * {@link ClientException#CONNECTION_LOST} (they may or may not have taken effect); requests made
 * while it is down wait for the next connection, within their timeout. Producers retry their
 * batches (idempotently: nothing is written twice); consumers subscribe again and resume after
 * the last record they received; group members join again. See {@link Producer} and
 * {@link Consumer} for the details.
 *
 * <h2>Threads</h2>
 * Thread-safe: every method may be called from any thread. The client runs three kinds of
 * threads of its own, all daemons: the event loop (all network I/O and protocol state), one
 * callback thread (completes the futures the application sees, so application code never runs on
 * the event loop), and one delivery thread per consumer with a {@link RecordListener}. Never block
 * inside a callback of this client waiting for another of its futures.
 */
public final class MemoryStreamerClient implements AutoCloseable {
    private final ClientCore core;
    private final Admin admin;
    private final Set<AutoCloseable> children = ConcurrentHashMap.newKeySet();

    private MemoryStreamerClient(ClientCore core) {
        this.core = core;
        this.admin = new AdminImpl(core);
    }

    /**
     * Connects to the broker and completes the handshake, trying again (with back-off) until the
     * connect timeout if the broker cannot be reached.
     *
     * @param config how to reach it
     * @return the connected client
     * @throws ClientException {@code NOT_AUTHENTICATED} (a missing or wrong token),
     *     {@code UNSUPPORTED_VERSION} (no protocol version in common), a TLS failure, an unreadable
     *     trust store ({@link ClientException#INVALID_ARGUMENT}), or
     *     {@link ClientException#CONNECT_FAILED} naming the last failure
     */
    public static MemoryStreamerClient connect(ClientConfig config) {
        Objects.requireNonNull(config, "config");
        ClientCore core = new ClientCore(config);
        try {
            core.start();
            core.awaitFirstSession(config.connectTimeout().toNanos());
            return new MemoryStreamerClient(core);
        } catch (RuntimeException e) {
            core.close();
            throw e;
        }
    }

    /**
     * Connects to a broker on {@code 127.0.0.1:9510} with every default.
     *
     * @return the connected client
     * @throws ClientException as {@link #connect(ClientConfig)}
     */
    public static MemoryStreamerClient connect() {
        return connect(ClientConfig.builder().build());
    }

    /** @return topic administration and metadata over this client's connection */
    public Admin admin() {
        return admin;
    }

    /**
     * @param config how the producer batches, retries and bounds its memory
     * @return a new producer sharing this client's connection
     * @throws ClientException {@link ClientException#CLIENT_CLOSED}
     */
    public Producer producer(ProducerConfig config) {
        Objects.requireNonNull(config, "config");
        requireOpen();
        ProducerImpl[] self = new ProducerImpl[1];
        ProducerImpl producer = new ProducerImpl(core, config, () -> children.remove(self[0]));
        self[0] = producer;
        children.add(producer);
        return producer;
    }

    /** @return a new producer with {@link ProducerConfig#defaults()} */
    public Producer producer() {
        return producer(ProducerConfig.defaults());
    }

    /**
     * Subscribes (or joins the group) and returns once the broker has accepted.
     *
     * @param config what to read and how
     * @return the consumer, sharing this client's connection
     * @throws ClientException the broker's refusal ({@code UNKNOWN_TOPIC}, {@code INVALID_REQUEST}...),
     *     {@link ClientException#TIMEOUT}, {@link ClientException#CLIENT_CLOSED}
     */
    public Consumer consumer(ConsumerConfig config) {
        Objects.requireNonNull(config, "config");
        requireOpen();
        ConsumerImpl[] self = new ConsumerImpl[1];
        ConsumerImpl consumer = new ConsumerImpl(core, config, () -> children.remove(self[0]));
        self[0] = consumer;
        children.add(consumer);
        consumer.start();
        return consumer;
    }

    /** @return this client's configuration */
    public ClientConfig config() {
        return core.config();
    }

    /** @return whether the connection is open at the moment (it may drop, and come back, at any time) */
    public boolean isConnected() {
        return core.isConnected();
    }

    /** @return the Netty transport in use: "epoll" or "nio" */
    public String transport() {
        return core.transportName();
    }

    /**
     * Closes the producers (flushing each for at most the request timeout) and consumers made from
     * this client, then the connection and the client's threads. Idempotent.
     */
    @Override
    public void close() {
        if (core.isClosed()) {
            return;
        }
        List<AutoCloseable> open = new ArrayList<>(children);
        for (AutoCloseable child : open) {
            try {
                if (child instanceof Producer) {
                    ((Producer) child).close(core.config().requestTimeout());
                } else {
                    child.close();
                }
            } catch (Exception e) {
                System.getLogger(MemoryStreamerClient.class.getName()).log(System.Logger.Level.DEBUG, "closing " + child, e);
            }
        }
        core.close();
    }

    /**
     * Closes, as {@link #close()}, giving producers at most {@code timeout} to flush.
     *
     * @param timeout how long producers may flush
     */
    public void close(Duration timeout) {
        if (core.isClosed()) {
            return;
        }
        for (AutoCloseable child : new ArrayList<>(children)) {
            if (child instanceof Producer) {
                ((Producer) child).close(timeout);
            }
        }
        close();
    }

    private void requireOpen() {
        if (core.isClosed()) {
            throw new ClientException(ClientException.CLIENT_CLOSED, "the client is closed");
        }
    }
}
