package io.memorystreamer.broker.internal;

import static io.memorystreamer.broker.internal.DeliveryFixture.await;
import static io.memorystreamer.broker.internal.DeliveryFixture.pause;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.StartPosition;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.internal.DeliveryFixture.Recorder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subscriptions over real logs: every kind and start position, credit, filters, closing. */
class DeliveryServiceTest {
    @TempDir
    Path dir;

    private DeliveryFixture fixture;
    private DeliveryService delivery;

    private void open(int shards) throws Exception {
        fixture = new DeliveryFixture(dir, shards, 1);
        delivery = new DeliveryService(fixture.config);
    }

    @AfterEach
    void tearDown() {
        if (delivery != null) {
            delivery.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private Subscription subscribe(SubscriptionRequest request, Recorder recorder) {
        return delivery.subscribe(fixture.topic, request, recorder);
    }

    private static List<String> ids(String key, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(key + "@" + i);
        }
        return ids;
    }

    @Test
    void streamSubscriptionFromEachStartPosition() throws Exception {
        open(2);
        for (int i = 0; i < 5; i++) {
            fixture.append("a", "a" + i, 1000 + i);
            fixture.append("b", "b" + i, 1000 + i);
        }
        fixture.settle();
        Recorder earliest = new Recorder();
        Recorder latest = new Recorder();
        Recorder offset = new Recorder();
        Recorder time = new Recorder();
        subscribe(SubscriptionRequest.stream("t", "a"), earliest);
        subscribe(SubscriptionRequest.stream("t", "a").from(StartPosition.latest()), latest);
        subscribe(SubscriptionRequest.stream("t", "a").from(StartPosition.offset(3)), offset);
        subscribe(SubscriptionRequest.stream("t", "a").from(StartPosition.timestamp(1002)), time);
        fixture.append("a", "a5", 2000);
        fixture.append("b", "b5", 2000);
        await(() -> earliest.size() == 6 && latest.size() == 1 && offset.size() == 3 && time.size() == 4, "every subscription caught up");
        pause(30);
        assertEquals(ids("a", 0, 6), earliest.ids());
        assertEquals("a@0=a0", earliest.snapshot().get(0));
        assertEquals(ids("a", 5, 6), latest.ids());
        assertEquals(ids("a", 3, 6), offset.ids());
        assertEquals(ids("a", 2, 6), time.ids());
    }

    @Test
    void streamSubscriptionWaitsForItsStreamToExist() throws Exception {
        open(2);
        Recorder early = new Recorder();
        Recorder latest = new Recorder();
        Recorder fromTime = new Recorder();
        subscribe(SubscriptionRequest.stream("t", "later"), early);
        subscribe(SubscriptionRequest.stream("t", "later").from(StartPosition.latest()), latest);
        subscribe(SubscriptionRequest.stream("t", "later").from(StartPosition.timestamp(0)), fromTime);
        pause(20);
        for (int i = 0; i < 3; i++) {
            fixture.append("later", "x" + i);
        }
        await(() -> early.size() == 3 && latest.size() == 3 && fromTime.size() == 3, "the new stream is delivered from offset 0");
        assertEquals(ids("later", 0, 3), early.ids());
        assertEquals(ids("later", 0, 3), latest.ids());
        assertEquals(ids("later", 0, 3), fromTime.ids());
    }

    @Test
    void topicSubscriptionFromEachStartPosition() throws Exception {
        open(3);
        List<String> keys = List.of("k0", "k1", "k2", "k3", "k4", "k5");
        for (int round = 0; round < 4; round++) {
            for (String key : keys) {
                fixture.append(key, key + "-" + round, 1000 + round);
            }
        }
        fixture.settle();
        Recorder earliest = new Recorder();
        Recorder latest = new Recorder();
        Recorder offset = new Recorder();
        Recorder time = new Recorder();
        subscribe(SubscriptionRequest.topic("t"), earliest);
        subscribe(SubscriptionRequest.topic("t").from(StartPosition.latest()), latest);
        subscribe(SubscriptionRequest.topic("t").from(StartPosition.offset(2)), offset);
        subscribe(SubscriptionRequest.topic("t").from(StartPosition.timestamp(1003)), time);
        for (String key : keys) {
            fixture.append(key, key + "-4", 1004);
        }
        await(() -> earliest.size() == 30 && latest.size() == 6 && offset.size() == 18 && time.size() == 12, "caught up");
        pause(30);
        assertEquals(30, earliest.size());
        for (String key : keys) {
            assertEquals(ids(key, 0, 5), only(earliest, key), "in order per stream");
            assertEquals(ids(key, 4, 5), only(latest, key));
            assertEquals(ids(key, 2, 5), only(offset, key));
            assertEquals(ids(key, 3, 5), only(time, key));
        }
        assertEquals(6, latest.size());
    }

    private static List<String> only(Recorder recorder, String key) {
        List<String> found = new ArrayList<>();
        for (String id : recorder.ids()) {
            if (id.startsWith(key + "@")) {
                found.add(id);
            }
        }
        return found;
    }

    @Test
    void patternSubscriptionMatchesWholeSegments() throws Exception {
        open(2);
        for (String key : List.of("orders/1", "orders/2", "orders/1/x", "orders", "payments/1", "ordersx/1")) {
            fixture.append(key, key, 1000);
        }
        Recorder orders = new Recorder();
        Recorder ones = new Recorder();
        subscribe(SubscriptionRequest.pattern("t", "orders/*"), orders);
        subscribe(SubscriptionRequest.pattern("t", "*/1"), ones);
        fixture.append("orders/3", "orders/3", 1000);
        await(() -> orders.size() == 3 && ones.size() == 3, "the matching streams are delivered");
        pause(30);
        assertEquals(Set.of("orders/1@0", "orders/2@0", "orders/3@0"), new HashSet<>(orders.ids()));
        assertEquals(Set.of("orders/1@0", "payments/1@0", "ordersx/1@0"), new HashSet<>(ones.ids()));

        fixture.append("orders/1", "second", 5000);
        fixture.append("payments/1", "second", 5000);
        fixture.settle();
        Recorder latest = new Recorder();
        Recorder offset = new Recorder();
        Recorder time = new Recorder();
        subscribe(SubscriptionRequest.pattern("t", "orders/*").from(StartPosition.latest()), latest);
        subscribe(SubscriptionRequest.pattern("t", "orders/*").from(StartPosition.offset(1)), offset);
        subscribe(SubscriptionRequest.pattern("t", "orders/*").from(StartPosition.timestamp(5000)), time);
        fixture.append("orders/2", "third", 6000);
        fixture.append("orders/2/x", "third", 6000);
        await(() -> latest.size() == 1 && offset.size() == 2 && time.size() == 2, "every start position is honoured");
        pause(30);
        assertEquals(List.of("orders/2@1"), latest.ids());
        assertEquals(Set.of("orders/1@1", "orders/2@1"), new HashSet<>(offset.ids()));
        assertEquals(Set.of("orders/1@1", "orders/2@1"), new HashSet<>(time.ids()));
        assertThrows(IllegalArgumentException.class, () -> subscribe(SubscriptionRequest.pattern("t", "orders/*x"), new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> subscribe(SubscriptionRequest.pattern("t", "orders//*"), new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> subscribe(SubscriptionRequest.stream("t", "bad/"), new Recorder()));
    }

    @Test
    void creditIsExactEvenInsideOneBatchFrame() throws Exception {
        open(1);
        fixture.appendBatch(List.of("s", "s", "s", "s", "s", "s", "s", "s", "s", "s"), "p", 1000);
        fixture.appendBatch(List.of("s", "s", "s", "s", "s"), "q", 1000);
        int existing = 15;
        for (SubscriptionRequest request : List.of(SubscriptionRequest.topic("t"), SubscriptionRequest.stream("t", "s"),
                SubscriptionRequest.pattern("t", "*"))) {
            int all = existing;
            Recorder recorder = new Recorder();
            Subscription subscription = subscribe(request.withCredit(0), recorder);
            pause(30);
            assertEquals(0, recorder.size(), "no credit, nothing delivered: " + request);
            subscription.grant(3);
            await(() -> recorder.size() == 3 && subscription.credit() == 0, "3 delivered");
            pause(30);
            assertEquals(3, recorder.size(), "exactly the credit: " + request);
            assertEquals(3, subscription.delivered());
            subscription.grant(4);
            await(() -> recorder.size() == 7, "7 delivered");
            pause(30);
            assertEquals(7, recorder.size());
            subscription.grant(1);
            await(() -> recorder.size() == 8, "8 delivered");
            subscription.grant(100);
            await(() -> recorder.size() == all, "all delivered: " + request);
            fixture.append("s", "live");
            await(() -> recorder.size() == all + 1, "live delivered");
            assertEquals(ids("s", 0, all + 1), recorder.ids(), "no loss, no duplicate, in order: " + request);
            await(() -> subscription.credit() == 100 + 8 - (all + 1), "credit is what was granted less what was delivered");
            existing++;
            subscription.close();
        }
    }

    @Test
    void manySubscribersOfOneStreamAreIndependent() throws Exception {
        open(2);
        for (int i = 0; i < 20; i++) {
            fixture.append("shared", "m" + i);
        }
        List<Recorder> recorders = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Recorder recorder = new Recorder();
            recorders.add(recorder);
            subscriptions.add(subscribe(SubscriptionRequest.stream("t", "shared").withCredit(i * 4), recorder));
        }
        for (int i = 0; i < 5; i++) {
            int expected = i * 4;
            Recorder recorder = recorders.get(i);
            await(() -> recorder.size() == expected, "subscriber gets its own credit's worth");
        }
        pause(30);
        for (int i = 0; i < 5; i++) {
            assertEquals(ids("shared", 0, i * 4), recorders.get(i).ids());
        }
        subscriptions.get(0).close();
        for (Subscription subscription : subscriptions) {
            subscription.grant(1000);
        }
        for (int i = 1; i < 5; i++) {
            Recorder recorder = recorders.get(i);
            await(() -> recorder.size() == 20, "every open subscriber gets everything");
            assertEquals(ids("shared", 0, 20), recorder.ids());
        }
        assertEquals(0, recorders.get(0).size(), "a closed subscription gets nothing");
        assertTrue(subscriptions.get(0).isClosed());
    }

    @Test
    void handlerFailuresAreCountedAndDeliveryGoesOn() throws Exception {
        open(1);
        AtomicInteger calls = new AtomicInteger();
        Subscription subscription = delivery.subscribe(fixture.topic, SubscriptionRequest.topic("t"), message -> {
            if (calls.incrementAndGet() % 2 == 0) {
                throw new IllegalStateException("handler failure " + calls.get());
            }
        });
        for (int i = 0; i < 6; i++) {
            fixture.append("k", "v" + i);
        }
        await(() -> subscription.delivered() == 6, "every message counts as delivered");
        assertEquals(3, ((SubscriptionImpl) subscription).handlerFailures());
    }

    @Test
    void closeSubscriptionsOfStopsEveryReaderOfTheTopic() throws Exception {
        open(2);
        Recorder stream = new Recorder();
        Recorder topic = new Recorder();
        Recorder waiting = new Recorder();
        Subscription a = subscribe(SubscriptionRequest.stream("t", "x"), stream);
        Subscription b = subscribe(SubscriptionRequest.topic("t"), topic);
        Subscription c = subscribe(SubscriptionRequest.stream("t", "never"), waiting);
        fixture.append("x", "1");
        await(() -> stream.size() == 1 && topic.size() == 1, "delivered");
        assertEquals(3, delivery.subscriptionCount());
        delivery.closeSubscriptionsOf(fixture.topic);
        assertTrue(a.isClosed() && b.isClosed() && c.isClosed());
        fixture.append("x", "2");
        pause(30);
        assertEquals(1, stream.size());
        assertEquals(1, topic.size());
        await(() -> delivery.subscriptionCount() == 0, "released");
        a.close();
        a.close();
    }

    @Test
    void closedServiceRefusesSubscriptions() throws Exception {
        open(1);
        Subscription subscription = subscribe(SubscriptionRequest.topic("t"), new Recorder());
        delivery.close();
        delivery.close();
        assertTrue(subscription.isClosed());
        BrokerException refused = assertThrows(BrokerException.class, () -> subscribe(SubscriptionRequest.topic("t"), new Recorder()));
        assertEquals(ErrorCode.CLOSED, refused.code());
        assertThrows(IllegalArgumentException.class, () -> subscription.grant(-1));
    }

    @Test
    void closingFromTheHandlerStopsAtOnce() throws Exception {
        open(1);
        fixture.appendBatch(List.of("s", "s", "s", "s", "s"), "p", 1000);
        Recorder recorder = new Recorder();
        Subscription[] self = new Subscription[1];
        self[0] = delivery.subscribe(fixture.topic, SubscriptionRequest.topic("t").withCredit(0), message -> {
            recorder.onMessage(message);
            if (recorder.size() == 2) {
                self[0].close();
            }
        });
        self[0].grant(10);
        await(() -> self[0].isClosed(), "closed by its handler");
        pause(30);
        assertEquals(2, recorder.size());
    }
}
