package io.memorystreamer.broker;

import java.util.Objects;

/**
 * A request the broker refused or could not complete, with a code for programs and a message for
 * people. Thrown for bad input before anything changes; passed to listeners for failures that
 * happen after a message was accepted.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code why
     * @param message what, for people
     */
    public BrokerException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * @param code why
     * @param message what, for people
     * @param cause the underlying failure
     */
    public BrokerException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return why the request failed */
    public ErrorCode code() {
        return code;
    }
}
