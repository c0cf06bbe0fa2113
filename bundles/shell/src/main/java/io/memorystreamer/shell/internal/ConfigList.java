package io.memorystreamer.shell.internal;

import java.util.List;

/**
 * The configurations ConfigAdmin holds, as {@code ms:config} lists them. Immutable.
 *
 * @param configurations one view per configuration, sorted by PID
 */
public record ConfigList(List<ConfigView> configurations) implements PeopleFormat {
    @Override
    public String formatFull() {
        if (configurations.isEmpty()) {
            return "no configurations\n";
        }
        StringBuilder text = new StringBuilder();
        configurations.forEach(view -> text.append(view.formatLine()).append('\n'));
        return text.toString();
    }

    @Override
    public String formatLine() {
        return configurations.size() + " configurations";
    }
}
