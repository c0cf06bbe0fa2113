package io.memorystreamer.core.work;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the records that {@link ManyToOneByteRing#read} takes from the ring, one call per
 * committed record, in claim order.
 *
 * <p>Threading: called on the ring's single consumer thread, inside {@code read}. The record's
 * bytes are the handler's only for the call: once {@code read} returns they are zeroed and
 * producers may overwrite them, so a handler copies what it keeps. A handler reads with absolute
 * gets only and does not change the buffer's position, limit or byte order. If it throws, the
 * record counts as consumed and the exception leaves {@code read}.
 */
@ConsumerType
@FunctionalInterface
public interface RingRecordHandler {
    /**
     * Handles one record's payload.
     *
     * @param buffer the ring's backing buffer (little-endian)
     * @param index the absolute index of the payload's first byte in {@code buffer}
     * @param length the number of payload bytes, 0 or more
     */
    void onRecord(ByteBuffer buffer, int index, int length);
}
