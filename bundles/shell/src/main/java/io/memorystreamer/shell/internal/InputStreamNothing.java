package io.memorystreamer.shell.internal;

import java.io.InputStream;

/** Standard input of a remote administration session: always at its end (commands are not interactive). */
final class InputStreamNothing extends InputStream {
    static final InputStreamNothing INSTANCE = new InputStreamNothing();

    private InputStreamNothing() {
    }

    @Override
    public int read() {
        return -1;
    }
}
