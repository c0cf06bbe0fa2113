package io.memorystreamer.core.work;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unit and concurrency tests of {@link ManyToOneByteRing}. */
class ManyToOneByteRingTest {
    private static final int HEADER = ManyToOneByteRing.HEADER_LENGTH;

    @Test
    void roundTripsOneRecord() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        assertTrue(ring.isEmpty());
        assertEquals(1024, ring.capacity());
        assertEquals(1024 / 2 - HEADER, ring.maxRecordLength());

        int index = ring.claim(5);
        assertEquals(HEADER, index, "the first record starts at 0, its payload after the header");
        assertFalse(ring.isEmpty());
        write(ring, index, bytes(5, 7));
        ring.commit(index);
        assertEquals(16, ring.size(), "header + 5 bytes, aligned to 8");

        List<byte[]> got = new ArrayList<>();
        assertEquals(1, ring.read(collect(got), 10));
        assertArrayEquals(bytes(5, 7), got.get(0));
        assertTrue(ring.isEmpty());
        assertEquals(0, ring.size());
        assertEquals(0, ring.read(collect(got), 10));
        for (int i = 0; i < 16; i++) {
            assertEquals(0, ring.buffer().get(i), "consumed bytes are zeroed, byte " + i);
        }
    }

    @Test
    void carriesRecordsOfVariedLengths() {
        ManyToOneByteRing ring = new ManyToOneByteRing(4096);
        int max = ring.maxRecordLength();
        int[] lengths = {0, 1, 3, 7, 8, 9, 15, 16, 17, 100, 1000, max - 1, max, 0, max, 2};
        int seed = 0;
        for (int length : lengths) {
            int index = ring.claim(length);
            assertNotEquals(ManyToOneByteRing.CLAIM_FAILED, index, "length " + length);
            write(ring, index, bytes(length, ++seed));
            ring.commit(index);
            List<byte[]> got = new ArrayList<>();
            assertEquals(1, ring.read(collect(got), 10), "length " + length);
            assertArrayEquals(bytes(length, seed), got.get(0), "length " + length);
        }
        // Now a batch of small ones, read in one go.
        List<byte[]> expected = new ArrayList<>();
        for (int length = 0; length < 40; length++) {
            byte[] payload = bytes(length, 100 + length);
            int index = ring.claim(length);
            write(ring, index, payload);
            ring.commit(index);
            expected.add(payload);
        }
        List<byte[]> got = new ArrayList<>();
        assertEquals(40, ring.read(collect(got), 1000));
        for (int i = 0; i < 40; i++) {
            assertArrayEquals(expected.get(i), got.get(i), "record " + i);
        }
        assertTrue(ring.isEmpty());
    }

    @Test
    void wrapsAroundWithPadding() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        // 100-byte payloads take 112 bytes: 9 fit (1008), leaving 16 before the end.
        List<byte[]> first = new ArrayList<>();
        int seed = 0;
        while (true) {
            int index = ring.claim(100);
            if (index == ManyToOneByteRing.CLAIM_FAILED) {
                break;
            }
            byte[] payload = bytes(100, ++seed);
            write(ring, index, payload);
            ring.commit(index);
            first.add(payload);
        }
        assertEquals(9, first.size());
        assertEquals(1008, ring.size());
        List<byte[]> got = new ArrayList<>();
        assertEquals(9, ring.read(collect(got), 100));
        assertContents(first, got);

        // The next record does not fit in the last 16 bytes: they become padding, it starts at 0.
        int wrapped = ring.claim(100);
        assertEquals(HEADER, wrapped);
        assertEquals(16 + 112, ring.size(), "padding counts as used space");
        byte[] a = bytes(100, 50);
        write(ring, wrapped, a);
        ring.commit(wrapped);
        int next = ring.claim(20);
        assertEquals(112 + HEADER, next);
        byte[] b = bytes(20, 51);
        write(ring, next, b);
        ring.commit(next);

        got.clear();
        assertEquals(2, ring.read(collect(got), 100), "padding is not handed to the handler");
        assertContents(List.of(a, b), got);
        assertTrue(ring.isEmpty());
        for (int i = 1008; i < 1024; i++) {
            assertEquals(0, ring.buffer().get(i), "padding is zeroed after it is consumed, byte " + i);
        }
    }

    @Test
    void keepsContentsOverManyLaps() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        SplittableRandom random = new SplittableRandom(42);
        ArrayDeque<byte[]> inFlight = new ArrayDeque<>();
        List<byte[]> got = new ArrayList<>();
        int seed = 0;
        for (int round = 0; round < 20_000; round++) {
            int claims = random.nextInt(1, 6);
            for (int i = 0; i < claims; i++) {
                int length = random.nextInt(0, 200);
                int index = ring.claim(length);
                if (index == ManyToOneByteRing.CLAIM_FAILED) {
                    break;
                }
                byte[] payload = bytes(length, ++seed);
                write(ring, index, payload);
                ring.commit(index);
                inFlight.add(payload);
            }
            got.clear();
            int n = ring.read(collect(got), random.nextInt(1, 6));
            assertEquals(got.size(), n);
            for (byte[] payload : got) {
                assertArrayEquals(inFlight.poll(), payload, "round " + round);
            }
        }
        got.clear();
        ring.read(collect(got), Integer.MAX_VALUE);
        assertContents(new ArrayList<>(inFlight), got);
        assertTrue(ring.isEmpty());
    }

    @Test
    void claimFailsWhenFullAndSucceedsAfterRead() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        // 120-byte payloads take 128 bytes: 8 fill the ring exactly.
        for (int i = 0; i < 8; i++) {
            int index = ring.claim(120);
            assertNotEquals(ManyToOneByteRing.CLAIM_FAILED, index, "record " + i);
            write(ring, index, bytes(120, i));
            ring.commit(index);
        }
        assertEquals(1024, ring.size());
        assertEquals(ManyToOneByteRing.CLAIM_FAILED, ring.claim(0));
        assertEquals(ManyToOneByteRing.CLAIM_FAILED, ring.claim(120));

        List<byte[]> got = new ArrayList<>();
        assertEquals(1, ring.read(collect(got), 1));
        assertEquals(ManyToOneByteRing.CLAIM_FAILED, ring.claim(121), "129 bytes > the 128 freed");
        int index = ring.claim(120);
        assertEquals(HEADER, index, "reuses the freed space at the start");
        write(ring, index, bytes(120, 8));
        ring.commit(index);

        // A full ring is read in one call, each record once (the lap bound in read).
        assertEquals(8, ring.read(collect(got), 100));
        for (int i = 0; i < 9; i++) {
            assertArrayEquals(bytes(120, i), got.get(i), "record " + i);
        }
        assertTrue(ring.isEmpty());
    }

    @Test
    void abortedRecordsAreSkipped() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        int a = ring.claim(10);
        int b = ring.claim(30);
        int c = ring.claim(0);
        write(ring, a, bytes(10, 1));
        write(ring, b, bytes(30, 2));
        ring.abort(b);
        ring.commit(a);
        ring.commit(c);
        List<byte[]> got = new ArrayList<>();
        assertEquals(2, ring.read(collect(got), 100));
        assertContents(List.of(bytes(10, 1), bytes(0, 0)), got);
        assertTrue(ring.isEmpty());

        // An aborted record alone is consumed without a call to the handler.
        ring.abort(ring.claim(5));
        assertEquals(0, ring.read((buffer, index, length) -> {
            throw new AssertionError("aborted record handed over");
        }, 100));
        assertTrue(ring.isEmpty());
    }

    @Test
    void readStopsAtAnUncommittedRecord() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        int a = ring.claim(4);
        int b = ring.claim(6);
        write(ring, a, bytes(4, 1));
        write(ring, b, bytes(6, 2));
        ring.commit(b);
        List<byte[]> got = new ArrayList<>();
        assertEquals(0, ring.read(collect(got), 100), "B waits for A");
        assertFalse(ring.isEmpty());
        ring.commit(a);
        assertEquals(2, ring.read(collect(got), 100));
        assertContents(List.of(bytes(4, 1), bytes(6, 2)), got);
    }

    @Test
    void readHonoursTheRecordLimit() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        for (int i = 0; i < 5; i++) {
            int index = ring.claim(1);
            write(ring, index, bytes(1, i));
            ring.commit(index);
        }
        List<byte[]> got = new ArrayList<>();
        assertEquals(2, ring.read(collect(got), 2));
        assertEquals(2, ring.read(collect(got), 2));
        assertEquals(1, ring.read(collect(got), 2));
        assertEquals(0, ring.read(collect(got), 2));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(bytes(1, i), got.get(i));
        }
    }

    @Test
    void aThrowingHandlerConsumesTheRecordsUpToItself() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        for (int i = 0; i < 4; i++) {
            int index = ring.claim(1);
            write(ring, index, bytes(1, i));
            ring.commit(index);
        }
        List<byte[]> got = new ArrayList<>();
        RingRecordHandler failOnSecond = (buffer, index, length) -> {
            collect(got).onRecord(buffer, index, length);
            if (got.size() == 2) {
                throw new IllegalStateException("boom");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.read(failOnSecond, 100));
        assertEquals("boom", e.getMessage());
        assertEquals(2, ring.read(collect(got), 100), "the records after the failing one remain");
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(bytes(1, i), got.get(i));
        }
    }

    @Test
    void rejectsInvalidArguments() {
        for (int bad : new int[] {0, 1, 512, 1000, 1025, 3072, -1024, (1 << 30) + 1, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ManyToOneByteRing(bad));
            assertTrue(e.getMessage().contains("power of two") && e.getMessage().contains(Integer.toString(bad)),
                    e.getMessage());
        }
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        for (int bad : new int[] {-1, ring.maxRecordLength() + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.claim(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
        for (int bad : new int[] {-8, 0, 4, 9, 1032, ManyToOneByteRing.CLAIM_FAILED}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.commit(bad));
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ring.abort(bad));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ring.read((buffer, index, length) -> { }, 0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ring.read(null, 1));

        int index = ring.claim(3);
        ring.commit(index);
        assertThrows(IllegalStateException.class, () -> ring.commit(index), "committed twice");
        assertThrows(IllegalStateException.class, () -> ring.abort(index), "aborted after commit");
        assertThrows(IllegalStateException.class, () -> ring.commit(index + 64), "never claimed");
        assertEquals(1, ring.read((buffer, i, length) -> { }, 10));
        assertTrue(ring.isEmpty());
    }

    @Test
    void theHandlerSeesTheRingsBuffer() {
        ManyToOneByteRing ring = new ManyToOneByteRing(1024);
        int index = ring.claim(8);
        ring.buffer().putLong(index, 0x0102030405060708L);
        ring.commit(index);
        AtomicReference<ByteBuffer> seen = new AtomicReference<>();
        ring.read((buffer, i, length) -> {
            seen.set(buffer);
            assertEquals(index, i);
            assertEquals(8, length);
            assertEquals(0x0102030405060708L, buffer.getLong(i));
            assertEquals(0x08, buffer.get(i), "little-endian");
        }, 1);
        assertSame(ring.buffer(), seen.get());
    }

    /**
     * Four producers each claim 200,000 records of random length carrying (producer, sequence) and
     * a pattern; the consumer checks each producer's records arrive once, in order, intact.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void manyProducersOneConsumer() throws Exception {
        int producers = 4;
        int perProducer = 200_000;
        ManyToOneByteRing ring = new ManyToOneByteRing(64 * 1024);
        CyclicBarrier start = new CyclicBarrier(producers + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                try {
                    SplittableRandom random = new SplittableRandom(producer);
                    ByteBuffer buffer = ring.buffer();
                    start.await();
                    for (long sequence = 0; sequence < perProducer; sequence++) {
                        int length = 12 + random.nextInt(0, 301);
                        int index;
                        while ((index = ring.claim(length)) == ManyToOneByteRing.CLAIM_FAILED) {
                            Thread.onSpinWait();
                        }
                        buffer.putInt(index, producer);
                        buffer.putLong(index + 4, sequence);
                        for (int i = 12; i < length; i++) {
                            buffer.put(index + i, pattern(producer, sequence, i));
                        }
                        ring.commit(index);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "ring-producer-" + p);
            thread.start();
            threads.add(thread);
        }

        long[] next = new long[producers];
        RingRecordHandler check = (buffer, index, length) -> {
            assertTrue(length >= 12 && length <= 312, "length " + length);
            int producer = buffer.getInt(index);
            long sequence = buffer.getLong(index + 4);
            assertTrue(producer >= 0 && producer < producers, "producer " + producer);
            assertEquals(next[producer], sequence, "producer " + producer + " out of order");
            next[producer]++;
            for (int i = 12; i < length; i++) {
                if (buffer.get(index + i) != pattern(producer, sequence, i)) {
                    throw new AssertionError("producer " + producer + " sequence " + sequence + " byte " + i);
                }
            }
        };
        start.await();
        long total = (long) producers * perProducer;
        long received = 0;
        while (received < total) {
            int n = ring.read(check, 256);
            received += n;
            if (n == 0) {
                assertNull(failure.get());
                Thread.onSpinWait();
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertNull(failure.get());
        for (int p = 0; p < producers; p++) {
            assertEquals(perProducer, next[p], "producer " + p);
        }
        assertEquals(0, ring.read(check, 256));
        assertTrue(ring.isEmpty());
    }

    private static byte pattern(int producer, long sequence, int i) {
        return (byte) (sequence * 31 + producer * 7 + i);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 17 + i);
        }
        return bytes;
    }

    private static void write(ManyToOneByteRing ring, int index, byte[] payload) {
        ring.buffer().put(index, payload);
    }

    private static RingRecordHandler collect(List<byte[]> into) {
        return (buffer, index, length) -> {
            byte[] copy = new byte[length];
            buffer.get(index, copy);
            into.add(copy);
        };
    }

    private static void assertContents(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "record " + i);
        }
    }
}
