package io.memorystreamer.shell.admin;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.Consumer;

/**
 * The client side of one authenticated administration session with a running broker.
 *
 * <p>Not thread-safe: one thread runs commands one after another. The Gogo session on the broker
 * lives as long as this connection, so variables set by one command are seen by the next.
 */
public final class AdminConnection implements Closeable {

    /** How a command ended. */
    public record Result(int status, String message) {
        /** @return true when the command succeeded */
        public boolean ok() {
            return status == AdminFrame.STATUS_OK;
        }
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private AdminConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    /**
     * Connects to the broker whose data directory holds {@code files} and authenticates with its token.
     *
     * @throws NotRunningException when no broker answers there
     * @throws AuthenticationException when the broker refuses the token
     * @throws IOException when the conversation fails
     */
    public static AdminConnection open(AdminFiles files) throws IOException {
        int port;
        String token;
        try {
            port = files.readPort();
        } catch (IOException e) {
            throw new NotRunningException("no running broker: cannot read " + files.portFile() + " (" + e.getMessage() + ")");
        }
        try {
            token = files.readToken();
        } catch (IOException e) {
            throw new AuthenticationException("cannot read the administration token " + files.tokenFile()
                    + ": only the user who runs the broker may administer it (" + e + ")");
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            socket.close();
            throw new NotRunningException("no broker answers on 127.0.0.1:" + port + " (" + e.getMessage() + ")");
        }
        AdminConnection connection = new AdminConnection(socket);
        try {
            AdminFrame.write(connection.out, AdminFrame.HELLO, 0, token);
            Result hello = connection.awaitEnd(text -> { });
            if (hello.status() == AdminFrame.STATUS_AUTH_FAILED) {
                throw new AuthenticationException("the broker refused the administration token: " + hello.message());
            }
            if (!hello.ok()) {
                throw new IOException("the broker refused the session: " + hello.message());
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Runs one Gogo command line in the broker.
     *
     * @param command the command line, for example {@code ms:status}
     * @param output receives the command's output as it arrives
     * @return how the command ended
     * @throws IOException when the connection fails
     */
    public Result execute(String command, Consumer<String> output) throws IOException {
        AdminFrame.write(out, AdminFrame.COMMAND, 0, command);
        return awaitEnd(output);
    }

    private Result awaitEnd(Consumer<String> output) throws IOException {
        while (true) {
            AdminFrame frame = AdminFrame.read(in);
            if (frame == null) {
                throw new IOException("the broker closed the administration connection");
            }
            switch (frame.type()) {
                case AdminFrame.OUTPUT -> output.accept(frame.body());
                case AdminFrame.END -> {
                    return new Result(frame.status(), frame.body());
                }
                default -> throw new AdminProtocolException("unexpected frame type " + frame.type() + " from the broker");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** No broker is running at the given data directory. */
    public static final class NotRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        NotRunningException(String message) {
            super(message);
        }
    }

    /** The broker refused the token, or this user cannot read it. */
    public static final class AuthenticationException extends IOException {
        private static final long serialVersionUID = 1L;

        AuthenticationException(String message) {
            super(message);
        }
    }
}
