package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts a byte stream into {@link Frame}s (the layout is drawn in {@link Protocol}), checking, in
 * this order:
 * <ol>
 * <li>the length field, as soon as its 4 bytes are in: below 20 is {@link ProtocolError#MALFORMED_FRAME};</li>
 * <li>the magic, as soon as the 20-byte header is in: anything but "MS" is MALFORMED_FRAME;</li>
 * <li>the length against {@link #maxFrameBytes()}: above is {@link ProtocolError#FRAME_TOO_LARGE}.
 * Both length checks happen before a byte of the body is waited for, so the decoder never buffers
 * (or allocates) what a peer merely announces;</li>
 * <li>once the whole frame is in, the CRC32C (over the received bytes in place, no copy): a mismatch
 * is MALFORMED_FRAME;</li>
 * <li>then, the header being trustworthy: reserved field 0 and no unknown flag (MALFORMED_FRAME), a
 * type this decoder's {@link Protocol.Direction} carries ({@link ProtocolError#UNKNOWN_TYPE}), the
 * response flag matching that direction (MALFORMED_FRAME), the correlation id fitting the type
 * ({@link Protocol#isValidCorrelation}: else MALFORMED_FRAME), and, once {@linkplain
 * #negotiatedVersion(int) negotiated}, the version ({@link ProtocolError#UNSUPPORTED_VERSION}).</li>
 * </ol>
 * A good frame is emitted holding a retained slice of the input as its body. A bad one raises a
 * {@link ProtocolException} (Netty passes it to {@code exceptionCaught} as it is) carrying the
 * frame's correlation id when its header could be trusted, else 0; from then on the decoder
 * discards everything it receives, since the stream has lost its framing: the handler sends ERROR
 * and closes. No other exception escapes it, whatever the bytes, and it never reads past the bytes
 * it was given.
 *
 * <p>Not thread-safe and not sharable: one per channel, used on its event loop (call the setters
 * from there too, for instance from the handler that completes the handshake).
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final Protocol.Direction accepted;
    private int maxFrameBytes;
    private int negotiatedVersion;
    private boolean failed;
    private long framesDecoded;

    /**
     * @param accepted the frames this end receives: {@link Protocol.Direction#CLIENT_TO_SERVER} in a
     *     server, {@link Protocol.Direction#SERVER_TO_CLIENT} in a client
     * @param maxFrameBytes the largest length field accepted, {@value Protocol#MIN_FRAME_LENGTH} to
     *     {@value Protocol#MAX_MAX_FRAME_BYTES} (usually {@link Protocol#DEFAULT_MAX_FRAME_BYTES})
     * @throws IllegalArgumentException when the limit is out of range
     */
    public FrameDecoder(Protocol.Direction accepted, int maxFrameBytes) {
        if (accepted == null) {
            throw new NullPointerException("accepted");
        }
        this.accepted = accepted;
        maxFrameBytes(maxFrameBytes);
    }

    /** @return the direction of the frames this decoder accepts */
    public Protocol.Direction accepted() {
        return accepted;
    }

    /** @return the largest length field accepted */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Changes the largest length field accepted from the next frame on (a client sets it to the
     * {@code maxFrameBytes} of HELLO_OK).
     *
     * @param value {@value Protocol#MIN_FRAME_LENGTH} to {@value Protocol#MAX_MAX_FRAME_BYTES}
     * @throws IllegalArgumentException when out of range
     */
    public void maxFrameBytes(int value) {
        if (value < Protocol.MIN_FRAME_LENGTH || value > Protocol.MAX_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("a maximum frame size is " + Protocol.MIN_FRAME_LENGTH + " to "
                    + Protocol.MAX_MAX_FRAME_BYTES + " bytes, not " + value);
        }
        this.maxFrameBytes = value;
    }

    /** @return the version every frame must carry, or 0 before the handshake (any version accepted) */
    public int negotiatedVersion() {
        return negotiatedVersion;
    }

    /**
     * From the next frame on, refuses frames of any other version with
     * {@link ProtocolError#UNSUPPORTED_VERSION}. Called once the handshake chose the version.
     *
     * @param version 1 to 255
     * @throws IllegalArgumentException when out of range
     */
    public void negotiatedVersion(int version) {
        if (version < 1 || version > 0xFF) {
            throw new IllegalArgumentException("a protocol version is 1 to 255, not " + version);
        }
        this.negotiatedVersion = version;
    }

    /** @return whether a protocol error was raised (everything received since is discarded) */
    public boolean hasFailed() {
        return failed;
    }

    /** @return how many frames were decoded */
    public long framesDecoded() {
        return framesDecoded;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        Frame frame = tryDecode(in);
        if (frame != null) {
            out.add(frame);
        }
    }

    /**
     * Decodes the next frame, if the buffer holds all of it: for callers outside a Netty pipeline
     * (a blocking client, tests). Reads only between the reader and writer index.
     *
     * @param in received bytes; on success the reader index moves past the frame
     * @return the frame (holding a retained slice of {@code in}), or null when more bytes are needed
     *     (nothing consumed) or the decoder has failed (everything consumed)
     * @throws ProtocolException when the bytes break the protocol; {@code in} is then consumed
     *     whole and this decoder discards all later input
     */
    public Frame tryDecode(ByteBuf in) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        try {
            return next(in);
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private Frame next(ByteBuf in) {
        int readable = in.readableBytes();
        if (readable < Protocol.LENGTH_FIELD_BYTES) {
            return null;
        }
        int start = in.readerIndex();
        long length = in.getUnsignedInt(start + Protocol.LENGTH_OFFSET);
        if (length < Protocol.MIN_FRAME_LENGTH) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, 0,
                    "frame length " + length + " is below the minimum " + Protocol.MIN_FRAME_LENGTH + hint(in, start));
        }
        if (readable < Protocol.HEADER_BYTES) {
            return null;
        }
        int magic = in.getUnsignedShort(start + Protocol.MAGIC_OFFSET);
        if (magic != Protocol.MAGIC) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, 0,
                    String.format("bad magic 0x%04X, expected 0x%04X (\"MS\")", magic, Protocol.MAGIC) + hint(in, start));
        }
        int type = in.getUnsignedByte(start + Protocol.TYPE_OFFSET);
        long correlationId = in.getLong(start + Protocol.CORRELATION_OFFSET);
        if (length > maxFrameBytes) {
            // The header is not checked by its CRC yet (that would take the body), but its magic
            // matched: its correlation id is the best guess the peer can use.
            throw new ProtocolException(ProtocolError.FRAME_TOO_LARGE, correlationId, "frame length " + length
                    + " exceeds the maximum " + maxFrameBytes + " (" + Protocol.typeName(type) + ")");
        }
        int frameBytes = (int) length + Protocol.LENGTH_FIELD_BYTES;
        if (readable < frameBytes) {
            return null;
        }
        int crcIndex = start + frameBytes - Protocol.CRC_BYTES;
        int expectedCrc = in.getInt(crcIndex);
        int actualCrc = Crc32c.of(in, start + Protocol.MAGIC_OFFSET, crcIndex - start - Protocol.MAGIC_OFFSET);
        if (expectedCrc != actualCrc) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, 0, String.format(
                    "CRC32C mismatch: the frame carries 0x%08X, its %d bytes give 0x%08X", expectedCrc, length - Protocol.CRC_BYTES, actualCrc));
        }
        int version = in.getUnsignedByte(start + Protocol.VERSION_OFFSET);
        int flags = in.getUnsignedShort(start + Protocol.FLAGS_OFFSET);
        int reserved = in.getUnsignedShort(start + Protocol.RESERVED_OFFSET);
        checkHeader(version, type, flags, reserved, correlationId);
        ByteBuf body = in.retainedSlice(start + Protocol.BODY_OFFSET, (int) length - Protocol.MIN_FRAME_LENGTH);
        in.skipBytes(frameBytes);
        framesDecoded++;
        return new Frame(version, type, flags, correlationId, body);
    }

    private void checkHeader(int version, int type, int flags, int reserved, long correlationId) {
        String name = Protocol.typeName(type);
        if (reserved != 0) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, correlationId,
                    String.format("%s: the reserved header field is 0x%04X, must be 0", name, reserved));
        }
        if ((flags & ~Protocol.KNOWN_FLAGS) != 0) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, correlationId,
                    String.format("%s: unknown flag bits 0x%04X are set", name, flags & ~Protocol.KNOWN_FLAGS));
        }
        if (!Protocol.isKnownType(type)) {
            throw new ProtocolException(ProtocolError.UNKNOWN_TYPE, correlationId, "frame type " + name);
        }
        if (Protocol.direction(type) != accepted) {
            throw new ProtocolException(ProtocolError.UNKNOWN_TYPE, correlationId, name + " travels "
                    + (accepted == Protocol.Direction.CLIENT_TO_SERVER ? "from server to client" : "from client to server")
                    + ", this end only receives " + (accepted == Protocol.Direction.CLIENT_TO_SERVER ? "requests" : "responses and pushes"));
        }
        boolean response = (flags & Protocol.FLAG_RESPONSE) != 0;
        if (response != (accepted == Protocol.Direction.SERVER_TO_CLIENT)) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, correlationId,
                    name + ": the response flag must be " + (response ? "clear on a request" : "set on a server frame"));
        }
        if (!Protocol.isValidCorrelation(type, correlationId)) {
            throw new ProtocolException(ProtocolError.MALFORMED_FRAME, correlationId, name + (Protocol.isPush(type)
                    ? ": a push carries correlation id 0, not " + correlationId
                    : ": correlation id 0 is reserved for pushes and connection errors; requests and their answers carry another"));
        }
        if (negotiatedVersion != 0 && version != negotiatedVersion) {
            throw new ProtocolException(ProtocolError.UNSUPPORTED_VERSION, correlationId,
                    name + " carries version " + version + " but the session speaks version " + negotiatedVersion);
        }
    }

    /** A hint for people when the first bytes look like another protocol. */
    private String hint(ByteBuf in, int start) {
        if (framesDecoded != 0) {
            return "";
        }
        int first = in.getUnsignedByte(start);
        int second = in.getUnsignedByte(start + 1);
        if (first == 0x16 && second == 0x03) {
            return " (the stream starts like a TLS handshake; this port speaks the plain protocol)";
        }
        for (int i = 0; i < Protocol.LENGTH_FIELD_BYTES; i++) {
            int b = in.getUnsignedByte(start + i);
            if (b < 0x20 || b > 0x7E) {
                return "";
            }
        }
        return " (the stream starts with the text \"" + in.toString(start, Protocol.LENGTH_FIELD_BYTES, StandardCharsets.US_ASCII)
                + "\": is the peer speaking HTTP or another text protocol?)";
    }
}
