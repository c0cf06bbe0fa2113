package io.memorystreamer.shell.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where a running broker publishes how to reach its administration channel: two files in its
 * data directory.
 *
 * <ul>
 *   <li>{@code admin.token}: the secret a client must present, readable by the owner only (0600).
 *       Whoever can read it may administer the broker; nobody else can.
 *   <li>{@code admin.port}: the loopback TCP port, written after the token, so a client that
 *       sees the port also finds the token.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class AdminFiles {
    /** File name of the port file. */
    public static final String PORT_FILE = "admin.port";
    /** File name of the token file. */
    public static final String TOKEN_FILE = "admin.token";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path dataDir;

    /** @param dataDir the broker's data directory */
    public AdminFiles(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** @return the port file */
    public Path portFile() {
        return dataDir.resolve(PORT_FILE);
    }

    /** @return the token file */
    public Path tokenFile() {
        return dataDir.resolve(TOKEN_FILE);
    }

    /**
     * Reads the port a running broker listens on.
     *
     * @throws IOException when the file is missing (the broker is not running) or unreadable
     */
    public int readPort() throws IOException {
        String text = Files.readString(portFile(), StandardCharsets.US_ASCII).trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException("invalid port '" + text + "' in " + portFile(), e);
        }
    }

    /**
     * Reads the secret token.
     *
     * @throws IOException when the file is missing or this user may not read it
     */
    public String readToken() throws IOException {
        return Files.readString(tokenFile(), StandardCharsets.US_ASCII).trim();
    }

    /**
     * Publishes the token (owner-only permissions, written atomically) and then the port.
     *
     * @throws IOException when the directory cannot be written
     */
    public void publish(String token, int port) throws IOException {
        Files.createDirectories(dataDir);
        writeAtomically(tokenFile(), token);
        writeAtomically(portFile(), Integer.toString(port));
    }

    /** Removes both files; a missing file is not an error. */
    public void withdraw() throws IOException {
        Files.deleteIfExists(portFile());
        Files.deleteIfExists(tokenFile());
    }

    private void writeAtomically(Path target, String content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temp + " with owner-only permissions", e);
        }
        Files.writeString(temp, content + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
