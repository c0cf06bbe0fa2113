package io.memorystreamer.shell.internal;

import java.util.List;

/**
 * What {@code ms:topics} lists: every topic, by name. Immutable.
 *
 * @param topics one view per topic
 */
public record TopicList(List<TopicView> topics) implements PeopleFormat {

    /** Copies the list, so the list stays immutable. */
    public TopicList {
        topics = List.copyOf(topics);
    }

    @Override
    public String formatFull() {
        if (topics.isEmpty()) {
            return "no topics (ms:topic-create <name> makes one)\n";
        }
        StringBuilder text = new StringBuilder();
        text.append(topics.size()).append(topics.size() == 1 ? " topic\n" : " topics\n");
        Table table = new Table("NAME", "SHARDS", "DURABILITY", "RETENTION", "MAX MESSAGE", "STREAMS", "ON DISK");
        for (TopicView view : topics) {
            table.row(view.name(), view.settings().shardCount(), view.settings().durability(), TopicView.shortRetention(view.settings()),
                    Units.bytes(view.settings().maxMessageSize()), view.topic().streams(), Units.bytes(view.bytes()));
        }
        table.appendTo(text, "");
        return text.toString();
    }

    @Override
    public String formatLine() {
        return topics.size() + (topics.size() == 1 ? " topic" : " topics");
    }
}
