package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.TopicDescription;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:topics}: every topic with its settings, streams and bytes on disk. The
 * commands that change topics have hyphens in their names, so each is a {@code Function} of its
 * own: {@link TopicCreateCommand}, {@link TopicConfigCommand}, {@link TopicDeleteCommand}.
 *
 * <p>Thread-safe: stateless apart from the broker reference.
 */
@Component(service = TopicCommands.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=topics"
})
public final class TopicCommands {
    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public TopicCommands(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * {@code ms:topics}: every topic, one per line.
     *
     * @return the list
     */
    @Descriptor("list the topics: shards, durability, retention, max message size, streams, bytes on disk"
            + " (ms:topic-config <name> shows one in full)")
    public TopicList topics() {
        List<TopicView> views = new ArrayList<>();
        for (TopicDescription topic : broker.topics()) {
            views.add(new TopicView(topic, null));
        }
        return new TopicList(views);
    }
}
