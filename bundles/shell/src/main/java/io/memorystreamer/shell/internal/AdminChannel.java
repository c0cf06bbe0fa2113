package io.memorystreamer.shell.internal;

import io.memorystreamer.shell.admin.AdminFiles;
import io.memorystreamer.shell.admin.AdminFrame;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local administration channel: a TCP listener on the loopback interface only, through which
 * {@code bin/memorystreamer shell} runs Gogo commands in this broker.
 *
 * <p>Security: it binds to the loopback address, never a public one, and every connection must
 * first present the secret token that this component writes, owner-readable only, to
 * {@code <data>/admin.token} (see {@link AdminFiles}). Whoever can read that file may administer
 * the broker (the same person who could read its data); nobody else can. A fresh token is made at
 * every start. Tokens are compared in constant time.
 *
 * <p>Threading: one acceptor thread; one thread per open session, at most {@code maxSessions}
 * at once (others are told {@link AdminFrame#STATUS_BUSY}). Commands of one session run one after
 * another on its thread. Nothing here is on the message path.
 */
@Component(configurationPid = AdminChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AdminChannel.Config.class)
public final class AdminChannel {
    /** The configuration PID ({@code conf/io.memorystreamer.shell.admin.cfg}). */
    public static final String PID = "io.memorystreamer.shell.admin";
    /** Framework property naming the broker's data directory. */
    public static final String DATA_DIR_PROPERTY = "ms.data.dir";

    private static final Logger LOG = LoggerFactory.getLogger(AdminChannel.class);
    private static final int HELLO_TIMEOUT_MILLIS = 10_000;
    private static final int TOKEN_BYTES = 32;

    /** Settings of the administration channel. */
    @ObjectClassDefinition(name = "MemoryStreamer administration channel",
            description = "The loopback-only channel used by 'bin/memorystreamer shell' and 'console'.")
    public @interface Config {
        /** @return the loopback port; 0 picks a free one (written to data/admin.port) */
        @AttributeDefinition(name = "Port", min = "0", max = "65535",
                description = "Loopback TCP port; 0 picks a free port and publishes it in data/admin.port.")
        int port() default 0;

        /** @return how many sessions may be open at once */
        @AttributeDefinition(name = "Maximum sessions", min = "1", max = "64",
                description = "How many administration sessions may be open at once.")
        int maxSessions() default 4;
    }

    private final CommandProcessor processor;
    private final AdminFiles files;
    private final ServerSocket server;
    private final byte[] token;
    private final Semaphore sessions;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionIds = new AtomicInteger();
    private final Thread acceptor;

    /** Binds the listener and publishes the token and port. */
    @Activate
    public AdminChannel(@Reference CommandProcessor processor, BundleContext context, Config config) throws IOException {
        if (config.port() < 0 || config.port() > 65535) {
            throw new IllegalArgumentException(PID + ": port " + config.port() + " is outside 0..65535");
        }
        if (config.maxSessions() < 1) {
            throw new IllegalArgumentException(PID + ": maxSessions must be at least 1, not " + config.maxSessions());
        }
        this.processor = processor;
        String dataDir = context.getProperty(DATA_DIR_PROPERTY);
        this.files = new AdminFiles(Path.of(dataDir == null ? "data" : dataDir).toAbsolutePath());
        byte[] secret = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(secret);
        String tokenText = HexFormat.of().formatHex(secret);
        this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
        this.sessions = new Semaphore(config.maxSessions());
        this.server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 16);
            files.publish(tokenText, server.getLocalPort());
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot open the administration channel on 127.0.0.1:" + config.port()
                    + " with files in " + files.portFile().getParent() + ": " + e.getMessage(), e);
        }
        this.acceptor = new Thread(this::acceptLoop, "ms-admin-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Administration channel listening on 127.0.0.1:{} (token in {})", server.getLocalPort(), files.tokenFile());
    }

    /** Stops listening, closes every session and withdraws the token and port files. */
    @Deactivate
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        acceptor.join(5_000);
        files.withdraw();
    }

    /** @return the port this channel listens on (for tests) */
    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("Administration channel: accept failed: {}", e.toString());
                }
                continue;
            }
            if (!sessions.tryAcquire()) {
                refuseBusy(socket);
                continue;
            }
            open.add(socket);
            Thread session = new Thread(() -> {
                try {
                    serve(socket);
                } finally {
                    open.remove(socket);
                    sessions.release();
                }
            }, "ms-admin-session-" + sessionIds.incrementAndGet());
            session.setDaemon(true);
            session.start();
        }
    }

    private static void refuseBusy(Socket socket) {
        try (socket) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            AdminFrame.write(out, AdminFrame.END, AdminFrame.STATUS_BUSY, "too many administration sessions are open; try again later");
        } catch (IOException e) {
            LOG.debug("Administration channel: could not refuse a busy connection: {}", e.toString());
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            if (!authenticate(in, out)) {
                return;
            }
            socket.setSoTimeout(0);
            runCommands(in, out);
        } catch (SocketTimeoutException e) {
            LOG.warn("Administration channel: a client connected but sent no token within {} ms", HELLO_TIMEOUT_MILLIS);
        } catch (SocketException e) {
            LOG.debug("Administration channel: connection closed: {}", e.toString());
        } catch (IOException e) {
            LOG.warn("Administration channel: closed a connection: {}", e.getMessage());
        }
    }

    private boolean authenticate(DataInputStream in, DataOutputStream out) throws IOException {
        AdminFrame hello = AdminFrame.read(in);
        if (hello == null) {
            return false;
        }
        boolean valid = hello.type() == AdminFrame.HELLO
                && MessageDigest.isEqual(token, hello.body().getBytes(StandardCharsets.US_ASCII));
        if (!valid) {
            LOG.warn("Administration channel: refused a client with a wrong or missing token");
            AdminFrame.write(out, AdminFrame.END, AdminFrame.STATUS_AUTH_FAILED, "wrong administration token");
            return false;
        }
        AdminFrame.write(out, AdminFrame.END, AdminFrame.STATUS_OK, "MemoryStreamer administration session");
        return true;
    }

    private void runCommands(DataInputStream in, DataOutputStream out) throws IOException {
        FrameOutputStream output = new FrameOutputStream(out);
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStreamNothing.INSTANCE, print, print);
        try {
            AdminFrame frame;
            while ((frame = AdminFrame.read(in)) != null) {
                if (frame.type() != AdminFrame.COMMAND) {
                    synchronized (out) {
                        AdminFrame.write(out, AdminFrame.END, AdminFrame.STATUS_BAD_REQUEST,
                                "expected a COMMAND frame, got type " + frame.type());
                    }
                    return;
                }
                runOne(session, frame.body(), print, output, out);
            }
        } finally {
            session.close();
        }
    }

    private static void runOne(CommandSession session, String command, PrintStream print, FrameOutputStream output,
            DataOutputStream out) throws IOException {
        int status = AdminFrame.STATUS_OK;
        String message = "";
        try {
            Object result = session.execute(command);
            if (result != null) {
                print.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception e) {
            status = AdminFrame.STATUS_COMMAND_FAILED;
            message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        }
        print.flush();
        output.flush();
        synchronized (out) {
            AdminFrame.write(out, AdminFrame.END, status, message);
        }
    }
}
