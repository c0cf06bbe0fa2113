package io.memorystreamer.wal.internal;

/**
 * A log configuration that cannot be used; the message names the configuration, the key, the
 * value and what is expected, in the words of {@code conf/*.cfg} files.
 *
 * <p>Threading: immutable once thrown.
 */
final class InvalidLogSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param pid the configuration's PID
     * @param key the offending key
     * @param value its value, or null when it is missing
     * @param expected what it should be, e.g. "must be at least 1"
     */
    InvalidLogSettingException(String pid, String key, Object value, String expected) {
        super("Invalid configuration " + pid + ": '" + key + "'" + (value == null ? "" : " = '" + value + "'") + " " + expected);
    }

    /**
     * @param pid the configuration's PID
     * @param problem what is wrong, naming the keys
     * @param cause the log's own refusal
     */
    InvalidLogSettingException(String pid, String problem, Throwable cause) {
        super("Invalid configuration " + pid + ": " + problem, cause);
    }
}
