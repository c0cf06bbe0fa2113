package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.StreamDescription;
import java.util.List;

/**
 * What {@code ms:streams} lists: streams of a topic, in the order of its registry, with where each
 * stands. Immutable.
 *
 * @param topic the topic
 * @param pattern the key pattern asked for, or null for every stream
 * @param limit the most streams asked for
 * @param topicStreams how many streams the topic has in all
 * @param streams the streams found, at most {@code limit}
 * @param nowMillis when the command ran (epoch millis), to say how long ago each stream was active
 */
public record StreamList(String topic, String pattern, int limit, long topicStreams, List<StreamDescription> streams, long nowMillis)
        implements PeopleFormat {

    /** Copies the list, so the list stays immutable. */
    public StreamList {
        streams = List.copyOf(streams);
    }

    /** @return whether the list stopped at the limit, so there may be more */
    public boolean cutShort() {
        return streams.size() >= limit && (pattern != null || topicStreams > streams.size());
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder(formatLine()).append('\n');
        if (streams.isEmpty()) {
            return text.toString();
        }
        Table table = new Table("KEY", "SHARD", "NEXT OFFSET", "LAST POSITION", "LAST ACTIVITY");
        for (StreamDescription stream : streams) {
            table.row(stream.key(), stream.shard(), stream.nextOffset(), stream.lastPosition() < 0 ? null : stream.lastPosition(),
                    activity(stream.lastActivityMillis()));
        }
        table.appendTo(text, "");
        if (cutShort()) {
            text.append("(stopped at --limit ").append(limit).append(pattern == null ? "; there are more)\n" : "; there may be more)\n");
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        String of = (pattern == null ? "" : " matching '" + pattern + "'") + " in topic " + topic;
        if (streams.isEmpty()) {
            return topicStreams == 0 ? "no streams in topic " + topic + " (a stream appears with its first message)" : "no streams" + of
                    + " (of its " + topicStreams + ")";
        }
        if (cutShort()) {
            return "the first " + streams.size() + " streams" + of + (pattern == null ? ", which has " + topicStreams : "");
        }
        return streams.size() + (streams.size() == 1 ? " stream" : " streams") + of;
    }

    private String activity(long millis) {
        return millis <= 0 ? "never" : Units.time(millis) + " (" + Units.ago(nowMillis, millis) + ")";
    }
}
