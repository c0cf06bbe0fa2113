package io.memorystreamer.multiplexing;

/**
 * What a topic name may be: 1 to {@value #MAX_LENGTH} characters from {@code A-Z a-z 0-9 . _ -},
 * not starting with '.' or '-'.
 *
 * <p>Why so narrow: a topic name is typed in the shell, appears in metrics labels and URLs, and
 * may name a directory of shard logs, so it must be safe in all of them without escaping. A
 * leading '.' would make a hidden directory ({@code .} and {@code ..} are worse); a leading '-'
 * reads as an option in the shell. Names are case-sensitive ({@code Orders} and {@code orders}
 * are two topics), so whatever stores topics on disk must not rely on a case-insensitive file
 * system to tell them apart.
 *
 * <p>Threading: stateless; any thread.
 */
public final class TopicNames {
    /** The longest topic name, in characters (all ASCII, so also in bytes). */
    public static final int MAX_LENGTH = 128;

    private TopicNames() {
    }

    /**
     * @param name a topic name
     * @return the name
     * @throws IllegalArgumentException saying what is wrong with it
     * @throws NullPointerException if the name is null
     */
    public static String requireValid(String name) {
        if (name == null) {
            throw new NullPointerException("topic name");
        }
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return name;
    }

    /**
     * @param name a topic name, or null
     * @return whether it is a valid topic name
     */
    public static boolean isValid(String name) {
        return name != null && problem(name) == null;
    }

    /** @return what is wrong with the name, or null if nothing */
    private static String problem(String name) {
        if (name.isEmpty()) {
            return "invalid topic name: it is empty; a topic name is 1 to " + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ -";
        }
        String shown = StreamKeys.printable(name);
        if (name.length() > MAX_LENGTH) {
            return "invalid topic name " + shown + ": it is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAllowed(c)) {
                return "invalid topic name " + shown + ": " + describe(c) + " at index " + i
                        + " is not allowed; use only A-Z a-z 0-9 . _ -";
            }
        }
        char first = name.charAt(0);
        if (first == '.' || first == '-') {
            return "invalid topic name " + shown + ": it starts with '" + first + "'; start with a letter, a digit or '_'";
        }
        return null;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    private static String describe(char c) {
        if (c == ' ') {
            return "a space";
        }
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c)) {
            return String.format("U+%04X", (int) c);
        }
        return String.format("'%c' (U+%04X)", c, (int) c);
    }
}
