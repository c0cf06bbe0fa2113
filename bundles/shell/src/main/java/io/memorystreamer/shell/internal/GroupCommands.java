package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.GroupDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands {@code ms:groups} and {@code ms:group <name>}: the consumer groups, and one group's
 * members, lanes and per-stream lag.
 *
 * <p>Thread-safe: stateless apart from the broker reference.
 */
@Component(service = GroupCommands.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=groups",
    "osgi.command.function=group"
})
public final class GroupCommands {
    private final Broker broker;

    /** Creates the commands over the given broker. */
    @Activate
    public GroupCommands(@Reference Broker broker) {
        this.broker = broker;
    }

    /**
     * {@code ms:groups}: every consumer group, one per line.
     *
     * @return the list, by name
     */
    @Descriptor("list the consumer groups: topic, members, lanes, total lag (ms:group <name> shows one in full)")
    public GroupList groups() {
        List<GroupView> views = new ArrayList<>();
        for (GroupDescription group : broker.groups()) {
            views.add(new GroupView(group));
        }
        views.sort(Comparator.comparing(GroupView::name));
        return new GroupList(views);
    }

    /**
     * {@code ms:group <name>}: one group in full.
     *
     * @param name the group
     * @return the group
     * @throws IllegalArgumentException when there is no such group, naming the groups there are
     */
    @Descriptor("show a consumer group: members (lanes, time since heartbeat, delivered), lanes (owner, committed position),"
            + " streams (committed offset, end offset, lag)")
    public GroupView group(@Descriptor("the group's name") String name) {
        return new GroupView(BrokerLookup.group(broker, name));
    }
}
