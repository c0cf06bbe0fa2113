package io.memorystreamer.broker;

/**
 * One stream of a topic.
 *
 * @param key the stream key
 * @param streamId its id in the topic's registry
 * @param shard the shard it is placed on
 * @param nextOffset the offset its next message will get (= messages published to it)
 * @param lastPosition the log position of its last message, or -1
 * @param lastActivityMillis when it last received a message (epoch millis)
 */
public record StreamDescription(String key, long streamId, int shard, long nextOffset, long lastPosition, long lastActivityMillis) {
}
