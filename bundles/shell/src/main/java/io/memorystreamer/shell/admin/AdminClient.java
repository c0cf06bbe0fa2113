package io.memorystreamer.shell.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The command-line client behind {@code bin/memorystreamer shell} and {@code console}: runs Gogo
 * commands in a running broker over its local administration channel.
 *
 * <pre>
 * java -cp io.memorystreamer.shell.jar io.memorystreamer.shell.admin.AdminClient --data DIR exec 'ms:status'
 * java -cp io.memorystreamer.shell.jar io.memorystreamer.shell.admin.AdminClient --data DIR console
 * java -cp io.memorystreamer.shell.jar io.memorystreamer.shell.admin.AdminClient --data DIR ping
 * </pre>
 *
 * Exit codes: 0 success, 1 the command failed, 2 usage error, 3 no broker running, 4 not allowed
 * (token refused or unreadable), 5 the connection failed. Errors go to standard error.
 *
 * <p>Single-threaded.
 */
public final class AdminClient {
    /** Exit code: success. */
    public static final int EXIT_OK = 0;
    /** Exit code: the command failed in the broker. */
    public static final int EXIT_COMMAND_FAILED = 1;
    /** Exit code: the client was called wrongly. */
    public static final int EXIT_USAGE = 2;
    /** Exit code: no broker is running. */
    public static final int EXIT_NOT_RUNNING = 3;
    /** Exit code: the broker refused us. */
    public static final int EXIT_NOT_ALLOWED = 4;
    /** Exit code: the conversation failed. */
    public static final int EXIT_IO = 5;

    private static final String USAGE = "usage: AdminClient --data <dir> (exec '<command>' | console | ping)";

    private AdminClient() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the client and returns its exit code instead of exiting (for tests).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 3 || !"--data".equals(args[0])) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
        AdminFiles files = new AdminFiles(Path.of(args[1]));
        String mode = args[2];
        try {
            switch (mode) {
                case "exec":
                    if (args.length != 4 || args[3].isBlank()) {
                        err.println(USAGE);
                        return EXIT_USAGE;
                    }
                    return exec(files, args[3], out, err);
                case "console":
                    return console(files, out, err);
                case "ping":
                    AdminConnection.open(files).close();
                    return EXIT_OK;
                default:
                    err.println("unknown mode '" + mode + "'; " + USAGE);
                    return EXIT_USAGE;
            }
        } catch (AdminConnection.NotRunningException e) {
            err.println("memorystreamer: " + e.getMessage());
            return EXIT_NOT_RUNNING;
        } catch (AdminConnection.AuthenticationException e) {
            err.println("memorystreamer: " + e.getMessage());
            return EXIT_NOT_ALLOWED;
        } catch (IOException e) {
            err.println("memorystreamer: administration connection failed: " + e.getMessage());
            return EXIT_IO;
        }
    }

    private static int exec(AdminFiles files, String command, PrintStream out, PrintStream err) throws IOException {
        try (AdminConnection connection = AdminConnection.open(files)) {
            AdminConnection.Result result = connection.execute(command, out::print);
            out.flush();
            if (!result.ok()) {
                err.println("memorystreamer: " + result.message());
                return EXIT_COMMAND_FAILED;
            }
            return EXIT_OK;
        }
    }

    private static int console(AdminFiles files, PrintStream out, PrintStream err) throws IOException {
        boolean interactive = System.console() != null;
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        int lastStatus = EXIT_OK;
        try (AdminConnection connection = AdminConnection.open(files)) {
            if (interactive) {
                out.println("MemoryStreamer console (attached to the running broker; 'exit' or Ctrl-D leaves)");
            }
            while (true) {
                if (interactive) {
                    out.print("ms> ");
                    out.flush();
                }
                String line = stdin.readLine();
                if (line == null || "exit".equals(line.trim())) {
                    return lastStatus;
                }
                if (line.isBlank()) {
                    continue;
                }
                AdminConnection.Result result = connection.execute(line, out::print);
                out.flush();
                if (result.ok()) {
                    lastStatus = EXIT_OK;
                } else {
                    err.println(result.message());
                    lastStatus = EXIT_COMMAND_FAILED;
                }
            }
        }
    }
}
