package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.memorystreamer.client.protocol.Publishing.AckStatus;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Idempotent producers over the network: a retry after a lost answer never writes a message twice. */
class TransportIdempotenceTest extends TransportFixture {
    private static List<AckStatus> statuses(Publishing.ProduceAck ack) {
        return ack.acks().stream().map(Publishing.Ack::status).collect(Collectors.toList());
    }

    private static List<Long> offsets(Publishing.ProduceAck ack) {
        return ack.acks().stream().map(Publishing.Ack::streamOffset).collect(Collectors.toList());
    }

    @Test
    void aRetryAfterALostAnswerOnANewConnectionWritesNothingTwice() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "pay", 2, Durability.BATCH, 0);
        admin.ok(produce("pay", List.of(Out.of("k", "before"))));

        TestClient first = session();
        long producer = first.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        Publishing.Produce request = produce("pay", producer, List.of(Out.of(0, "k", "k0"), Out.of(1, "k", "k1"), Out.of(0, "j", "j0"),
                Out.of(2, "k", "k2")));
        first.reading(false);
        first.send(request);
        eventually("the first attempt is in the log", () -> messagesInLog("pay") == 5);
        first.close();

        TestClient second = session();
        Publishing.ProduceAck retry = second.ok(request);
        assertEquals(List.of(AckStatus.DUPLICATE, AckStatus.DUPLICATE, AckStatus.DUPLICATE, AckStatus.DUPLICATE), statuses(retry));
        assertEquals(List.of(1L, 2L, 0L, 3L), offsets(retry), "the first copies' offsets");
        Publishing.ProduceAck next = second.ok(produce("pay", producer, List.of(Out.of(2, "k", "k2"), Out.of(3, "k", "k3"),
                Out.of(1, "j", "j1"))));
        assertEquals(List.of(AckStatus.DUPLICATE, AckStatus.WRITTEN, AckStatus.WRITTEN), statuses(next));
        assertEquals(List.of(3L, 4L, 1L), offsets(next));
        assertEquals(List.of("j@0=j0", "j@1=j1", "k@0=before", "k@1=k0", "k@2=k1", "k@3=k2", "k@4=k3"),
                readLog("pay", 7).stream().sorted().collect(Collectors.toList()), "exactly one copy of each");
    }

    @Test
    void aRetryRacingItsOriginalWaitsForItAndGetsItsOffsets() throws Exception {
        start();
        TestClient admin = session();
        createTopic(admin, "race", 1, Durability.SYNC, 0);
        long producer = admin.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        TestClient one = session();
        TestClient two = session();
        for (int round = 0; round < 20; round++) {
            List<Out> messages = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                messages.add(Out.of(round * 5L + i, "s", "r" + round + "m" + i));
            }
            Publishing.Produce request = produce("race", producer, messages);
            CompletableFuture<TestClient.Reply> original = one.send(request);
            CompletableFuture<TestClient.Reply> resend = two.send(request);
            Publishing.ProduceAck a = (Publishing.ProduceAck) TestClient.await(original).body();
            TestClient.Reply b = TestClient.await(resend);
            assertEquals(Protocol.PRODUCE_ACK, b.type(), () -> "the resend is answered: " + b.body());
            Publishing.ProduceAck ackB = (Publishing.ProduceAck) b.body();
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add(round * 5L + i);
            }
            boolean aFirst = statuses(a).get(0) == AckStatus.WRITTEN;
            Publishing.ProduceAck written = aFirst ? a : ackB;
            Publishing.ProduceAck duplicate = aFirst ? ackB : a;
            assertEquals(List.of(AckStatus.WRITTEN, AckStatus.WRITTEN, AckStatus.WRITTEN, AckStatus.WRITTEN, AckStatus.WRITTEN), statuses(written));
            assertTrue(statuses(duplicate).stream().allMatch(s -> s == AckStatus.DUPLICATE), duplicate::toString);
            assertEquals(expected, offsets(written));
            assertEquals(expected, offsets(duplicate), "the duplicate carries the original's offsets");
        }
        assertEquals(100, messagesInLog("race"), "one copy of each of the 100 messages");
    }

    @Test
    void sequencesAreKeyedByProducerTopicAndKeyAndPipelinedRequestsAreJudgedInArrivalOrder() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "one", 2, Durability.NONE, 0);
        createTopic(client, "two", 2, Durability.NONE, 0);
        long producer = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        List<CompletableFuture<TestClient.Reply>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            answers.add(client.send(produce(i % 2 == 0 ? "one" : "two", producer, List.of(Out.of(i / 2, "k", "m" + i)))));
        }
        for (int i = 0; i < 30; i++) {
            TestClient.Reply reply = TestClient.await(answers.get(i));
            assertEquals(Protocol.PRODUCE_ACK, reply.type(), reply::toString);
            Publishing.ProduceAck ack = (Publishing.ProduceAck) reply.body();
            assertEquals(List.of(AckStatus.WRITTEN), statuses(ack), "request " + i);
            assertEquals(List.of((long) i / 2), offsets(ack), "the same key has its own sequences and offsets in each topic");
        }
        assertEquals(15, messagesInLog("one"));
        assertEquals(15, messagesInLog("two"));
        long other = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        assertEquals(List.of(AckStatus.WRITTEN), statuses(client.ok(produce("one", other, List.of(Out.of(0, "k", "other"))))),
                "another producer's sequences of the same key are its own");
        FrameBody.ErrorBody gap = client.error(produce("two", producer, List.of(Out.of(15, "k", "new"), Out.of(0, "fresh", "f"),
                Out.of(17, "k", "gap"))), ProtocolError.OUT_OF_ORDER_SEQUENCE);
        assertTrue(gap.message().contains("nothing of the request was written"), gap.message());
        assertEquals(15, messagesInLog("two"), "every sequence is checked before any message is written");
        Publishing.ProduceAck resent = client.ok(produce("two", producer, List.of(Out.of(13, "k", "m27"), Out.of(14, "k", "m29"))));
        assertEquals(List.of(AckStatus.DUPLICATE, AckStatus.DUPLICATE), statuses(resent));
        assertEquals(List.of(13L, 14L), offsets(resent));
        assertEquals(List.of(AckStatus.WRITTEN, AckStatus.WRITTEN), statuses(client.ok(produce("two", producer,
                List.of(Out.of(15, "k", "new"), Out.of(0, "fresh", "f"))))), "the refused request, sent again without its gap, is written");
    }

    @Test
    void offsetsOlderThanTheWindowAreUnknownButStillNotWrittenAgain() throws Exception {
        start();
        TestClient client = session();
        createTopic(client, "window", 1, Durability.NONE, 0);
        long producer = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        List<Out> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(Out.of(i, "w", "m" + i));
        }
        client.ok(produce("window", producer, messages));
        Publishing.ProduceAck old = client.ok(produce("window", producer, List.of(Out.of(3, "w", "m3"), Out.of(19, "w", "m19"))));
        assertEquals(List.of(AckStatus.DUPLICATE, AckStatus.DUPLICATE), statuses(old));
        assertEquals(List.of(Publishing.UNKNOWN_OFFSET, 19L), offsets(old));
        assertEquals(20, messagesInLog("window"));
    }

    @Test
    void anIdleProducerIsForgottenAndToldSo() throws Exception {
        start(s -> s.withProducerIdleExpiry(Duration.ofSeconds(1)));
        TestClient client = session();
        createTopic(client, "idle", 1, Durability.NONE, 0);
        long producer = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        client.ok(produce("idle", producer, List.of(Out.of(0, "a", "x"))));
        assertEquals(1, producers.producerCount());
        eventually("the sweep forgets the idle producer", () -> producers.producerCount() == 0);
        assertEquals(0, producers.streamCount());
        client.error(produce("idle", producer, List.of(Out.of(1, "a", "y"))), ProtocolError.UNKNOWN_PRODUCER);
        long fresh = client.<Publishing.ProducerId>ok(new FrameBody.Empty(Protocol.INIT_PRODUCER)).producerId();
        assertTrue(fresh != producer);
        client.ok(produce("idle", fresh, List.of(Out.of(0, "a", "y"))));
        assertEquals(2, messagesInLog("idle"));
    }

    @Test
    void producerIdsAreUniqueAndNeverZeroAcrossRegistries() {
        Producers a = new Producers(Duration.ofMinutes(1), 1000);
        Producers b = new Producers(Duration.ofMinutes(1), 1000);
        long first = a.newId();
        long second = a.newId();
        long other = b.newId();
        assertTrue(first > 0 && second > 0 && other > 0);
        assertTrue(first != second && first != other && second != other);
        assertTrue(a.wasIssued(first) && a.wasIssued(second) && !a.wasIssued(other) && b.wasIssued(other) && !b.wasIssued(first));
        assertTrue(!a.wasIssued(0) && !a.wasIssued(-1) && !a.wasIssued(second + 1));
    }
}
