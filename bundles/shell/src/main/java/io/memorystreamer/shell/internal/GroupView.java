package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.GroupDescription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One consumer group as {@code ms:group} shows it: its members and the lanes each holds, every
 * lane's committed position, and the streams with their committed offsets and lag (largest lag
 * first), with a word on why a group is not consuming when it is not. Immutable.
 *
 * @param group the group as the broker described it
 */
public record GroupView(GroupDescription group) implements PeopleFormat {
    /** Most rows of lanes, and of streams, shown in full; the data object holds them all. */
    static final int MAX_ROWS = 100;
    private static final String INDENT = " ".repeat("total lag:".length() + 2);

    /** @return the group's name */
    public String name() {
        return group.name();
    }

    /** @return how many lanes have no owner */
    public long unownedLanes() {
        return group.lanes().stream().filter(lane -> lane.owner() == null).count();
    }

    /** @return the streams, largest lag first, then by key */
    public List<GroupDescription.StreamLag> streamsByLag() {
        List<GroupDescription.StreamLag> streams = new ArrayList<>(group.streams());
        streams.sort(Comparator.comparingLong(GroupDescription.StreamLag::lag).reversed().thenComparing(GroupDescription.StreamLag::key));
        return streams;
    }

    /** @return why the group is not consuming, or what looks wrong; empty when all is well */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (group.members().isEmpty()) {
            problems.add(group.totalLag() > 0 ? "no members: nobody consumes, and the lag grows until a member joins"
                    : "no members (the group keeps its committed offsets until deleted)");
        } else if (unownedLanes() > 0) {
            problems.add(unownedLanes() + " of " + group.lanes().size() + " lanes have no owner: their streams are not consumed"
                    + " (the group may be rebalancing)");
        }
        return problems;
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        text.append("group ").append(group.name()).append('\n');
        line(text, "topic:", group.topic());
        line(text, "members:", Integer.toString(group.members().size()));
        line(text, "lanes:", group.lanes().size() + " (" + group.lanesPerShard() + " per shard)"
                + (unownedLanes() == 0 ? "" : ", " + unownedLanes() + " without an owner"));
        line(text, "total lag:", group.totalLag() + (group.totalLag() == 1 ? " message" : " messages"));
        for (String problem : problems()) {
            line(text, "note:", problem);
        }
        if (!group.members().isEmpty()) {
            text.append("members:\n");
            Table members = new Table("ID", "SINCE HEARTBEAT", "DELIVERED", "LANES");
            for (GroupDescription.Member member : group.members()) {
                members.row(member.id(), Units.duration(Duration.ofMillis(member.millisSinceHeartbeat())), member.delivered(),
                        member.lanes().isEmpty() ? "none" : String.join(" ", member.lanes()));
            }
            members.appendTo(text, "  ");
        }
        if (!group.lanes().isEmpty()) {
            text.append("lanes (shard.lane):\n");
            Table lanes = new Table("LANE", "OWNER", "COMMITTED POSITION");
            group.lanes().stream().limit(MAX_ROWS).forEach(lane -> lanes.row(lane.shard() + "." + lane.lane(),
                    lane.owner() == null ? "(none)" : lane.owner(), lane.committedPosition()));
            lanes.appendTo(text, "  ");
            more(text, group.lanes().size(), "lanes");
        }
        if (!group.streams().isEmpty()) {
            text.append("streams (largest lag first):\n");
            Table streams = new Table("KEY", "LANE", "COMMITTED OFFSET", "END OFFSET", "LAG");
            streamsByLag().stream().limit(MAX_ROWS).forEach(stream -> streams.row(stream.key(), stream.lane(), stream.committedOffset(),
                    stream.endOffset(), stream.lag()));
            streams.appendTo(text, "  ");
            more(text, group.streams().size(), "streams");
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        return group.name() + "  topic " + group.topic() + "  " + group.members().size() + (group.members().size() == 1 ? " member  " : " members  ")
                + group.lanes().size() + " lanes" + (unownedLanes() == 0 ? "" : " (" + unownedLanes() + " without an owner)")
                + "  lag " + group.totalLag();
    }

    private static void more(StringBuilder text, int size, String what) {
        if (size > MAX_ROWS) {
            text.append("  ... and ").append(size - MAX_ROWS).append(" more ").append(what).append('\n');
        }
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append("  ").append(label).append(" ".repeat(Math.max(1, INDENT.length() - label.length()))).append(value).append('\n');
    }
}
