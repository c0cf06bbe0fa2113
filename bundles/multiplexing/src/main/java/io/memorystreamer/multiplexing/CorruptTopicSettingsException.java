package io.memorystreamer.multiplexing;

/**
 * Bytes that should hold a topic's persisted settings do not: too short, not our magic, a format
 * version this broker does not read, a CRC32C mismatch, or a value no valid topic could have. The
 * message says which, so that whoever loads topics can set the record aside and report it.
 */
public final class CorruptTopicSettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the bytes */
    public CorruptTopicSettingsException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the bytes
     * @param cause   the refusal of a decoded value
     */
    public CorruptTopicSettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
