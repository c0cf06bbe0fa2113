package io.memorystreamer.shell.internal;

import java.util.List;

/**
 * What {@code ms:groups} lists: every consumer group. Immutable.
 *
 * @param groups one view per group
 */
public record GroupList(List<GroupView> groups) implements PeopleFormat {

    /** Copies the list, so the list stays immutable. */
    public GroupList {
        groups = List.copyOf(groups);
    }

    @Override
    public String formatFull() {
        if (groups.isEmpty()) {
            return "no consumer groups (a group appears when its first member joins)\n";
        }
        StringBuilder text = new StringBuilder();
        text.append(groups.size()).append(groups.size() == 1 ? " consumer group\n" : " consumer groups\n");
        Table table = new Table("NAME", "TOPIC", "MEMBERS", "LANES", "TOTAL LAG", "NOTE");
        for (GroupView view : groups) {
            List<String> problems = view.problems();
            table.row(view.name(), view.group().topic(), view.group().members().size(), view.group().lanes().size(), view.group().totalLag(),
                    problems.isEmpty() ? "" : problems.get(0));
        }
        table.appendTo(text, "");
        return text.toString();
    }

    @Override
    public String formatLine() {
        return groups.size() + (groups.size() == 1 ? " consumer group" : " consumer groups");
    }
}
