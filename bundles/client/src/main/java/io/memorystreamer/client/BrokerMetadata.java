package io.memorystreamer.client;

import java.util.Objects;

/**
 * What the broker says of itself (METADATA): its software version, the protocol versions it speaks
 * and the one this connection negotiated, and its limits. Immutable; any thread.
 *
 * @param brokerVersion the broker's software version
 * @param minProtocolVersion the lowest protocol version it speaks
 * @param maxProtocolVersion the highest
 * @param protocolVersion the version this client's connection speaks
 * @param maxFrameBytes the largest frame either end may send
 * @param maxInFlight the most requests a client may have awaiting an answer
 * @param maxMessageBytesDefault the largest message of a topic created without its own limit
 * @param topicCount how many topics exist
 */
public record BrokerMetadata(String brokerVersion, int minProtocolVersion, int maxProtocolVersion, int protocolVersion, int maxFrameBytes,
        int maxInFlight, int maxMessageBytesDefault, int topicCount) {
    /**
     * @param brokerVersion broker version
     * @param minProtocolVersion lowest protocol version
     * @param maxProtocolVersion highest protocol version
     * @param protocolVersion negotiated version
     * @param maxFrameBytes frame limit
     * @param maxInFlight in-flight limit
     * @param maxMessageBytesDefault default message limit
     * @param topicCount topics
     */
    public BrokerMetadata {
        Objects.requireNonNull(brokerVersion, "brokerVersion");
    }
}
