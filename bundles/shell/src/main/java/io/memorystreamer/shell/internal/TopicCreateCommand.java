package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.multiplexing.TopicSettings;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:topic-create <name> [options]}: creates a topic. A bad setting fails with
 * the message of {@link TopicSettings.Builder#build()} (it names the setting, the value and what is
 * expected); an existing topic fails with the broker's {@code TOPIC_EXISTS}.
 *
 * <p>A {@link Function} rather than a method, because Gogo looks a command up as a method of the
 * same name and Java has no method called {@code topic-create}.
 *
 * <p>Thread-safe: stateless apart from the broker reference.
 */
@Component(service = TopicCreateCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=topic-create"
})
public final class TopicCreateCommand implements Function {
    static final String USAGE = "usage: ms:topic-create <name> [options]\n"
            + "  creates a topic; options:\n" + TopicOptions.USAGE;

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public TopicCreateCommand(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * Runs {@code ms:topic-create}.
     *
     * @return the new topic's {@link TopicView}, or the usage text for {@code --help}
     * @throws IllegalArgumentException for wrong arguments or an invalid setting, naming it
     * @throws io.memorystreamer.broker.BrokerException when the topic exists, or cannot be created
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        CommandLine line = CommandLine.parse(arguments, TopicOptions.NAMES, USAGE);
        if (line.help()) {
            return USAGE;
        }
        String name = line.positionals(1, "<name>").get(0);
        TopicSettings settings = TopicOptions.apply(line, TopicSettings.builder(name)).build();
        return new TopicView(broker.createTopic(settings), "created topic " + name);
    }
}
