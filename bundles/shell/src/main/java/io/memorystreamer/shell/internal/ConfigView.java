package io.memorystreamer.shell.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One configuration as {@code ms:config <pid>} shows it. Immutable.
 *
 * @param pid the configuration PID
 * @param factoryPid the factory PID, or null
 * @param source the file it was read from, or null when it was made at run time
 * @param values its properties, sorted by key, as text
 */
public record ConfigView(String pid, String factoryPid, String source, Map<String, String> values) implements PeopleFormat {

    /**
     * @param key a property name
     * @return its current value as text, or null
     */
    public String get(String key) {
        return values.get(key);
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        text.append("PID:     ").append(pid).append('\n');
        if (factoryPid != null) {
            text.append("factory: ").append(factoryPid).append('\n');
        }
        text.append("source:  ").append(source == null ? "(set at run time)" : source).append('\n');
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        values.forEach((key, value) -> text.append("  ").append(key).append(" ".repeat(width - key.length()))
                .append(" = ").append(value).append('\n'));
        return text.toString();
    }

    @Override
    public String formatLine() {
        return pid + "  (" + values.size() + " properties" + (source == null ? "" : ", from " + source) + ")";
    }

    static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(render(Array.get(value, i)));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof Collection<?> collection) {
            List<String> items = new ArrayList<>();
            collection.forEach(item -> items.add(render(item)));
            return "[" + String.join(", ", items) + "]";
        }
        return value.toString();
    }
}
