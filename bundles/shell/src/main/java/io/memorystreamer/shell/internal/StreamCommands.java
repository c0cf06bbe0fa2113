package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.TopicDescription;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:streams <topic> [pattern] [--limit n]}: the streams of a topic (all, or
 * those whose keys match a pattern), with each one's shard, next offset, last log position and last
 * activity.
 *
 * <p>Thread-safe: stateless apart from the broker reference.
 */
@Component(service = StreamCommands.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=streams"
})
public final class StreamCommands {
    /** The most streams listed unless {@code --limit} says otherwise. */
    static final String DEFAULT_LIMIT = "100";
    /** The most streams one call may list. */
    static final int MAX_LIMIT = 1_000_000;

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public StreamCommands(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * {@code ms:streams <topic>}: the topic's streams, up to the limit.
     *
     * @param limit the most streams to list
     * @param topic the topic
     * @return the list
     */
    @Descriptor("list a topic's streams: key, shard, next offset, last log position, last activity")
    public StreamList streams(
            @Descriptor("the most streams to list (default " + DEFAULT_LIMIT + ")")
            @Parameter(names = {"-l", "--limit"}, absentValue = DEFAULT_LIMIT) String limit,
            @Descriptor("the topic") String topic) {
        return list(topic, null, limit);
    }

    /**
     * {@code ms:streams <topic> <pattern>}: the topic's streams whose keys match the pattern.
     *
     * @param limit the most streams to list
     * @param topic the topic
     * @param pattern a key pattern
     * @return the list
     */
    @Descriptor("list a topic's streams whose keys match a pattern: key, shard, next offset, last log position, last activity")
    public StreamList streams(
            @Descriptor("the most streams to list (default " + DEFAULT_LIMIT + ")")
            @Parameter(names = {"-l", "--limit"}, absentValue = DEFAULT_LIMIT) String limit,
            @Descriptor("the topic") String topic,
            @Descriptor("a key pattern where * matches one whole segment, e.g. 'orders/*' (quote it, or Gogo expands it as a file name)")
            String pattern) {
        return list(topic, pattern, limit);
    }

    private StreamList list(String topic, String pattern, String limitText) {
        int limit = (int) Units.parseCount("--limit", limitText, 1, MAX_LIMIT);
        long now = System.currentTimeMillis();
        TopicDescription description = BrokerLookup.topic(broker, topic);
        return new StreamList(topic, pattern, limit, description.streams(), broker.streams(topic, pattern, limit), now);
    }
}
