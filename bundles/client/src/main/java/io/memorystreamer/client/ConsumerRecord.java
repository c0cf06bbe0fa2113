package io.memorystreamer.client;

import io.memorystreamer.client.internal.HeaderBlock;
import java.util.Map;
import java.util.Objects;

/**
 * One record delivered to a {@link Consumer}: its topic, stream key, stream offset, append time,
 * shard, headers and payload. The bytes are the consumer's own copy, taken out of the network
 * frame when it arrived.
 *
 * <p>Immutable, except that {@link #payload()} returns the array itself (not a copy): the
 * application owns it. Any thread.
 */
public final class ConsumerRecord {
    private final String topic;
    private final String key;
    private final long streamOffset;
    private final long timestamp;
    private final int shard;
    private final byte[] headerBlock;
    private final byte[] payload;

    /**
     * @param topic the topic
     * @param key the stream key
     * @param streamOffset the offset in its stream
     * @param timestamp when it was appended, epoch milliseconds
     * @param shard the shard holding it
     * @param headerBlock the encoded header block (empty: none), owned by the record from now on
     * @param payload the payload, owned by the record from now on
     */
    public ConsumerRecord(String topic, String key, long streamOffset, long timestamp, int shard, byte[] headerBlock, byte[] payload) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.key = Objects.requireNonNull(key, "key");
        this.streamOffset = streamOffset;
        this.timestamp = timestamp;
        this.shard = shard;
        this.headerBlock = Objects.requireNonNull(headerBlock, "headerBlock");
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** @return the topic */
    public String topic() {
        return topic;
    }

    /** @return the stream key */
    public String key() {
        return key;
    }

    /** @return the record's offset in its stream */
    public long streamOffset() {
        return streamOffset;
    }

    /** @return when the broker appended it, in milliseconds since the epoch */
    public long timestamp() {
        return timestamp;
    }

    /** @return the shard holding it */
    public int shard() {
        return shard;
    }

    /**
     * Decodes the headers (on each call).
     *
     * @return names to values (read as UTF-8), in the order they were sent; empty for none
     * @throws IllegalArgumentException when the broker passed a malformed header block
     */
    public Map<String, String> headers() {
        return HeaderBlock.decode(headerBlock);
    }

    /** @return a copy of the header block as it travelled (little-endian, drawn in {@code docs/formats.md}); empty for none */
    public byte[] rawHeaders() {
        return headerBlock.clone();
    }

    /** @return the payload (the record's own array, not a copy) */
    public byte[] payload() {
        return payload;
    }

    @Override
    public String toString() {
        return "ConsumerRecord{" + topic + "/" + key + "@" + streamOffset + ", shard " + shard + ", timestamp " + timestamp + ", "
                + payload.length + " bytes}";
    }
}
