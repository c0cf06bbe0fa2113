package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.TopicDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a topic or a consumer group by name for the {@code ms:} commands, and when there is none
 * says so with the names that do exist, so a typo is easy to see.
 *
 * <p>Stateless; thread-safe.
 */
final class BrokerLookup {
    /** Most names listed in a message. */
    static final int MAX_NAMES = 20;

    private BrokerLookup() {
    }

    /**
     * @param broker the broker
     * @param name a topic name
     * @return the topic
     * @throws IllegalArgumentException when there is no such topic, naming the topics there are
     */
    static TopicDescription topic(Broker broker, String name) {
        return broker.topic(name).orElseThrow(() -> {
            List<String> names = new ArrayList<>();
            broker.topics().forEach(topic -> names.add(topic.name()));
            return new IllegalArgumentException("topic '" + name + "' does not exist" + (names.isEmpty()
                    ? "; there are no topics (ms:topic-create <name> makes one)" : "; topics: " + names(names)));
        });
    }

    /**
     * @param broker the broker
     * @param name a consumer group's name
     * @return the group
     * @throws IllegalArgumentException when there is no such group, naming the groups there are
     */
    static GroupDescription group(Broker broker, String name) {
        return broker.group(name).orElseThrow(() -> {
            List<String> names = new ArrayList<>();
            broker.groups().forEach(group -> names.add(group.name()));
            return new IllegalArgumentException("consumer group '" + name + "' does not exist" + (names.isEmpty()
                    ? "; there are no groups (a group appears when its first member joins)" : "; groups: " + names(names)));
        });
    }

    /** @return the names joined with commas, the first {@value #MAX_NAMES} only, then how many more */
    static String names(List<String> names) {
        if (names.size() <= MAX_NAMES) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_NAMES)) + " and " + (names.size() - MAX_NAMES) + " more";
    }
}
