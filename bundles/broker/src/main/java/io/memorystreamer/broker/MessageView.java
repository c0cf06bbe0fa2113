package io.memorystreamer.broker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A delivered message as a read-only view over the log's mapped buffer: nothing is copied until a
 * {@code ...Bytes()} or {@code ...AsString()} method copies it. The broker moves the same view from
 * message to message, so it is valid only while {@link MessageHandler#onMessage} runs; copy what
 * you keep. Offsets are absolute indexes into {@link #buffer()}.
 *
 * <p>Not thread-safe: owned by the subscription that delivers it.
 */
public final class MessageView {
    private String topic;
    private int shard;
    private long position;
    private long streamOffset;
    private long timestamp;
    private ByteBuffer buffer;
    private int keyOffset;
    private int keyLength;
    private int headersOffset;
    private int headersLength;
    private int payloadOffset;
    private int payloadLength;
    private int lane = -1;
    private int indexInFrame;

    /** Creates an unpositioned view (the broker positions it). */
    public MessageView() {
    }

    /**
     * Points the view at a message (used by the broker).
     *
     * @param topicName the topic
     * @param shardIndex the shard the message is in
     * @param logPosition the log position of the frame holding it
     * @param offset the message's offset in its stream
     * @param millis its timestamp
     * @param readOnlyBuffer the buffer holding key, headers and payload
     * @param keyAt where the key starts
     * @param keyBytes its length
     * @param headersAt where the header block starts
     * @param headersBytes its length
     * @param payloadAt where the payload starts
     * @param payloadBytes its length
     * @return this view
     */
    public MessageView wrap(String topicName, int shardIndex, long logPosition, long offset, long millis, ByteBuffer readOnlyBuffer,
            int keyAt, int keyBytes, int headersAt, int headersBytes, int payloadAt, int payloadBytes) {
        this.topic = topicName;
        this.shard = shardIndex;
        this.position = logPosition;
        this.streamOffset = offset;
        this.timestamp = millis;
        this.buffer = readOnlyBuffer;
        this.keyOffset = keyAt;
        this.keyLength = keyBytes;
        this.headersOffset = headersAt;
        this.headersLength = headersBytes;
        this.payloadOffset = payloadAt;
        this.payloadLength = payloadBytes;
        return this;
    }

    /**
     * Sets where the message sits for a consumer group's commits (used by the broker).
     *
     * @param laneId the topic-wide lane id ({@code shard * lanesPerShard + lane}), or -1 outside a group
     * @param index the message's index in its frame
     * @return this view
     */
    public MessageView at(int laneId, int index) {
        this.lane = laneId;
        this.indexInFrame = index;
        return this;
    }

    /**
     * @return for a consumer group member, the topic-wide id of the lane the message belongs to
     *     ({@code shard * lanesPerShard + lane}); -1 for other subscriptions
     */
    public int lane() {
        return lane;
    }

    /**
     * @return the message's index in its frame (a frame holds a batch); with {@link #position()},
     *     the exact place to commit after it: {@code (position(), indexInFrame() + 1)}
     */
    public int indexInFrame() {
        return indexInFrame;
    }

    /** @return the topic */
    public String topic() {
        return topic;
    }

    /** @return the shard holding the message */
    public int shard() {
        return shard;
    }

    /** @return the log position of the frame holding the message, in its shard */
    public long position() {
        return position;
    }

    /** @return the message's offset in its stream (dense, from 0) */
    public long streamOffset() {
        return streamOffset;
    }

    /** @return milliseconds since the epoch when the broker appended it */
    public long timestamp() {
        return timestamp;
    }

    /** @return the read-only, little-endian buffer the offsets below index into */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** @return where the stream key (UTF-8) starts in {@link #buffer()} */
    public int keyOffset() {
        return keyOffset;
    }

    /** @return the stream key's length in bytes */
    public int keyLength() {
        return keyLength;
    }

    /** @return where the header block ({@link MessageHeaders}) starts in {@link #buffer()} */
    public int headersOffset() {
        return headersOffset;
    }

    /** @return the header block's length in bytes */
    public int headersLength() {
        return headersLength;
    }

    /** @return where the payload starts in {@link #buffer()} */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** @return the payload's length in bytes */
    public int payloadLength() {
        return payloadLength;
    }

    /**
     * Compares the stream key with a byte array without allocating.
     *
     * @param key UTF-8 bytes
     * @return whether they are equal
     */
    public boolean keyEquals(byte[] key) {
        if (key.length != keyLength) {
            return false;
        }
        for (int i = 0; i < keyLength; i++) {
            if (buffer.get(keyOffset + i) != key[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return the stream key (allocates) */
    public String keyAsString() {
        return string(keyOffset, keyLength);
    }

    /** @return a copy of the payload */
    public byte[] payloadBytes() {
        return bytes(payloadOffset, payloadLength);
    }

    /** @return the payload decoded as UTF-8 (allocates) */
    public String payloadAsString() {
        return string(payloadOffset, payloadLength);
    }

    /** @return a copy of the header block */
    public byte[] headersBytes() {
        return bytes(headersOffset, headersLength);
    }

    /** @return the headers, decoded (allocates) */
    public Map<String, String> headers() {
        return MessageHeaders.decode(buffer.slice(headersOffset, headersLength));
    }

    private byte[] bytes(int offset, int length) {
        byte[] copy = new byte[length];
        buffer.get(offset, copy);
        return copy;
    }

    private String string(int offset, int length) {
        return new String(bytes(offset, length), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return topic == null ? "MessageView[unpositioned]"
                : "MessageView[" + topic + "/" + keyAsString() + "@" + streamOffset + ", " + payloadLength + " bytes]";
    }
}
