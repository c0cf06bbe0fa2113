package io.memorystreamer.core.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Unit and concurrency tests of {@link MpmcRingQueue}. */
class MpmcRingQueueTest {
    @Test
    void capacityMustBeAPowerOfTwo() {
        for (int bad : new int[] {0, 1, 3, 1000, -4, (1 << 30) + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MpmcRingQueue<>(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
        assertEquals(1024, new MpmcRingQueue<>(1024).capacity());
    }

    @Test
    void isFifoAndReportsFull() {
        MpmcRingQueue<Integer> q = new MpmcRingQueue<>(4);
        assertNull(q.poll());
        for (int i = 0; i < 4; i++) {
            assertEquals(SubmitResult.ACCEPTED, q.offer(i));
        }
        assertEquals(4, q.size());
        assertEquals(SubmitResult.QUEUE_FULL, q.offer(99));
        assertEquals(0, q.poll());
        assertEquals(SubmitResult.ACCEPTED, q.offer(4));
        assertEquals(SubmitResult.QUEUE_FULL, q.offer(100));
        for (int i = 1; i <= 4; i++) {
            assertEquals(i, q.poll());
        }
        assertNull(q.poll());
        assertEquals(0, q.size());
        assertThrows(NullPointerException.class, () -> q.offer(null));
    }

    @Test
    void wrapsAroundManyLaps() {
        MpmcRingQueue<Long> q = new MpmcRingQueue<>(8);
        long next = 0;
        long expected = 0;
        for (int round = 0; round < 10_000; round++) {
            int n = round % 8 + 1;
            for (int i = 0; i < n; i++) {
                assertEquals(SubmitResult.ACCEPTED, q.offer(next++));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(expected++, q.poll());
            }
        }
        assertNull(q.poll());
    }

    @Test
    void closeRefusesNewElementsButKeepsAcceptedOnes() {
        MpmcRingQueue<String> q = new MpmcRingQueue<>(4);
        q.offer("a");
        q.offer("b");
        assertFalse(q.isClosed());
        assertFalse(q.isDrained());
        assertEquals(2, q.close());
        assertEquals(2, q.close(), "idempotent");
        assertTrue(q.isClosed());
        assertEquals(SubmitResult.CLOSED, q.offer("c"));
        assertFalse(q.isDrained());
        assertEquals("a", q.poll());
        assertEquals("b", q.poll());
        assertNull(q.poll());
        assertTrue(q.isDrained());
    }

    @Test
    void aFullClosedQueueSaysClosed() {
        MpmcRingQueue<String> q = new MpmcRingQueue<>(2);
        q.offer("a");
        q.offer("b");
        q.close();
        assertEquals(SubmitResult.CLOSED, q.offer("c"));
    }

    @Test
    void manyProducersAndConsumersDeliverEveryElementExactlyOnce() throws Exception {
        int producers = 4;
        int consumers = 3;
        int perProducer = 200_000;
        MpmcRingQueue<Integer> q = new MpmcRingQueue<>(256);
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicLong fullAnswers = new AtomicLong();
        AtomicLong taken = new AtomicLong();
        AtomicBoolean producing = new AtomicBoolean(true);
        CyclicBarrier barrier = new CyclicBarrier(producers + consumers);
        List<Thread> threads = new ArrayList<>();
        Integer[] boxes = new Integer[producers * perProducer];
        for (int i = 0; i < boxes.length; i++) {
            boxes[i] = i;
        }
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads.add(new Thread(() -> {
                await(barrier);
                for (int i = 0; i < perProducer; i++) {
                    while (q.offer(boxes[base + i]) != SubmitResult.ACCEPTED) {
                        fullAnswers.incrementAndGet();
                        Thread.yield();
                    }
                }
            }, "producer-" + p));
        }
        List<Thread> consumerThreads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            consumerThreads.add(new Thread(() -> {
                await(barrier);
                while (true) {
                    Integer e = q.poll();
                    if (e != null) {
                        seen.incrementAndGet(e);
                        taken.incrementAndGet();
                    } else if (!producing.get() && q.size() == 0) {
                        return;
                    } else {
                        Thread.yield();
                    }
                }
            }, "consumer-" + c));
        }
        threads.forEach(Thread::start);
        consumerThreads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        producing.set(false);
        for (Thread t : consumerThreads) {
            t.join();
        }
        assertEquals((long) producers * perProducer, taken.get());
        for (int i = 0; i < seen.length(); i++) {
            if (seen.get(i) != 1) {
                throw new AssertionError("element " + i + " seen " + seen.get(i) + " times");
            }
        }
        assertNull(q.poll());
    }

    @Test
    void closingWhileProducersOfferLosesNothingThatWasAccepted() throws Exception {
        for (int round = 0; round < 20; round++) {
            MpmcRingQueue<Integer> q = new MpmcRingQueue<>(1 << 16);
            int producers = 3;
            AtomicLong accepted = new AtomicLong();
            CyclicBarrier barrier = new CyclicBarrier(producers + 1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(new Thread(() -> {
                    await(barrier);
                    Integer element = 7;
                    while (true) {
                        SubmitResult r = q.offer(element);
                        if (r == SubmitResult.ACCEPTED) {
                            accepted.incrementAndGet();
                        } else if (r == SubmitResult.CLOSED) {
                            return;
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            await(barrier);
            long consumed = 0;
            for (int i = 0; i < 1_000; i++) {
                if (q.poll() != null) {
                    consumed++;
                }
            }
            long frozen = q.close();
            while (!q.isDrained()) {
                if (q.poll() != null) {
                    consumed++;
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(accepted.get(), frozen, "the frozen tail counts every accepted offer");
            assertEquals(accepted.get(), consumed, "every accepted element was polled");
            assertNull(q.poll());
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
