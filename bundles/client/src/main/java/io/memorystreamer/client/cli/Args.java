package io.memorystreamer.client.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line split into positional words and {@code --name value} (or {@code --name=value})
 * options; flags (options without a value) are named up front. {@code --} ends the options.
 */
final class Args {
    private final List<String> positional;
    private final Map<String, String> options;

    private Args(List<String> positional, Map<String, String> options) {
        this.positional = positional;
        this.options = options;
    }

    /**
     * @param argv the words
     * @param flags the options that take no value (without the leading dashes)
     * @return the parsed words
     * @throws UsageException when an option lacks its value
     */
    static Args parse(String[] argv, Set<String> flags) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean optionsEnded = false;
        for (int i = 0; i < argv.length; i++) {
            String word = argv[i];
            if (optionsEnded || !word.startsWith("-") || word.equals("-")) {
                positional.add(word);
                continue;
            }
            if (word.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (word.equals("-h")) {
                options.put("help", "");
                continue;
            }
            if (!word.startsWith("--") || word.length() == 2) {
                throw new UsageException("unknown option '" + word + "'");
            }
            String name = word.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
                if (flags.contains(name)) {
                    throw new UsageException("--" + name + " takes no value");
                }
            } else if (flags.contains(name)) {
                value = "";
            } else {
                if (i + 1 >= argv.length) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = argv[++i];
            }
            options.put(name, value);
        }
        return new Args(Collections.unmodifiableList(positional), Collections.unmodifiableMap(options));
    }

    /** @return the positional words, in order */
    List<String> positional() {
        return positional;
    }

    /** @return the options by name, in the order given */
    Map<String, String> options() {
        return options;
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    String get(String name, String otherwise) {
        return options.getOrDefault(name, otherwise);
    }

    /**
     * @param allowed the options a command knows
     * @throws UsageException naming the first option not allowed
     */
    void allowOnly(Set<String> allowed) {
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option '--" + name + "'");
            }
        }
    }

    /** Thrown for a command line that does not make sense; the message says why. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
