package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Publisher;
import io.memorystreamer.wal.Durability;
import java.time.Duration;

/**
 * What {@code ms:publish} did: where the message went, once it was as durable as its topic
 * promises. Immutable.
 *
 * @param topic the topic
 * @param key the stream key
 * @param streamOffset the message's offset in its stream, or {@link Publisher#DROPPED} when an
 *     interceptor dropped it
 * @param durability the topic's durability, which the message now has
 * @param bytes the bytes of the payload
 * @param headers how many headers it carried
 * @param took how long the publish took, until durable
 */
public record PublishResult(String topic, String key, long streamOffset, Durability durability, int bytes, int headers, Duration took)
        implements PeopleFormat {

    /** @return whether an interceptor dropped the message */
    public boolean dropped() {
        return streamOffset == Publisher.DROPPED;
    }

    @Override
    public String formatFull() {
        return formatLine() + "\n";
    }

    @Override
    public String formatLine() {
        if (dropped()) {
            return "an interceptor on topic " + topic + " dropped the message to stream " + key + "; nothing was appended";
        }
        return "published to " + topic + ", stream " + key + ", offset " + streamOffset + " (" + bytes + (bytes == 1 ? " byte" : " bytes")
                + (headers == 0 ? "" : ", " + headers + (headers == 1 ? " header" : " headers")) + "; durable as " + durability + " promises after "
                + Units.millis(took.toNanos()) + ")";
    }
}
