package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Flow control both ways: a subscriber that stops reading cannot make the server buffer more than
 * about a chunk beyond Netty's high-water mark, and a producer faster than the broker is held back
 * by TCP (the server stops reading) instead of being buffered, with every message still written.
 */
class TransportFlowTest extends TransportFixture {
    private static long pendingOutbound(NettyServer server) {
        long most = 0;
        for (Channel channel : server.channels()) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            if (buffer != null) {
                most = Math.max(most, buffer.totalPendingWriteBytes());
            }
        }
        return most;
    }

    @Test
    void aSubscriberThatStopsReadingCostsTheServerABoundedBuffer() throws Exception {
        start();
        TestClient producer = session();
        createTopic(producer, "firehose", 2, Durability.NONE, 0);
        String payload = "x".repeat(2000);
        int total = 6000;
        for (int batch = 0; batch < total / 100; batch++) {
            List<Out> messages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                messages.add(Out.of("key-" + (i % 4), payload));
            }
            producer.ok(produce("firehose", messages));
        }
        TestClient slow = connect(null, 16 * 1024);
        slow.hello();
        slow.ok(new Subscriptions.Subscribe(1, "firehose", Subscriptions.Kind.TOPIC, "", Subscriptions.StartKind.EARLIEST, 0, 0));
        slow.reading(false);
        slow.sendNoAnswer(new Subscriptions.Credit(1, Long.MAX_VALUE / 2));
        long bound = NettyServer.HIGH_WATER_MARK + PushSubscription.CHUNK_BYTES + 2L * PushSubscription.SEAL_BYTES + 4 * 2100;
        long most = 0;
        for (int i = 0; i < 40; i++) {
            Thread.sleep(50);
            most = Math.max(most, pendingOutbound(server));
        }
        assertTrue(most >= NettyServer.HIGH_WATER_MARK / 2, "the stalled subscriber's socket filled and the server buffered some, not " + most);
        assertTrue(most <= bound, "at most " + bound + " bytes wait in the server for a client that does not read, not " + most
                + " (of " + total * 2000 + " bytes to deliver)");
        slow.reading(true);
        List<TestClient.Message> all = slow.receive(total);
        assertEquals(total, all.size());
        Map<String, Long> next = new HashMap<>();
        for (TestClient.Message message : all) {
            long expected = next.getOrDefault(message.key(), 0L);
            assertEquals(expected, message.offset(), "in order, once, per stream");
            next.put(message.key(), expected + 1);
        }
        producer.ok(produce("firehose", List.of(Out.of("key-0", "after"))));
        assertEquals("after", slow.receive(1).get(0).payload());
    }

    @Test
    void aProducerFasterThanTheBrokerIsHeldBackNotBuffered() throws Exception {
        brokerChange = c -> c.withInboxBytes(64 * 1024);
        start();
        TestClient client = session();
        createTopic(client, "flood", 2, Durability.BATCH, 16 * 1024);
        String payload = "p".repeat(8 * 1024);
        List<CompletableFuture<TestClient.Reply>> answers = new ArrayList<>();
        int requests = 60;
        int perRequest = 20;
        for (int r = 0; r < requests; r++) {
            List<Out> messages = new ArrayList<>();
            for (int i = 0; i < perRequest; i++) {
                messages.add(Out.of("s" + (i % 3), r + ":" + i + ":" + payload));
            }
            answers.add(client.send(produce("flood", messages)));
        }
        Map<String, Long> next = new HashMap<>();
        for (int r = 0; r < requests; r++) {
            TestClient.Reply reply = TestClient.await(answers.get(r));
            assertEquals(Protocol.PRODUCE_ACK, reply.type(), () -> "acknowledged: " + reply.body());
            Publishing.ProduceAck ack = (Publishing.ProduceAck) reply.body();
            for (int i = 0; i < perRequest; i++) {
                String key = "s" + (i % 3);
                long expected = next.getOrDefault(key, 0L);
                assertEquals(expected, ack.acks().get(i).streamOffset(), "requests are written in the order they were sent");
                next.put(key, expected + 1);
            }
        }
        assertTrue(server.backPressureWaits() > 0, "the broker's inbox of 64 KiB pushed back at least once");
        assertEquals((long) requests * perRequest, messagesInLog("flood"));
    }
}
