package io.memorystreamer.broker;

/**
 * Where a published message went, once durable as its topic promises.
 *
 * @param topic the topic
 * @param key the stream key
 * @param streamOffset the message's offset in its stream ({@link Publisher#DROPPED} when an
 *     interceptor dropped it)
 */
public record PublishReceipt(String topic, String key, long streamOffset) {
}
