package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import java.util.List;
import java.util.Set;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:topic-delete <name>}: deletes a topic with its streams, logs and consumer
 * groups, and says whether it existed.
 *
 * <p>A {@link Function} rather than a method, because Java has no method called
 * {@code topic-delete}.
 *
 * <p>Thread-safe: stateless apart from the broker reference.
 */
@Component(service = TopicDeleteCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=topic-delete"
})
public final class TopicDeleteCommand implements Function {
    static final String USAGE = "usage: ms:topic-delete <name>\n"
            + "  deletes the topic with its streams, logs and consumer groups; messages in flight fail, subscriptions close";

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public TopicDeleteCommand(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * Runs {@code ms:topic-delete}.
     *
     * @return a {@link TopicDeletion} saying whether the topic existed, or the usage text for {@code --help}
     * @throws IllegalArgumentException for wrong arguments
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        CommandLine line = CommandLine.parse(arguments, Set.of(), USAGE);
        if (line.help()) {
            return USAGE;
        }
        String name = line.positionals(1, "<name>").get(0);
        return new TopicDeletion(name, broker.deleteTopic(name));
    }
}
