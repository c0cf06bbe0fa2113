package io.memorystreamer.shell.internal;

import io.memorystreamer.shell.admin.AdminFrame;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Collects a command's output and sends it to the administration client as {@link AdminFrame#OUTPUT}
 * frames: on {@link #flush()} and whenever {@value #CHUNK} bytes are waiting, so long-running
 * commands stream.
 *
 * <p>Thread-safe: Gogo may write from the command thread and from pipe threads at once; every
 * method locks this stream, and frames are written under the socket stream's own lock.
 */
final class FrameOutputStream extends OutputStream {
    static final int CHUNK = 8 * 1024;

    private final DataOutputStream socket;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    FrameOutputStream(DataOutputStream socket) {
        this.socket = socket;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        pending.write(b);
        if (pending.size() >= CHUNK) {
            flush();
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        pending.write(bytes, offset, length);
        if (pending.size() >= CHUNK) {
            flush();
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        String text = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        synchronized (socket) {
            AdminFrame.write(socket, AdminFrame.OUTPUT, 0, text);
        }
    }
}
