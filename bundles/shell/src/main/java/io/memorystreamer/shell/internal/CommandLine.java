package io.memorystreamer.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of a command that implements Gogo's {@code Function} (commands whose names have a
 * hyphen, which no Java method can have, and commands with an option that may be repeated), split
 * into options and positional arguments. Options are {@code --name value} or {@code --name=value};
 * {@code -h} and {@code --help} ask for the usage; {@code --} ends the options, so a positional
 * argument may start with a hyphen. Every mistake is an {@link IllegalArgumentException} whose
 * message says what is wrong, followed by the usage.
 *
 * <p>Immutable once parsed.
 */
final class CommandLine {
    private final String usage;
    private final Map<String, List<String>> options;
    private final List<String> positionals;
    private final boolean help;

    private CommandLine(String usage, Map<String, List<String>> options, List<String> positionals, boolean help) {
        this.usage = usage;
        this.options = options;
        this.positionals = positionals;
        this.help = help;
    }

    /**
     * @param arguments what Gogo passed (tokens, converted with {@code String.valueOf})
     * @param valued the options that take a value, with their leading {@code --}
     * @param usage the command's usage, appended to every error message
     * @return the parsed command line
     * @throws IllegalArgumentException for an unknown option or an option without its value
     */
    static CommandLine parse(List<Object> arguments, Set<String> valued, String usage) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        boolean help = false;
        boolean optionsEnded = false;
        for (int i = 0; i < arguments.size(); i++) {
            String text = String.valueOf(arguments.get(i));
            if (optionsEnded || !text.startsWith("-") || text.equals("-")) {
                positionals.add(text);
            } else if (text.equals("--")) {
                optionsEnded = true;
            } else if (text.equals("-h") || text.equals("--help")) {
                help = true;
            } else {
                int equals = text.indexOf('=');
                String name = equals < 0 ? text : text.substring(0, equals);
                if (!valued.contains(name)) {
                    throw new IllegalArgumentException("unknown option " + name + "\n" + usage);
                }
                String value;
                if (equals >= 0) {
                    value = text.substring(equals + 1);
                } else if (i + 1 < arguments.size()) {
                    value = String.valueOf(arguments.get(++i));
                } else {
                    throw new IllegalArgumentException("option " + name + " needs a value\n" + usage);
                }
                options.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
            }
        }
        return new CommandLine(usage, options, List.copyOf(positionals), help);
    }

    /** @return whether {@code -h} or {@code --help} was given */
    boolean help() {
        return help;
    }

    /** @return the command's usage */
    String usage() {
        return usage;
    }

    /** @return whether any option other than help was given */
    boolean hasOptions() {
        return !options.isEmpty();
    }

    /**
     * @param name an option, with its leading {@code --}
     * @return its value, or null when it was not given
     * @throws IllegalArgumentException when it was given more than once
     */
    String option(String name) {
        List<String> values = options.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException("option " + name + " was given " + values.size() + " times (" + String.join(", ", values)
                    + "); give it once\n" + usage);
        }
        return values.get(0);
    }

    /**
     * @param name a repeatable option, with its leading {@code --}
     * @return its values in the order given, empty when it was not given
     */
    List<String> options(String name) {
        return List.copyOf(options.getOrDefault(name, List.of()));
    }

    /**
     * @param names what the positional arguments are, in order ({@code <topic>}); those from
     *     {@code required} on are optional
     * @param required how many must be given
     * @return the positional arguments, as many as given
     * @throws IllegalArgumentException when too few or too many were given, naming them
     */
    List<String> positionals(int required, String... names) {
        if (positionals.size() < required) {
            throw new IllegalArgumentException("missing " + String.join(" ", List.of(names).subList(positionals.size(), required))
                    + "\n" + usage);
        }
        if (positionals.size() > names.length) {
            List<String> extra = positionals.subList(names.length, positionals.size());
            throw new IllegalArgumentException("unexpected argument" + (extra.size() == 1 ? " " : "s ") + String.join(" ", extra)
                    + " (expected " + String.join(" ", names) + "; quote a value that has spaces)\n" + usage);
        }
        return positionals;
    }
}
