package io.memorystreamer.shell.internal;

/**
 * What {@code ms:topic-delete} did. Immutable.
 *
 * @param topic the topic named
 * @param existed whether it existed (and so was deleted)
 */
public record TopicDeletion(String topic, boolean existed) implements PeopleFormat {
    @Override
    public String formatFull() {
        return formatLine() + "\n";
    }

    @Override
    public String formatLine() {
        return existed ? "deleted topic " + topic + " with its streams, logs and consumer groups"
                : "topic " + topic + " did not exist; nothing was deleted";
    }
}
