package io.memorystreamer.shell.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminFilesTest {

    @Test
    void publishesTokenOwnerOnlyAndPortThenWithdraws(@TempDir Path dir) throws IOException {
        AdminFiles files = new AdminFiles(dir.resolve("data"));
        files.publish("secret", 4242);
        assertEquals(4242, files.readPort());
        assertEquals("secret", files.readToken());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.tokenFile())));
        files.withdraw();
        assertFalse(Files.exists(files.portFile()));
        assertFalse(Files.exists(files.tokenFile()));
    }

    @Test
    void missingPortFileMeansNotRunning(@TempDir Path dir) {
        AdminFiles files = new AdminFiles(dir);
        assertThrows(AdminConnection.NotRunningException.class, () -> AdminConnection.open(files));
    }

    @Test
    void garbageInPortFileIsAClearError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(AdminFiles.PORT_FILE), "eighty\n");
        IOException e = assertThrows(IOException.class, () -> new AdminFiles(dir).readPort());
        assertEquals("invalid port 'eighty' in " + dir.resolve(AdminFiles.PORT_FILE), e.getMessage());
    }

    @Test
    void clientWithoutArgumentsPrintsUsage() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = AdminClient.run(new String[0], new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err));
        assertEquals(AdminClient.EXIT_USAGE, code);
    }
}
