package io.memorystreamer.multiplexing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;

/** Our xxHash64 against published values and an independent implementation (lz4-java's), over arrays and buffers. */
class XxHash64Test {
    private static final XXHash64 REFERENCE = XXHashFactory.safeInstance().hash64();

    @Test
    void publishedValues() {
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0], 0, 0, 0), "XXH64 of nothing, seed 0");
        assertEquals(0xD24EC4F1A98C6E5BL, XxHash64.hash(new byte[] {'a'}, 0, 1, 0), "XXH64(\"a\"), seed 0");
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x44BC2CF5AD770999L, XxHash64.hash(abc, 0, 3, 0), "XXH64(\"abc\"), seed 0");
    }

    @Test
    void agreesWithAnIndependentImplementationForEveryLengthAcrossAllCodePaths() {
        SplittableRandom random = new SplittableRandom(42);
        for (int length = 0; length <= 300; length++) {
            for (int trial = 0; trial < 4; trial++) {
                int offset = random.nextInt(9);
                byte[] bytes = new byte[offset + length + random.nextInt(9)];
                random.nextBytes(bytes);
                long seed = trial == 0 ? 0 : random.nextLong();
                long expected = REFERENCE.hash(bytes, offset, length, seed);
                assertEquals(expected, XxHash64.hash(bytes, offset, length, seed), "array, length " + length + ", offset " + offset);
                assertEquals(expected, XxHash64.hash(ByteBuffer.wrap(bytes, offset, length), seed), "heap buffer, length " + length);
            }
        }
    }

    @Test
    void buffersOfEveryKindGiveTheArraysHashAndAreLeftAsTheyWere() {
        byte[] bytes = new byte[100];
        new SplittableRandom(7).nextBytes(bytes);
        long expected = XxHash64.hash(bytes, 5, 90, 0);

        ByteBuffer direct = ByteBuffer.allocateDirect(100).put(bytes).position(5).limit(95);
        ByteBuffer bigEndian = ByteBuffer.wrap(bytes, 5, 90).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer readOnly = ByteBuffer.wrap(bytes, 5, 90).asReadOnlyBuffer();
        ByteBuffer slice = ByteBuffer.wrap(bytes).position(5).slice().limit(90);
        for (ByteBuffer buffer : new ByteBuffer[] {direct, bigEndian, readOnly, slice}) {
            int position = buffer.position();
            int limit = buffer.limit();
            ByteOrder order = buffer.order();
            assertEquals(expected, XxHash64.hash(buffer, 0), buffer.toString());
            assertEquals(position, buffer.position());
            assertEquals(limit, buffer.limit());
            assertEquals(order, buffer.order());
        }
    }

    @Test
    void aRangeOutsideTheArrayIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(new byte[4], 2, 3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> XxHash64.hash(new byte[4], -1, 2, 0));
    }
}
