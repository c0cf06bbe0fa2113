package io.memorystreamer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.memorystreamer.client.protocol.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection: handshake, correlation, timeouts, reconnection; and the admin requests over it. */
class ConnectionTest {

    static {
        Leaks.install();
    }

    @org.junit.jupiter.api.BeforeAll
    static void forgetEarlierLeaks() {
        Leaks.clear();
    }

    @org.junit.jupiter.api.AfterAll
    static void nothingLeaked() throws InterruptedException {
        List<String> leaks = Leaks.collect();
        org.junit.jupiter.api.Assertions.assertTrue(leaks.isEmpty(), "Netty reported leaks: " + leaks);
    }
    private FakeBroker broker;

    @BeforeEach
    void start() {
        broker = new FakeBroker();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void theHandshakePresentsVersionsClientIdAndToken() {
        broker.requiredToken = "s3cret";
        broker.maxVersion = 3;
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().clientId("billing").authToken("s3cret").build())) {
            Handshake.Hello hello = broker.hellos.get(0);
            assertEquals(Protocol.MIN_VERSION, hello.minVersion());
            assertEquals(Protocol.MAX_VERSION, hello.maxVersion());
            assertEquals("billing", hello.clientId());
            assertEquals("s3cret", hello.authToken());
            BrokerMetadata metadata = client.admin().metadata();
            assertEquals(1, metadata.protocolVersion(), "the highest version both speak");
            assertEquals(3, metadata.maxProtocolVersion());
            assertEquals("fake-1.0", metadata.brokerVersion());
            assertTrue(client.isConnected());
            assertEquals(Protocol.HELLO, broker.requests.get(0).type(), "HELLO is the first frame");
        }
    }

    @Test
    void aWrongTokenFailsTheConnectAtOnce() {
        broker.requiredToken = "s3cret";
        long start = System.nanoTime();
        ClientException e = assertThrows(ClientException.class, () -> MemoryStreamerClient.connect(broker.config().authToken("guess").build()));
        assertEquals(ProtocolError.NOT_AUTHENTICATED.code(), e.code());
        assertTrue(e.getMessage().contains("a valid token is required"), e.getMessage());
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "not after the connect timeout");
    }

    @Test
    void noCommonVersionFailsTheConnect() {
        broker.minVersion = 2;
        broker.maxVersion = 3;
        ClientException e = assertThrows(ClientException.class, () -> MemoryStreamerClient.connect(broker.config().build()));
        assertEquals(ProtocolError.UNSUPPORTED_VERSION.code(), e.code());
        assertTrue(e.detail().contains("2..3"), e.detail());
        assertFalse(e.isRetriable());
    }

    @Test
    void nothingListeningFailsAfterTheConnectTimeout() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ClientConfig config = ClientConfig.builder().bootstrap("127.0.0.1", port).connectTimeout(Duration.ofMillis(300))
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(50)).build();
        ClientException e = assertThrows(ClientException.class, () -> MemoryStreamerClient.connect(config));
        assertEquals(ClientException.CONNECT_FAILED, e.code());
        assertTrue(e.isRetriable());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void answersAreMatchedByCorrelationIdInAnyOrder() throws Exception {
        broker.createTopic("a", 1);
        broker.createTopic("b", 2);
        broker.createTopic("c", 3);
        broker.reverseNext = 3;
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            List<CompletableFuture<TopicDescription>> answers = List.of(
                    CompletableFuture.supplyAsync(() -> client.admin().describeTopic("a"), threads),
                    CompletableFuture.supplyAsync(() -> client.admin().describeTopic("b"), threads),
                    CompletableFuture.supplyAsync(() -> client.admin().describeTopic("c"), threads));
            assertEquals(1, answers.get(0).get().shards());
            assertEquals(2, answers.get(1).get().shards());
            assertEquals(3, answers.get(2).get().shards());
        } finally {
            threads.shutdown();
        }
        List<FakeBroker.Request> describes = broker.requests(Protocol.DESCRIBE_TOPIC);
        assertEquals(3, describes.stream().mapToLong(FakeBroker.Request::correlationId).distinct().count(), "a correlation id each");
    }

    @Test
    void anUnansweredRequestTimesOutAndTheConnectionCarriesOn() {
        broker.createTopic("a", 1);
        broker.dropAnswer = r -> r.type() == Protocol.DESCRIBE_TOPIC;
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().requestTimeout(Duration.ofMillis(300)).build())) {
            long start = System.nanoTime();
            ClientException e = assertThrows(ClientException.class, () -> client.admin().describeTopic("a"));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ClientException.TIMEOUT, e.code());
            assertTrue(e.isRetriable());
            assertTrue(tookMillis >= 290 && tookMillis < 3000, tookMillis + " ms");
            broker.dropAnswer = r -> false;
            assertEquals(1, client.admin().listTopics().size());
            assertEquals(1, broker.connections.size(), "the same connection");
        }
    }

    @Test
    void theClientReconnectsAfterTheBrokerRestarts() {
        broker.createTopic("a", 1);
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            assertEquals(1, client.admin().listTopics().size());
            broker.restart();
            assertEquals(1, client.admin().listTopics().size(), "waits for the reconnect");
            assertEquals(2, broker.connections.size());
            assertEquals(2, broker.hellos.size(), "a handshake on the new connection");
        }
    }

    @Test
    void aRequestInFlightWhenTheConnectionDropsFailsRetriably() {
        broker.createTopic("a", 1);
        broker.closeAfter = r -> r.type() == Protocol.DELETE_TOPIC;
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            ClientException e = assertThrows(ClientException.class, () -> client.admin().deleteTopic("a"));
            assertEquals(ClientException.CONNECTION_LOST, e.code());
            assertTrue(e.isRetriable());
            assertEquals(1, broker.requests(Protocol.DELETE_TOPIC).size(), "not retried: it may have taken effect");
            assertEquals(0, client.admin().listTopics().size(), "it had");
        }
    }

    @Test
    void aReadRequestIsSentAgainWhenTheConnectionDropsUnderIt() {
        broker.createTopic("a", 1);
        broker.closeAfter = r -> r.type() == Protocol.DESCRIBE_TOPIC && broker.requests(Protocol.DESCRIBE_TOPIC).size() == 1;
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            assertEquals("a", client.admin().describeTopic("a").name());
            assertEquals(2, broker.requests(Protocol.DESCRIBE_TOPIC).size());
            assertEquals(2, broker.connections.size());
        }
    }

    @Test
    void aRequestMadeWhileTheBrokerIsDownWaitsForIt() throws Exception {
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            broker.stop();
            Eventually.until("the client notices", () -> !client.isConnected());
            CompletableFuture<List<TopicDescription>> later = CompletableFuture.supplyAsync(() -> client.admin().listTopics());
            Thread.sleep(200);
            assertFalse(later.isDone());
            broker.createTopic("a", 1);
            broker.startAgain();
            assertEquals(1, later.get().size());
        }
    }

    @Test
    void tooManyInFlightIsRetriedByTheConnection() {
        broker.createTopic("a", 1);
        broker.failNext.put(Protocol.DESCRIBE_TOPIC, new ArrayDeque<>(List.of(ProtocolError.TOO_MANY_IN_FLIGHT.code())));
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            assertEquals("a", client.admin().describeTopic("a").name());
            assertEquals(2, broker.requests(Protocol.DESCRIBE_TOPIC).size());
        }
    }

    @Test
    void adminRequestsAndTheirErrors() {
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build())) {
            Admin admin = client.admin();
            TopicDescription created = admin.createTopic("orders", TopicOptions.builder().shards(4).durability(Durability.SYNC)
                    .retention(Duration.ofHours(1)).retentionBytesPerShard(1 << 20).maxMessageBytes(4096).build());
            assertEquals(new TopicDescription("orders", 4, Durability.SYNC, Duration.ofHours(1), 1 << 20, 4096, 0, 0), created);
            ClientException exists = assertThrows(ClientException.class, () -> admin.createTopic("orders", TopicOptions.defaults()));
            assertEquals(ProtocolError.TOPIC_EXISTS.code(), exists.code());
            assertEquals(ProtocolError.TOPIC_EXISTS, exists.error().orElseThrow());
            assertEquals("topic 'orders' exists", exists.detail());
            assertTrue(exists.isBrokerAnswer());
            ClientException shards = assertThrows(ClientException.class, () -> admin.createTopic("x", TopicOptions.builder().shards(2000).build()));
            assertEquals(ProtocolError.INVALID_REQUEST.code(), shards.code());
            admin.createTopic("audit", TopicOptions.defaults());
            assertEquals(List.of("audit", "orders"), admin.listTopics().stream().map(TopicDescription::name).toList());
            ClientException unknown = assertThrows(ClientException.class, () -> admin.describeTopic("nope"));
            assertEquals(ProtocolError.UNKNOWN_TOPIC.code(), unknown.code());
            assertTrue(admin.deleteTopic("audit"));
            assertFalse(admin.deleteTopic("audit"));
            assertEquals(1, admin.metadata().topicCount());
        }
    }

    @Test
    void aClosedClientRefusesWork() {
        MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().build());
        client.close();
        client.close();
        ClientException e = assertThrows(ClientException.class, () -> client.admin().listTopics());
        assertEquals(ClientException.CLIENT_CLOSED, e.code());
        assertThrows(ClientException.class, () -> client.producer());
    }
}
