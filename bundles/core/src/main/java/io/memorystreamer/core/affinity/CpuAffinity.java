package io.memorystreamer.core.affinity;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Pins the calling thread to a set of CPUs on Linux, without native code.
 *
 * <p>How: the thread reads its own Linux thread id from the symlink {@code /proc/thread-self}
 * (whose target looks like {@code <pid>/task/<tid>}) and runs
 * {@code taskset -p -c <cpus> <tid>}. That starts a process, so it is done once, when a thread
 * starts, never on a hot path. Where the OS does not allow it (not Linux, no
 * {@code /proc/thread-self}, no {@code taskset} on the PATH, a CPU id outside
 * {@code 0..availableProcessors-1}, {@code taskset} failing) {@link #pinCurrentThread} throws an
 * {@link AffinityException} saying why and what to do.
 *
 * <p>Threading: an instance is immutable and may be shared; every method acts on (or reads about)
 * the <em>calling</em> thread. {@link #system()} is the instance for this machine; the
 * package-private constructor lets tests simulate other machines.
 */
public final class CpuAffinity {
    private static final long TASKSET_TIMEOUT_SECONDS = 10;
    private static final String REMEDY =
            " Fix or remove the CPU list in the configuration to run the thread unpinned.";

    private static final CpuAffinity SYSTEM = new CpuAffinity(System.getProperty("os.name", ""),
            Path.of("/proc/thread-self"), findOnPath("taskset"),
            Runtime.getRuntime().availableProcessors());

    private final String osName;
    private final Path threadSelf;
    private final Path taskset;
    private final int availableProcessors;

    CpuAffinity(String osName, Path threadSelf, Path taskset, int availableProcessors) {
        this.osName = Objects.requireNonNull(osName, "osName");
        this.threadSelf = Objects.requireNonNull(threadSelf, "threadSelf");
        this.taskset = taskset;
        this.availableProcessors = availableProcessors;
    }

    /** @return the instance for this machine ({@code /proc/thread-self}, {@code taskset} on PATH) */
    public static CpuAffinity system() {
        return SYSTEM;
    }

    /**
     * Pins the calling thread to {@code cpus} on this machine; shorthand for
     * {@code system().pinCurrentThread(cpus)}.
     *
     * @param cpus CPU ids, each in {@code 0..availableProcessors-1}
     * @throws AffinityException if the thread cannot be pinned, with the reason
     */
    public static void pin(int... cpus) {
        SYSTEM.pinCurrentThread(cpus);
    }

    /**
     * Pins the calling thread to {@code cpus}. Starts a {@code taskset} process: call it once,
     * when a thread starts.
     *
     * @param cpus CPU ids, each in {@code 0..availableProcessors-1}, at least one
     * @throws AffinityException if the thread cannot be pinned, with the reason
     */
    public void pinCurrentThread(int... cpus) {
        checkCpus(cpus);
        if (!isLinux()) {
            throw new AffinityException("Cannot pin threads to CPUs on " + osName
                    + ": pinning needs Linux (/proc/thread-self and taskset)." + REMEDY);
        }
        long tid = currentThreadId();
        if (taskset == null) {
            throw new AffinityException("Cannot pin threads to CPUs: no 'taskset' executable on the"
                    + " PATH. Install util-linux, which provides it." + REMEDY);
        }
        runTaskset(format(cpus), tid);
    }

    /**
     * Checks CPU ids against this machine without pinning anything (for configuration
     * validation).
     *
     * @param cpus CPU ids
     * @throws AffinityException if the list is empty or an id is out of range
     */
    public void checkCpus(int... cpus) {
        Objects.requireNonNull(cpus, "cpus");
        if (cpus.length == 0) {
            throw new AffinityException("Cannot pin a thread to an empty CPU list." + REMEDY);
        }
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= availableProcessors) {
                throw new AffinityException("CPU id " + cpu + " is out of range: this JVM sees "
                        + availableProcessors + " processor(s), so ids must be in 0.."
                        + (availableProcessors - 1) + "." + REMEDY);
            }
        }
    }

    /**
     * Reads the Linux thread id of the calling thread from {@code /proc/thread-self}.
     *
     * @return the thread id (the {@code tid} that {@code taskset -p} takes)
     * @throws AffinityException if {@code /proc/thread-self} is missing or unreadable
     */
    public long currentThreadId() {
        String target;
        try {
            target = Files.readSymbolicLink(threadSelf).toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new AffinityException("Cannot find the Linux thread id: " + threadSelf
                    + " is missing or not a symlink (it needs Linux 3.17+ with /proc mounted)."
                    + REMEDY, e);
        }
        int task = target.lastIndexOf("/task/");
        try {
            if (task < 0) {
                throw new NumberFormatException("no /task/ in " + target);
            }
            return Long.parseLong(target.substring(task + "/task/".length()));
        } catch (NumberFormatException e) {
            throw new AffinityException("Cannot find the Linux thread id: " + threadSelf
                    + " points to '" + target + "', not '<pid>/task/<tid>'." + REMEDY, e);
        }
    }

    /**
     * Reads the CPUs the calling thread may run on, as Linux reports them ({@code Cpus_allowed_list}
     * in {@code /proc/thread-self/status}, e.g. {@code 0-1} or {@code 1}).
     *
     * @return the CPU list as Linux writes it
     * @throws AffinityException if the status file cannot be read or has no such line
     */
    public String allowedCpus() {
        Path status = threadSelf.resolve("status");
        List<String> lines;
        try {
            lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new AffinityException("Cannot read " + status + ": " + e.getMessage(), e);
        }
        for (String line : lines) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).trim();
            }
        }
        throw new AffinityException("No Cpus_allowed_list line in " + status);
    }

    /** @return the number of processors this instance checks CPU ids against */
    public int availableProcessors() {
        return availableProcessors;
    }

    /**
     * Parses a CPU list in the Linux form: ids and ranges separated by commas, e.g. {@code 0-2,5}.
     *
     * @param list the text; blank means "no pinning"
     * @return the sorted distinct ids (empty for a blank list)
     * @throws IllegalArgumentException if the text is not such a list
     */
    public static int[] parse(String list) {
        Objects.requireNonNull(list, "list");
        TreeSet<Integer> ids = new TreeSet<>();
        if (list.isBlank()) {
            return new int[0];
        }
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                if (dash > 0) {
                    int from = Integer.parseInt(p.substring(0, dash).trim());
                    int to = Integer.parseInt(p.substring(dash + 1).trim());
                    if (from > to || from < 0) {
                        throw new IllegalArgumentException("bad range '" + p + "'");
                    }
                    for (int i = from; i <= to; i++) {
                        ids.add(i);
                    }
                } else {
                    int id = Integer.parseInt(p);
                    if (id < 0) {
                        throw new IllegalArgumentException("negative id '" + p + "'");
                    }
                    ids.add(id);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + list + "' is not a CPU list such as"
                        + " '0-2,5': cannot read '" + p + "'", e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + list + "' is not a CPU list such as"
                        + " '0-2,5': " + e.getMessage(), e);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Formats CPU ids as a comma separated list, the form {@code taskset -c} takes.
     *
     * @param cpus CPU ids
     * @return e.g. {@code 0,1,5}
     */
    public static String format(int... cpus) {
        StringBuilder sb = new StringBuilder();
        for (int cpu : Arrays.stream(cpus).sorted().distinct().toArray()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(cpu);
        }
        return sb.toString();
    }

    private boolean isLinux() {
        return osName.toLowerCase(Locale.ROOT).startsWith("linux");
    }

    private void runTaskset(String cpuList, long tid) {
        List<String> command = List.of(taskset.toString(), "-p", "-c", cpuList, Long.toString(tid));
        String output;
        int exit;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!process.waitFor(TASKSET_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AffinityException("'" + String.join(" ", command) + "' did not finish within "
                        + TASKSET_TIMEOUT_SECONDS + " s." + REMEDY);
            }
            exit = process.exitValue();
        } catch (IOException e) {
            throw new AffinityException("Cannot run '" + String.join(" ", command) + "': "
                    + e.getMessage() + "." + REMEDY, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AffinityException("Interrupted while running '" + String.join(" ", command)
                    + "'", e);
        }
        if (exit != 0) {
            throw new AffinityException("'" + String.join(" ", command) + "' failed with exit code "
                    + exit + ": " + output + ". The CPUs may be outside this process's cpuset"
                    + " (see Cpus_allowed_list in /proc/self/status) or the process may lack the"
                    + " right to change affinity." + REMEDY);
        }
    }

    private static Path findOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
