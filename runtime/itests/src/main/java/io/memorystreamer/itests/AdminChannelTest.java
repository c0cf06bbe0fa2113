package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.shell.admin.AdminConnection;
import io.memorystreamer.shell.admin.AdminFiles;
import io.memorystreamer.shell.admin.AdminFrame;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;

/** The local administration channel of a real framework: authentication, commands, bad input. */
@ExtendWith(BundleContextExtension.class)
class AdminChannelTest {

    @InjectBundleContext
    BundleContext context;

    private AdminFiles files() throws Exception {
        AdminFiles files = new AdminFiles(Path.of(context.getProperty("ms.data.dir")));
        Awaits.until(() -> Files.exists(files.portFile()), Boolean.TRUE::equals, "the administration channel never published its port");
        return files;
    }

    @Test
    void runsCommandsInOneSessionWithTheToken() throws Exception {
        try (AdminConnection connection = AdminConnection.open(files())) {
            StringBuilder output = new StringBuilder();
            AdminConnection.Result status = connection.execute("ms:status", output::append);
            assertTrue(status.ok(), status.message());
            assertTrue(output.toString().startsWith("MemoryStreamer "), output.toString());

            output.setLength(0);
            assertTrue(connection.execute("answer = 42", output::append).ok());
            output.setLength(0);
            assertTrue(connection.execute("$answer", output::append).ok());
            assertEquals("42", output.toString().trim(), "session variables live as long as the connection");
        }
    }

    @Test
    void tokenFileIsOwnerOnly() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files().tokenFile())));
    }

    @Test
    void unknownCommandFailsWithTheShellsReason() throws Exception {
        try (AdminConnection connection = AdminConnection.open(files())) {
            AdminConnection.Result result = connection.execute("ms:no-such-command", text -> { });
            assertEquals(AdminFrame.STATUS_COMMAND_FAILED, result.status());
            assertTrue(result.message().contains("ms:no-such-command"), result.message());
            assertTrue(connection.execute("ms:status", text -> { }).ok(), "the session survives a failed command");
        }
    }

    @Test
    void wrongTokenIsRefused(@org.junit.jupiter.api.io.TempDir Path elsewhere) throws Exception {
        AdminFiles real = files();
        AdminFiles forged = new AdminFiles(elsewhere);
        forged.publish("0123456789abcdef", real.readPort());
        IOException refused = assertThrows(AdminConnection.AuthenticationException.class, () -> AdminConnection.open(forged));
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        AdminFiles files = files();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), files.readPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            assertEquals(-1, new DataInputStream(socket.getInputStream()).read(), "the server closes a connection that sends garbage");
        }
        try (AdminConnection connection = AdminConnection.open(files)) {
            assertTrue(connection.execute("ms:status", text -> { }).ok(), "the channel still serves others");
        }
    }

    @Test
    void commandBeforeHelloIsRefused() throws Exception {
        AdminFiles files = files();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), files.readPort())) {
            socket.setSoTimeout(10_000);
            java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
            AdminFrame.write(out, AdminFrame.COMMAND, 0, "ms:shutdown");
            AdminFrame reply = AdminFrame.read(new DataInputStream(socket.getInputStream()));
            assertEquals(AdminFrame.END, reply.type());
            assertEquals(AdminFrame.STATUS_AUTH_FAILED, reply.status());
        }
        assertEquals(org.osgi.framework.Bundle.ACTIVE, context.getBundle(0).getState(), "the framework is still running");
    }
}
