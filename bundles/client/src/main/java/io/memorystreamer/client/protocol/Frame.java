package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One decoded frame: its header fields and its body, a slice of the received bytes (not a copy)
 * between the header and the CRC. {@link FrameDecoder} checked the length, magic, CRC, reserved
 * field, flags, type and (once negotiated) version before making one.
 *
 * <p>A frame holds one reference to its body: whoever handles it releases it (or passes it on),
 * as with any Netty message. Read the body with the typed readers ({@link FrameBody#read(Frame)}),
 * which move the body's reader index; whatever they return that is a {@link ByteBuf} is a slice
 * valid only until the frame is released.
 *
 * <p>Not thread-safe: owned by the thread handling it.
 */
public final class Frame extends DefaultByteBufHolder {
    private final int version;
    private final int type;
    private final int flags;
    private final long correlationId;

    /**
     * @param version the protocol version the header carries
     * @param type the type code
     * @param flags the flags
     * @param correlationId the correlation id
     * @param body the body; this frame takes over one reference to it
     */
    public Frame(int version, int type, int flags, long correlationId, ByteBuf body) {
        super(body);
        this.version = version;
        this.type = type;
        this.flags = flags;
        this.correlationId = correlationId;
    }

    /** @return the protocol version in the header */
    public int version() {
        return version;
    }

    /** @return the type code (see {@link Protocol}) */
    public int type() {
        return type;
    }

    /** @return the flags */
    public int flags() {
        return flags;
    }

    /** @return whether the response flag is set (every server-to-client frame) */
    public boolean isResponse() {
        return (flags & Protocol.FLAG_RESPONSE) != 0;
    }

    /** @return the correlation id: chosen by the client, echoed by the server, 0 in pushes */
    public long correlationId() {
        return correlationId;
    }

    /** @return the body (the same buffer as {@link #content()}) */
    public ByteBuf body() {
        return content();
    }

    @Override
    public Frame copy() {
        return replace(content().copy());
    }

    @Override
    public Frame duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Frame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(version, type, flags, correlationId, content);
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        super.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Frame)) {
            return false;
        }
        Frame that = (Frame) other;
        return version == that.version && type == that.type && flags == that.flags && correlationId == that.correlationId
                && content().equals(that.content());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(correlationId) + type) + content().hashCode();
    }

    @Override
    public String toString() {
        return "Frame{" + Protocol.typeName(type) + ", version " + version + ", flags 0x" + Integer.toHexString(flags) + ", correlation "
                + correlationId + ", body " + (refCnt() > 0 ? content().readableBytes() + " bytes" : "released") + "}";
    }
}
