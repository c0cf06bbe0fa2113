package io.memorystreamer.shell.admin;

import java.io.IOException;

/** Bytes that break the administration protocol: the connection that sent them is closed. */
public final class AdminProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, for people */
    public AdminProtocolException(String message) {
        super(message);
    }
}
