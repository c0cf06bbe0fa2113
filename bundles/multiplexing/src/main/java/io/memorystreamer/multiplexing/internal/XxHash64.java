package io.memorystreamer.multiplexing.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * xxHash64 (Yann Collet's XXH64, version 0.8 of the specification) over bytes in an array or a
 * buffer, written from the published algorithm: 32-byte stripes into four accumulators, then 8-,
 * 4- and 1-byte tails, then the avalanche. Inputs are read little-endian, as the specification
 * says, whatever the buffer's own byte order.
 *
 * <p>Why this hash: fast on short keys (a stream key is at most 255 bytes), an avalanche good
 * enough that jump consistent hashing sees uniform 64-bit inputs, and a published definition, so a
 * client in any language can compute the same placement. The result is persisted in effect (it
 * decides where a stream lives), so this code must never change its output.
 *
 * <p>Threading: stateless; any thread. Allocates nothing: reads go through byte-array and
 * byte-buffer view {@link VarHandle}s, and the buffer's position, limit and order are untouched.
 */
public final class XxHash64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BUFFER_LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BUFFER_INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private XxHash64() {
    }

    /**
     * @param bytes  the input
     * @param offset index of its first byte
     * @param length number of bytes
     * @param seed   the seed
     * @return the 64-bit hash
     * @throws IndexOutOfBoundsException if the range is not inside {@code bytes}
     */
    public static long hash(byte[] bytes, int offset, int length, long seed) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int index = offset;
        int end = offset + length;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = end - 32;
            do {
                v1 = round(v1, (long) ARRAY_LONG.get(bytes, index));
                v2 = round(v2, (long) ARRAY_LONG.get(bytes, index + 8));
                v3 = round(v3, (long) ARRAY_LONG.get(bytes, index + 16));
                v4 = round(v4, (long) ARRAY_LONG.get(bytes, index + 24));
                index += 32;
            } while (index <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        for (; index + 8 <= end; index += 8) {
            h = mixLong(h, (long) ARRAY_LONG.get(bytes, index));
        }
        if (index + 4 <= end) {
            h = mixInt(h, (int) ARRAY_INT.get(bytes, index));
            index += 4;
        }
        for (; index < end; index++) {
            h = mixByte(h, bytes[index]);
        }
        return avalanche(h);
    }

    /**
     * @param buffer the input: the bytes from its position to its limit (neither is moved)
     * @param seed   the seed
     * @return the 64-bit hash
     */
    public static long hash(ByteBuffer buffer, long seed) {
        int index = buffer.position();
        int end = buffer.limit();
        int length = end - index;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            int limit = end - 32;
            do {
                v1 = round(v1, (long) BUFFER_LONG.get(buffer, index));
                v2 = round(v2, (long) BUFFER_LONG.get(buffer, index + 8));
                v3 = round(v3, (long) BUFFER_LONG.get(buffer, index + 16));
                v4 = round(v4, (long) BUFFER_LONG.get(buffer, index + 24));
                index += 32;
            } while (index <= limit);
            h = converge(v1, v2, v3, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        for (; index + 8 <= end; index += 8) {
            h = mixLong(h, (long) BUFFER_LONG.get(buffer, index));
        }
        if (index + 4 <= end) {
            h = mixInt(h, (int) BUFFER_INT.get(buffer, index));
            index += 4;
        }
        for (; index < end; index++) {
            h = mixByte(h, buffer.get(index));
        }
        return avalanche(h);
    }

    private static long round(long accumulator, long lane) {
        return Long.rotateLeft(accumulator + lane * P2, 31) * P1;
    }

    private static long merge(long h, long accumulator) {
        return (h ^ round(0, accumulator)) * P1 + P4;
    }

    private static long converge(long v1, long v2, long v3, long v4) {
        long h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
        h = merge(h, v1);
        h = merge(h, v2);
        h = merge(h, v3);
        return merge(h, v4);
    }

    private static long mixLong(long h, long lane) {
        return Long.rotateLeft(h ^ round(0, lane), 27) * P1 + P4;
    }

    private static long mixInt(long h, int lane) {
        return Long.rotateLeft(h ^ (Integer.toUnsignedLong(lane) * P1), 23) * P2 + P3;
    }

    private static long mixByte(long h, byte lane) {
        return Long.rotateLeft(h ^ (Byte.toUnsignedLong(lane) * P5), 11) * P1;
    }

    private static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        return h ^ (h >>> 32);
    }
}
