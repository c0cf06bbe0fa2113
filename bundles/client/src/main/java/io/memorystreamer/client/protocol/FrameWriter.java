package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Writes frames into a {@link ByteBuf} (layout drawn in {@link Protocol}) in three steps, so a body
 * is written in place, once, with no intermediate buffer:
 *
 * <pre>{@code
 * int start = FrameWriter.begin(out, Protocol.SUBSCRIBED, correlationId); // header, length left 0
 * Codec.writeI32(out, subscriptionId);                                    // the body, by the caller
 * FrameWriter.end(out, start);                                            // length patched, CRC32C appended
 * }</pre>
 *
 * Several frames may be written back to back into one buffer (one socket write for many frames).
 * {@code out} may be a {@link io.netty.buffer.CompositeByteBuf} to which the caller adds large
 * payloads as components instead of copying them: {@link #end} reads it in place.
 *
 * <p>Stateless; any thread (one thread per buffer at a time).
 */
public final class FrameWriter {
    private FrameWriter() {
    }

    /**
     * Writes the header of a version-1 frame with the flags its type carries.
     *
     * @param out where to append
     * @param type a known type code
     * @param correlationId the request's id, non-zero (0 in pushes; 0 or the request's in ERROR)
     * @return the frame's start index, for {@link #end}
     * @throws IllegalArgumentException for an unknown type, or a correlation id the type does not
     *     allow ({@link Protocol#isValidCorrelation})
     */
    public static int begin(ByteBuf out, int type, long correlationId) {
        if (Protocol.isKnownType(type) && !Protocol.isValidCorrelation(type, correlationId)) {
            throw new IllegalArgumentException(Protocol.typeName(type) + " cannot carry correlation id " + correlationId
                    + ": requests and answers carry a non-zero id, pushes 0");
        }
        return begin(out, Protocol.VERSION_1, type, Protocol.flagsFor(type), correlationId);
    }

    /**
     * Writes the header of a version-1 frame with explicit flags.
     *
     * @param out where to append
     * @param type a type code, 0 to 255
     * @param flags the flags, 0 to 65535 (see {@link Protocol#flagsFor})
     * @param correlationId the correlation id
     * @return the frame's start index, for {@link #end}
     * @throws IllegalArgumentException when a value does not fit its field
     */
    public static int begin(ByteBuf out, int type, int flags, long correlationId) {
        return begin(out, Protocol.VERSION_1, type, flags, correlationId);
    }

    /**
     * Writes a frame's header with its length left 0.
     *
     * @param out where to append
     * @param version the protocol version, 0 to 255
     * @param type a type code, 0 to 255
     * @param flags the flags, 0 to 65535
     * @param correlationId the correlation id
     * @return the frame's start index, for {@link #end}
     * @throws IllegalArgumentException when a value does not fit its field
     */
    public static int begin(ByteBuf out, int version, int type, int flags, long correlationId) {
        if ((version & ~0xFF) != 0 || (type & ~0xFF) != 0 || (flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("version " + version + " and type " + type + " are 0 to 255, flags " + flags
                    + " are 0 to 65535");
        }
        int start = out.writerIndex();
        out.writeInt(0);
        out.writeShort(Protocol.MAGIC);
        out.writeByte(version);
        out.writeByte(type);
        out.writeShort(flags);
        out.writeShort(0);
        out.writeLong(correlationId);
        return start;
    }

    /**
     * Completes the frame begun at {@code start}: patches its length and appends the CRC32C of
     * everything from its magic to the end of its body (the bytes written since {@link #begin}).
     *
     * @param out the buffer {@link #begin} wrote into
     * @param start what {@link #begin} returned
     * @return the frame's size in bytes, length field included (its length field is this minus 4);
     *     a caller checks it against the peer's maximum frame size, as this method does not know it
     * @throws IllegalArgumentException when {@code start} is not the start of a begun frame
     */
    public static int end(ByteBuf out, int start) {
        if (start < 0 || out.writerIndex() - start < Protocol.HEADER_BYTES || out.getUnsignedShort(start + Protocol.MAGIC_OFFSET) != Protocol.MAGIC) {
            throw new IllegalArgumentException("no frame begins at index " + start);
        }
        int crcIndex = out.writerIndex();
        int crc = Crc32c.of(out, start + Protocol.MAGIC_OFFSET, crcIndex - start - Protocol.MAGIC_OFFSET);
        out.writeInt(crc);
        int frameBytes = out.writerIndex() - start;
        out.setInt(start + Protocol.LENGTH_OFFSET, frameBytes - Protocol.LENGTH_FIELD_BYTES);
        return frameBytes;
    }

    /**
     * Writes a whole frame holding a typed body, with the flags its type carries.
     *
     * @param out where to append
     * @param body the body
     * @param correlationId the request's id, non-zero (0 in pushes; 0 or the request's in ERROR)
     * @return the frame's size in bytes, length field included
     * @throws IllegalArgumentException for a correlation id the type does not allow, or when the body holds a value its encoding cannot carry; the
     *     buffer is then left as it was
     */
    public static int write(ByteBuf out, FrameBody body, long correlationId) {
        int start = begin(out, body.type(), correlationId);
        try {
            body.write(out);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
        return end(out, start);
    }
}
