package io.memorystreamer.client.internal;

import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.FrameWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A request to send: its frame type and how to encode the whole frame once the connection gives it
 * a correlation id (a request is encoded again, with a new id, each time it is sent).
 */
public interface Outgoing {
    /** @return the frame type */
    int type();

    /**
     * Encodes the frame (header, body, CRC).
     *
     * @param alloc the channel's allocator
     * @param correlationId the id the connection gave this sending
     * @return the frame; the caller takes its reference
     * @throws IllegalArgumentException when a value does not fit its field
     */
    ByteBuf encode(ByteBufAllocator alloc, long correlationId);

    /**
     * @param body a typed body
     * @return a request that writes it
     */
    static Outgoing of(FrameBody body) {
        return new Outgoing() {
            @Override
            public int type() {
                return body.type();
            }

            @Override
            public ByteBuf encode(ByteBufAllocator alloc, long correlationId) {
                ByteBuf out = alloc.ioBuffer();
                try {
                    FrameWriter.write(out, body, correlationId);
                    return out;
                } catch (RuntimeException e) {
                    out.release();
                    throw e;
                }
            }

            @Override
            public String toString() {
                return body.toString();
            }
        };
    }
}
