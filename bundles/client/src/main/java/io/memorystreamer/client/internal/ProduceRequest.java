package io.memorystreamer.client.internal;

import io.memorystreamer.client.protocol.FrameWriter;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.Publishing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * One sending of a batch as a PRODUCE frame: the header, topic, producer id and count are written
 * into a small buffer, and the batch's encoded messages follow as a second component of a
 * composite buffer, not copied; the CRC is computed over both in place and appended (the composite
 * grows by a small component for it).
 */
final class ProduceRequest implements Outgoing {
    private final String topic;
    private final long producerId;
    private final RecordBatch batch;

    ProduceRequest(String topic, long producerId, RecordBatch batch) {
        this.topic = topic;
        this.producerId = producerId;
        this.batch = batch;
    }

    @Override
    public int type() {
        return Protocol.PRODUCE;
    }

    @Override
    public ByteBuf encode(ByteBufAllocator alloc, long correlationId) {
        ByteBuf head = alloc.ioBuffer(64 + topic.length() * 3);
        CompositeByteBuf frame = alloc.compositeDirectBuffer(16);
        try {
            FrameWriter.begin(head, Protocol.PRODUCE, correlationId);
            int countIndex = Publishing.Produce.beginMessages(head, topic, producerId);
            Publishing.Produce.endMessages(head, countIndex, batch.count());
            frame.addComponent(true, head);
            head = null;
            frame.addComponent(true, batch.messages.retainedDuplicate());
            FrameWriter.end(frame, 0);
            return frame;
        } catch (RuntimeException e) {
            if (head != null) {
                head.release();
            }
            frame.release();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "PRODUCE " + batch;
    }
}
