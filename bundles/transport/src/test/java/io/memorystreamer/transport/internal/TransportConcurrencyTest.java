package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many clients at once: 20 producers of 1000 messages each, every one acknowledged and in the log, in order per stream. */
class TransportConcurrencyTest extends TransportFixture {
    @ParameterizedTest(name = "epoll preferred: {0}")
    @ValueSource(booleans = {true, false})
    void twentyClientsProduceAThousandMessagesEach(boolean epoll) throws Exception {
        start(s -> s, epoll);
        TestClient admin = session();
        createTopic(admin, "load", 4, Durability.BATCH, 0);
        int clients = 20;
        int perClient = 1000;
        int perRequest = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> results = new ArrayList<>();
        List<TestClient> sessions = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            sessions.add(session());
        }
        TestClient noisy = connect();
        for (int c = 0; c < clients; c++) {
            int client = c;
            TestClient session = sessions.get(c);
            results.add(pool.submit(() -> {
                boolean idempotent = client % 2 == 0;
                long producer = idempotent
                        ? session.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId()
                        : 0;
                List<CompletableFuture<TestClient.Reply>> answers = new ArrayList<>();
                long[] sequences = new long[3];
                for (int r = 0; r < perClient / perRequest; r++) {
                    List<Out> messages = new ArrayList<>();
                    for (int i = 0; i < perRequest; i++) {
                        int n = r * perRequest + i;
                        int stream = n % 3;
                        messages.add(Out.of(sequences[stream]++, "c" + client + "/s" + stream, "c" + client + "-" + n));
                    }
                    answers.add(session.send(produce("load", producer, messages)));
                }
                int acked = 0;
                for (CompletableFuture<TestClient.Reply> answer : answers) {
                    TestClient.Reply reply = TestClient.await(answer);
                    assertEquals(Protocol.PRODUCE_ACK, reply.type(), () -> "acknowledged: " + reply.body());
                    for (Publishing.Ack ack : ((Publishing.ProduceAck) reply.body()).acks()) {
                        assertEquals(Publishing.AckStatus.WRITTEN, ack.status());
                        acked++;
                    }
                }
                return acked;
            }));
        }
        byte[] garbage = new byte[4096];
        ThreadLocalRandom.current().nextBytes(garbage);
        noisy.sendRaw(garbage);
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get();
        }
        pool.shutdown();
        noisy.awaitClosed();
        assertEquals(clients * perClient, total, "every message acknowledged");
        assertEquals(clients * perClient, messagesInLog("load"), "every message in the log, once");
        List<String> log = readLog("load", clients * perClient);
        assertEquals(clients * perClient, log.size());
        Map<String, Integer> lastPerStream = new HashMap<>();
        for (String entry : log) {
            String key = entry.substring(0, entry.indexOf('@'));
            int n = Integer.parseInt(entry.substring(entry.lastIndexOf('-') + 1));
            Integer last = lastPerStream.put(key, n);
            assertTrue(last == null || last < n, "stream " + key + " keeps its producer's order: " + last + " then " + n);
        }
        assertEquals(clients * 3, lastPerStream.size());
    }
}
