package io.memorystreamer.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end, as a user: copies the built distribution (target/memorystreamer-&lt;version&gt;/) to
 * a fresh folder and drives it only through {@code bin/memorystreamer}: start, status, shell,
 * hot deploy of a plugin, hot reload of a .cfg, stop; then checks the process is gone and the log
 * has no error. The tests run in order and share one broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private static Path home;

    /** What a command printed and how it exited. */
    record Outcome(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void install() throws IOException {
        Path dist = Path.of(System.getProperty("ms.dist.dir"));
        assertTrue(Files.isExecutable(dist.resolve("bin/memorystreamer")), "no distribution at " + dist);
        Path work = Path.of(System.getProperty("ms.work.dir"));
        deleteTree(work);
        home = work.resolve("memorystreamer");
        copyTree(dist, home);
    }

    @AfterAll
    static void forceStop() throws Exception {
        if (home != null && Files.exists(home.resolve("data/memorystreamer.pid"))) {
            run("stop");
        }
    }

    @Test
    @Order(1)
    void statusBeforeStartSaysNotRunning() throws Exception {
        Outcome status = run("status");
        assertEquals(1, status.exit(), status.all());
        assertTrue(status.out().contains("not running"), status.all());
        Outcome shell = run("shell", "ms:status");
        assertNotEquals(0, shell.exit(), shell.all());
        assertTrue(shell.err().contains("not running"), shell.all());
    }

    @Test
    @Order(2)
    void startWaitsUntilReady() throws Exception {
        Outcome start = run("start");
        assertEquals(0, start.exit(), start.all());
        assertTrue(start.out().contains("MemoryStreamer is ready"), start.all());
        assertTrue(Files.exists(home.resolve("data/memorystreamer.pid")));
        Outcome again = run("start");
        assertEquals(1, again.exit(), "a second start must refuse: " + again.all());
        assertTrue(again.err().contains("already running"), again.all());
    }

    @Test
    @Order(3)
    void statusAndShellAnswer() throws Exception {
        Outcome status = run("status");
        assertEquals(0, status.exit(), status.all());
        assertTrue(status.out().contains("state:    READY"), status.all());

        Outcome shell = run("shell", "ms:status");
        assertEquals(0, shell.exit(), shell.all());
        assertTrue(shell.out().startsWith("MemoryStreamer 0.1.0"), shell.all());
        assertTrue(shell.out().contains("health:   UP"), shell.all());

        Outcome unknown = run("shell", "ms:nonsense");
        assertEquals(1, unknown.exit(), unknown.all());
        assertTrue(unknown.err().contains("ms:nonsense"), unknown.all());
    }

    @Test
    @Order(4)
    void droppedPluginStartsAndRemovedPluginStops() throws Exception {
        Path jar = home.resolve("plugins/e2e-plugin.jar");
        Path temp = home.resolve("plugins/.e2e-plugin.jar.tmp");
        Files.write(temp, minimalBundle("io.memorystreamer.e2e.plugin"));
        Files.move(temp, jar, StandardCopyOption.ATOMIC_MOVE);
        awaitShell("lb -s", out -> out.lines().anyMatch(line -> line.contains("io.memorystreamer.e2e.plugin") && line.contains("Active")),
                "the dropped plugin never became active");
        Files.delete(jar);
        awaitShell("lb -s", out -> !out.contains("io.memorystreamer.e2e.plugin"), "the removed plugin was never uninstalled");
    }

    @Test
    @Order(5)
    void changedCfgIsSeenThroughMsConfig() throws Exception {
        Path cfg = home.resolve("conf/io.memorystreamer.shell.admin.cfg");
        Outcome before = run("shell", "ms:config io.memorystreamer.shell.admin");
        assertEquals(0, before.exit(), before.all());
        assertTrue(before.out().contains("maxSessions = 4"), before.all());
        assertTrue(before.out().contains("source:  file:"), before.all());

        String text = Files.readString(cfg).replace("maxSessions = 4", "maxSessions = 6");
        Path temp = cfg.resolveSibling(".admin.cfg.tmp");
        Files.writeString(temp, text);
        Files.move(temp, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitShell("ms:config io.memorystreamer.shell.admin", out -> out.contains("maxSessions = 6"),
                "the changed .cfg never reached ConfigAdmin");
        // The administration channel restarts with its new settings; the broker stays ready.
        awaitShell("ms:status", out -> out.contains("state:    READY"), "the broker is not ready after the change");
    }

    @Test
    @Order(6)
    void aTopicAndItsMessagesSurviveARestart() throws Exception {
        Outcome created = run("shell", "ms:topic-create e2e --durability sync");
        assertEquals(0, created.exit(), created.all());
        Outcome published = run("shell", "ms:publish e2e greetings/1 hello-from-e2e");
        assertEquals(0, published.exit(), published.all());
        assertTrue(published.out().contains("offset 0"), published.all());
        Outcome bad = run("shell", "ms:publish e2e a//b nope");
        assertEquals(1, bad.exit(), "an invalid key is refused: " + bad.all());
        assertTrue(bad.err().contains("key"), bad.all());

        Outcome stop = run("stop");
        assertEquals(0, stop.exit(), stop.all());
        Outcome start = run("start");
        assertEquals(0, start.exit(), start.all());
        awaitShell("ms:topics", out -> out.contains("e2e"), "the topic is back after the restart");
        Outcome tail = run("shell", "ms:tail e2e greetings/1 --count 1 --timeout 10");
        assertEquals(0, tail.exit(), tail.all());
        assertTrue(tail.out().contains("hello-from-e2e"), tail.all());
        Outcome next = run("shell", "ms:publish e2e greetings/1 second");
        assertTrue(next.out().contains("offset 1"), "the stream's offsets continue after the restart: " + next.all());
    }

    @Test
    @Order(7)
    void stopEndsTheProcessCleanly() throws Exception {
        long pid = Long.parseLong(Files.readString(home.resolve("data/memorystreamer.pid")).trim());
        Outcome stop = run("stop");
        assertEquals(0, stop.exit(), stop.all());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        assertFalse(Files.exists(home.resolve("data/memorystreamer.pid")));
        assertFalse(Files.exists(home.resolve("data/admin.port")), "the administration port file is withdrawn");

        Path log = home.resolve("logs/memorystreamer.log");
        assertTrue(Files.exists(log), "no log file at " + log);
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(line -> line.contains("Administration channel listening")), "the log has our lines");
        List<String> errors = lines.stream().filter(line -> line.contains("| ERROR")).collect(Collectors.toList());
        assertTrue(errors.isEmpty(), "errors in the log:\n" + String.join("\n", errors));

        Outcome status = run("status");
        assertEquals(1, status.exit(), status.all());
        Outcome stopAgain = run("stop");
        assertEquals(0, stopAgain.exit(), stopAgain.all());
        assertTrue(stopAgain.out().contains("not running"), stopAgain.all());
    }

    private interface Check {
        boolean test(String output);
    }

    private static void awaitShell(String command, Check check, String message) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Outcome last = null;
        while (System.nanoTime() < deadline) {
            last = run("shell", command);
            if (last.exit() == 0 && check.test(last.out())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(message + "; last output of '" + command + "':\n" + (last == null ? "" : last.all()));
    }

    private static Outcome run(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = home.resolve("bin/memorystreamer").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = Files.createTempFile("ms-e2e", ".out");
        Path err = Files.createTempFile("ms-e2e", ".err");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/memorystreamer " + String.join(" ", args) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
        }
        Outcome outcome = new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return outcome;
    }

    private static byte[] minimalBundle(String symbolicName) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.flush();
        }
        return bytes.toByteArray();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
