package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over a region of a {@link ByteBuf} of any kind (heap, direct, composite) without copying
 * it: through its array or its NIO views, which {@link CRC32C} reads with the CPU's instruction.
 *
 * <p>Stateless; any thread.
 */
final class Crc32c {
    private Crc32c() {
    }

    /**
     * @param buffer the bytes (indexes not moved)
     * @param index where the region starts
     * @param length its length
     * @return the CRC32C of the region, as the frame's u32 carries it
     */
    static int of(ByteBuf buffer, int index, int length) {
        CRC32C crc = new CRC32C();
        if (buffer.hasArray()) {
            crc.update(buffer.array(), buffer.arrayOffset() + index, length);
        } else {
            int count = buffer.nioBufferCount();
            if (count == 1) {
                crc.update(buffer.nioBuffer(index, length));
            } else if (count > 1) {
                for (ByteBuffer part : buffer.nioBuffers(index, length)) {
                    crc.update(part);
                }
            } else {
                byte[] chunk = new byte[Math.min(length, 8192)];
                for (int at = 0; at < length; at += chunk.length) {
                    int n = Math.min(chunk.length, length - at);
                    buffer.getBytes(index + at, chunk, 0, n);
                    crc.update(chunk, 0, n);
                }
            }
        }
        return (int) crc.getValue();
    }
}
