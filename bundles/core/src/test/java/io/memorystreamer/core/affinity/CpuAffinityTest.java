package io.memorystreamer.core.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of {@link CpuAffinity}: real pinning on this Linux machine (checked against
 * {@code Cpus_allowed_list}), and every refusal path, some simulated with fake paths.
 */
class CpuAffinityTest {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    @TempDir
    Path temp;

    /** Runs {@code body} on a fresh thread, so the test thread itself is never pinned. */
    private static <T> T onNewThread(Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(body);
        Thread t = new Thread(task, "affinity-test");
        t.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            throw e;
        }
    }

    private static void assumeLinuxWithTaskset() {
        assumeTrue(Files.isSymbolicLink(THREAD_SELF), "needs /proc/thread-self");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")),
                "needs taskset");
    }

    @Test
    void pinsTheCallingThreadAndLinuxAgrees() throws Exception {
        assumeLinuxWithTaskset();
        CpuAffinity affinity = CpuAffinity.system();
        int last = affinity.availableProcessors() - 1;
        String before = onNewThread(affinity::allowedCpus);
        assertEquals(onNewThread(() -> {
            affinity.pinCurrentThread(0);
            return affinity.allowedCpus();
        }), "0");
        assertEquals(Integer.toString(last), onNewThread(() -> {
            CpuAffinity.pin(last);
            return affinity.allowedCpus();
        }));
        if (last >= 1) {
            assertEquals("0-1", onNewThread(() -> {
                affinity.pinCurrentThread(1, 0);
                return affinity.allowedCpus();
            }));
        }
        assertEquals(before, onNewThread(affinity::allowedCpus), "other threads are not affected");
    }

    @Test
    void readsTheThreadIdOfTheCallingThread() throws Exception {
        assumeTrue(Files.isSymbolicLink(THREAD_SELF), "needs /proc/thread-self");
        CpuAffinity affinity = CpuAffinity.system();
        long mine = affinity.currentThreadId();
        String link = Files.readSymbolicLink(THREAD_SELF).toString();
        assertTrue(link.endsWith("/task/" + mine), link);
        long other = onNewThread(affinity::currentThreadId);
        assertNotEquals(mine, other);
        assertTrue(Files.exists(Path.of("/proc/self/task/" + other)) || other > 0);
    }

    @Test
    void refusesCpuIdsOutOfRange() {
        CpuAffinity affinity = CpuAffinity.system();
        int n = affinity.availableProcessors();
        AffinityException tooHigh = assertThrows(AffinityException.class, () -> affinity.pinCurrentThread(n));
        assertTrue(tooHigh.getMessage().contains("CPU id " + n + " is out of range"), tooHigh.getMessage());
        assertTrue(tooHigh.getMessage().contains("0.." + (n - 1)), tooHigh.getMessage());
        AffinityException negative = assertThrows(AffinityException.class, () -> affinity.pinCurrentThread(-1));
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
        AffinityException empty = assertThrows(AffinityException.class, affinity::pinCurrentThread);
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void refusesOtherOperatingSystems() {
        CpuAffinity mac = new CpuAffinity("Mac OS X", THREAD_SELF, Path.of("/usr/bin/taskset"), 8);
        AffinityException e = assertThrows(AffinityException.class, () -> mac.pinCurrentThread(0));
        assertTrue(e.getMessage().contains("Mac OS X") && e.getMessage().contains("needs Linux"), e.getMessage());
    }

    @Test
    void refusesWithoutProcThreadSelf() {
        Path missing = temp.resolve("no-thread-self");
        CpuAffinity noProc = new CpuAffinity("Linux", missing, Path.of("/usr/bin/taskset"), 8);
        AffinityException e = assertThrows(AffinityException.class, () -> noProc.pinCurrentThread(0));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("/proc"), e.getMessage());
    }

    @Test
    void refusesAThreadSelfLinkOfTheWrongShape() throws IOException {
        Path link = Files.createSymbolicLink(temp.resolve("thread-self"), Path.of("12345"));
        CpuAffinity odd = new CpuAffinity("Linux", link, Path.of("/usr/bin/taskset"), 8);
        AffinityException e = assertThrows(AffinityException.class, odd::currentThreadId);
        assertTrue(e.getMessage().contains("<pid>/task/<tid>"), e.getMessage());
    }

    @Test
    void refusesWithoutTaskset() {
        assumeTrue(Files.isSymbolicLink(THREAD_SELF), "needs /proc/thread-self");
        CpuAffinity noTaskset = new CpuAffinity("Linux", THREAD_SELF, null, 8);
        AffinityException e = assertThrows(AffinityException.class, () -> noTaskset.pinCurrentThread(0));
        assertTrue(e.getMessage().contains("no 'taskset'") && e.getMessage().contains("util-linux"),
                e.getMessage());
    }

    @Test
    void reportsAFailingTaskset() throws Exception {
        assumeTrue(Files.isSymbolicLink(THREAD_SELF), "needs /proc/thread-self");
        Path fake = temp.resolve("taskset");
        Files.writeString(fake, "#!/bin/sh\necho \"taskset: failed to set pid $5's affinity: Invalid argument\"\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        CpuAffinity failing = new CpuAffinity("Linux", THREAD_SELF, fake, 8);
        AffinityException e = assertThrows(AffinityException.class, () -> onNewThread(() -> {
            failing.pinCurrentThread(0);
            return null;
        }));
        assertTrue(e.getMessage().contains("exit code 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid argument"), e.getMessage());
        assertTrue(e.getMessage().contains("Cpus_allowed_list"), e.getMessage());
    }

    @Test
    void parsesAndFormatsCpuLists() {
        assertArrayEquals(new int[] {0, 1, 2, 5}, CpuAffinity.parse("0-2,5"));
        assertArrayEquals(new int[] {1, 3}, CpuAffinity.parse(" 3 , 1,3 "));
        assertArrayEquals(new int[0], CpuAffinity.parse("  "));
        assertEquals("0,1,5", CpuAffinity.format(5, 1, 0, 1));
        for (String bad : new String[] {"a", "1,,2", "3-1", "-1", "1-", "0-x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuAffinity.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
