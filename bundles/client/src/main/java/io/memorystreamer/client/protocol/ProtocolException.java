package io.memorystreamer.client.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * Bytes that break the protocol: a frame or body that is malformed, too large, of an unknown type
 * or of the wrong version. It carries what the server answers with: the error code and the
 * correlation id of the offending frame (0 when it could not be trusted, for instance before its
 * CRC was checked). When {@link ProtocolError#closesConnection()} says so, the receiver sends an
 * ERROR frame and closes the connection.
 *
 * <p>It extends Netty's {@link DecoderException} so that {@link FrameDecoder} hands it to
 * {@code exceptionCaught} unwrapped. Immutable.
 */
public final class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    /** The error code. */
    private final ProtocolError error;
    /** The correlation id of the offending frame, or 0 when unknown. */
    private final long correlationId;
    /** What is wrong, without the code. */
    private final String detail;

    /**
     * @param error the error code
     * @param correlationId the offending frame's correlation id, or 0 when unknown
     * @param detail what is wrong, for people (goes into the ERROR frame's message)
     */
    public ProtocolException(ProtocolError error, long correlationId, String detail) {
        super(error.describe() + ": " + detail);
        this.error = error;
        this.correlationId = correlationId;
        this.detail = detail;
    }

    /** @return the error code */
    public ProtocolError error() {
        return error;
    }

    /** @return the offending frame's correlation id, or 0 when unknown */
    public long correlationId() {
        return correlationId;
    }

    /** @return what is wrong, without the error's name (the message an ERROR frame carries) */
    public String detail() {
        return detail;
    }

    /**
     * @param id the correlation id of the frame whose body failed to parse
     * @return this exception naming that frame (this one when it already does)
     */
    public ProtocolException withCorrelationId(long id) {
        if (id == correlationId) {
            return this;
        }
        ProtocolException copy = new ProtocolException(error, id, detail);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
