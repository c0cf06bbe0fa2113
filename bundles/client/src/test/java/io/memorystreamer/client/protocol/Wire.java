package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Test helpers: frames as byte arrays, and a decoder in an embedded channel fed chunk by chunk. */
final class Wire {
    private Wire() {
    }

    /** @return the bytes of a well-formed version-1 frame */
    static byte[] frame(FrameBody body, long correlationId) {
        ByteBuf out = Unpooled.buffer();
        try {
            FrameWriter.write(out, body, correlationId);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** @return the bytes of a frame with any header values and a correct CRC */
    static byte[] raw(int version, int type, int flags, int reserved, long correlationId, Consumer<ByteBuf> body) {
        ByteBuf out = Unpooled.buffer();
        try {
            int start = FrameWriter.begin(out, version, type, flags, correlationId);
            out.setShort(start + Protocol.RESERVED_OFFSET, reserved);
            body.accept(out);
            FrameWriter.end(out, start);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** A decoder in an embedded channel, with an allocator that tracks what it made. */
    static final class Feed {
        final FrameDecoder decoder;
        final TrackingAllocator allocator;
        final EmbeddedChannel channel;
        final List<ByteBuf> inputs = new ArrayList<>();

        Feed(Protocol.Direction direction, int maxFrameBytes) {
            this(new FrameDecoder(direction, maxFrameBytes), new TrackingAllocator(TrackingAllocator.Kind.UNPOOLED_HEAP));
        }

        Feed(FrameDecoder decoder, TrackingAllocator allocator) {
            this.decoder = decoder;
            this.allocator = allocator;
            this.channel = new EmbeddedChannel();
            channel.config().setAllocator(allocator);
            channel.pipeline().addLast(decoder);
        }

        /** Writes a chunk, in a buffer of the allocator (direct or heap as asked); returns the exception the pipeline raised, or null. */
        RuntimeException write(byte[] bytes, int from, int to, boolean direct) {
            ByteBuf chunk = direct ? allocator.directBuffer(to - from) : allocator.heapBuffer(to - from);
            chunk.writeBytes(bytes, from, to - from);
            return write(chunk);
        }

        RuntimeException write(ByteBuf chunk) {
            if (!allocator.kind().pooled()) {
                inputs.add(chunk);
            }
            try {
                channel.writeInbound(chunk);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }

        RuntimeException write(byte[] bytes) {
            return write(bytes, 0, bytes.length, false);
        }

        /** @return the frames decoded so far (the caller releases them) */
        List<Frame> frames() {
            List<Frame> frames = new ArrayList<>();
            for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
                frames.add((Frame) message);
            }
            return frames;
        }

        /** Closes the channel; returns what closing raised, or null. */
        RuntimeException finish() {
            try {
                channel.finishAndReleaseAll();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }

        /** @return inputs and allocated buffers still referenced (0 once everything was released and the channel closed) */
        long unreleased() {
            return allocator.unreleased() + inputs.stream().filter(b -> b.refCnt() != 0).count();
        }
    }
}
