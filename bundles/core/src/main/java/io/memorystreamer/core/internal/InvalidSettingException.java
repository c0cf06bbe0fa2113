package io.memorystreamer.core.internal;

/**
 * A configuration value that cannot be used; the message names the PID, the key, the value and
 * what is expected.
 *
 * <p>Threading: immutable once thrown. Invariant: {@link #key()} is the offending key.
 */
final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    InvalidSettingException(String key, Object value, String expected, Throwable cause) {
        super("Invalid configuration " + WorkersSettings.PID + ": '" + key + "' = '" + value + "' "
                + expected, cause);
        this.key = key;
    }

    /** @return the configuration key whose value is invalid */
    String key() {
        return key;
    }
}
