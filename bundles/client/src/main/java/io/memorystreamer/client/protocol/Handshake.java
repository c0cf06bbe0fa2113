package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * The bodies of the handshake and of METADATA. HELLO, HELLO_OK and ERROR keep their layout in every
 * protocol version, so peers of any versions can always negotiate.
 *
 * <pre>
 * HELLO       u16 minVersion | u16 maxVersion | string clientId | string authToken
 * HELLO_OK    u16 version | string brokerVersion | u32 maxFrameBytes | u32 maxInFlight
 * METADATA    (empty: {@link FrameBody.Empty})
 * METADATA_OK string brokerVersion | u16 minVersion | u16 maxVersion | u32 maxFrameBytes
 *             | u32 maxInFlight | u32 maxMessageBytesDefault | u32 topicCount
 * </pre>
 */
public final class Handshake {
    private Handshake() {
    }

    /**
     * HELLO: the first frame of every connection.
     *
     * @param minVersion the lowest protocol version the client speaks
     * @param maxVersion the highest
     * @param clientId a name for the client, for the broker's logs ("" when none)
     * @param authToken the token when the broker requires one, else ""
     */
    public record Hello(int minVersion, int maxVersion, String clientId, String authToken) implements FrameBody {
        /**
         * @param minVersion lowest version
         * @param maxVersion highest version
         * @param clientId client name
         * @param authToken token or ""
         */
        public Hello {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(authToken, "authToken");
        }

        @Override
        public int type() {
            return Protocol.HELLO;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeU16(out, minVersion);
            Codec.writeU16(out, maxVersion);
            Codec.writeString(out, clientId);
            Codec.writeString(out, authToken);
        }

        /**
         * @param body a HELLO body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static Hello read(ByteBuf body) {
            int min = Codec.readU16(body, "HELLO minVersion");
            int max = Codec.readU16(body, "HELLO maxVersion");
            String clientId = Codec.readString(body, "HELLO clientId");
            String token = Codec.readString(body, "HELLO authToken");
            Codec.requireFullyRead(body, "HELLO");
            return new Hello(min, max, clientId, token);
        }

        /**
         * Picks the version both ends speak: the highest in both ranges.
         *
         * @param serverMin the lowest version the server speaks
         * @param serverMax the highest
         * @return the version, or 0 when the ranges do not meet (answer UNSUPPORTED_VERSION)
         */
        public int negotiate(int serverMin, int serverMax) {
            int high = Math.min(maxVersion, serverMax);
            int low = Math.max(minVersion, serverMin);
            return high >= low && high >= 1 ? high : 0;
        }

        @Override
        public String toString() {
            return "Hello{versions " + minVersion + ".." + maxVersion + ", clientId=" + clientId + ", authToken="
                    + (authToken.isEmpty() ? "none" : "(" + authToken.length() + " chars)") + "}";
        }
    }

    /**
     * HELLO_OK: the session is open.
     *
     * @param version the version both ends now speak (every later frame carries it)
     * @param brokerVersion the broker's software version, for people
     * @param maxFrameBytes the largest length field either end may send on this connection
     * @param maxInFlight the most requests a client may have awaiting a response
     */
    public record HelloOk(int version, String brokerVersion, int maxFrameBytes, int maxInFlight) implements FrameBody {
        /**
         * @param version the negotiated version
         * @param brokerVersion the broker's version
         * @param maxFrameBytes the frame limit
         * @param maxInFlight the in-flight limit
         */
        public HelloOk {
            Objects.requireNonNull(brokerVersion, "brokerVersion");
        }

        @Override
        public int type() {
            return Protocol.HELLO_OK;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeU16(out, version);
            Codec.writeString(out, brokerVersion);
            Codec.writeSize(out, maxFrameBytes);
            Codec.writeSize(out, maxInFlight);
        }

        /**
         * @param body a HELLO_OK body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static HelloOk read(ByteBuf body) {
            int version = Codec.readU16(body, "HELLO_OK version");
            String brokerVersion = Codec.readString(body, "HELLO_OK brokerVersion");
            int maxFrameBytes = Codec.readSize(body, "HELLO_OK maxFrameBytes");
            int maxInFlight = Codec.readSize(body, "HELLO_OK maxInFlight");
            Codec.requireFullyRead(body, "HELLO_OK");
            return new HelloOk(version, brokerVersion, maxFrameBytes, maxInFlight);
        }
    }

    /**
     * METADATA_OK: the broker's versions and limits.
     *
     * @param brokerVersion the broker's software version
     * @param minVersion the lowest protocol version it speaks
     * @param maxVersion the highest
     * @param maxFrameBytes the largest length field on this connection
     * @param maxInFlight the most requests a client may have awaiting a response
     * @param maxMessageBytesDefault the maximum message size of a topic created without one
     * @param topicCount how many topics exist
     */
    public record MetadataOk(String brokerVersion, int minVersion, int maxVersion, int maxFrameBytes, int maxInFlight,
            int maxMessageBytesDefault, int topicCount) implements FrameBody {
        /**
         * @param brokerVersion broker version
         * @param minVersion lowest version
         * @param maxVersion highest version
         * @param maxFrameBytes frame limit
         * @param maxInFlight in-flight limit
         * @param maxMessageBytesDefault default message limit
         * @param topicCount topics
         */
        public MetadataOk {
            Objects.requireNonNull(brokerVersion, "brokerVersion");
        }

        @Override
        public int type() {
            return Protocol.METADATA_OK;
        }

        @Override
        public void write(ByteBuf out) {
            Codec.writeString(out, brokerVersion);
            Codec.writeU16(out, minVersion);
            Codec.writeU16(out, maxVersion);
            Codec.writeSize(out, maxFrameBytes);
            Codec.writeSize(out, maxInFlight);
            Codec.writeSize(out, maxMessageBytesDefault);
            Codec.writeSize(out, topicCount);
        }

        /**
         * @param body a METADATA_OK body
         * @return it parsed
         * @throws ProtocolException when it does not parse
         */
        public static MetadataOk read(ByteBuf body) {
            String brokerVersion = Codec.readString(body, "METADATA_OK brokerVersion");
            int min = Codec.readU16(body, "METADATA_OK minVersion");
            int max = Codec.readU16(body, "METADATA_OK maxVersion");
            int maxFrameBytes = Codec.readSize(body, "METADATA_OK maxFrameBytes");
            int maxInFlight = Codec.readSize(body, "METADATA_OK maxInFlight");
            int maxMessageBytes = Codec.readSize(body, "METADATA_OK maxMessageBytesDefault");
            int topicCount = Codec.readSize(body, "METADATA_OK topicCount");
            Codec.requireFullyRead(body, "METADATA_OK");
            return new MetadataOk(brokerVersion, min, max, maxFrameBytes, maxInFlight, maxMessageBytes, topicCount);
        }
    }
}
