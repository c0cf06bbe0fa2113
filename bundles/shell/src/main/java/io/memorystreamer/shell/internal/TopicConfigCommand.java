package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.multiplexing.TopicSettings;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo command {@code ms:topic-config <name> [options]}: without options shows a topic in full
 * (settings, streams, each shard's log); with options changes its settings through
 * {@link Broker#alterTopic}, and says what changed. What a live topic cannot change (today all but
 * the maximum message size) fails with the broker's {@code UNSUPPORTED_CHANGE} and its reason.
 *
 * <p>A {@link Function} rather than a method, because Java has no method called
 * {@code topic-config}.
 *
 * <p>Thread-safe: stateless apart from the broker reference. Two sessions changing the same topic
 * at once may each overwrite the other's change (the last one wins, as the broker applies them).
 */
@Component(service = TopicConfigCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=topic-config"
})
public final class TopicConfigCommand implements Function {
    static final String USAGE = "usage: ms:topic-config <name> [options]\n"
            + "  without options shows the topic's settings and logs; with options changes them\n"
            + "  (a live topic can change only its --max-message-size for now); options:\n" + TopicOptions.USAGE;

    private final Broker broker;

    /** Creates the command over the given broker. */
    @Activate
    public TopicConfigCommand(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * Runs {@code ms:topic-config}.
     *
     * @return the topic's {@link TopicView} (after the change, if options were given), or the usage
     *     text for {@code --help}
     * @throws IllegalArgumentException for wrong arguments, an unknown topic or an invalid setting
     * @throws io.memorystreamer.broker.BrokerException when the broker refuses the change
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        CommandLine line = CommandLine.parse(arguments, TopicOptions.NAMES, USAGE);
        if (line.help()) {
            return USAGE;
        }
        String name = line.positionals(1, "<name>").get(0);
        TopicDescription current = BrokerLookup.topic(broker, name);
        if (!line.hasOptions()) {
            return new TopicView(current, null);
        }
        TopicSettings changed = TopicOptions.apply(line, current.settings().toBuilder()).build();
        List<String> changes = TopicOptions.changes(current.settings(), changed);
        if (changes.isEmpty()) {
            return new TopicView(current, "topic " + name + " already has these settings; nothing changed");
        }
        return new TopicView(broker.alterTopic(changed), "changed topic " + name + ": " + String.join(", ", changes));
    }
}
