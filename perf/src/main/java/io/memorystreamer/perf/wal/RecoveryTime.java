package io.memorystreamer.perf.wal;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.LogConfig;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.RecoveryReport;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How long {@link WriteAheadLog#open} takes on a log of 1 GiB of 100-byte records: everything it
 * does (list the segments, map them, validate every frame and its CRC32C, load or rebuild the
 * indexes, cut a torn tail, force the segments), in two cases:
 * <ol>
 *   <li><b>clean</b>: the log is written (appends of {@code --batch} records, BATCH durability and
 *       the log's other defaults) and closed. Then it is opened {@code --opens} times each way:
 *       in a fresh JVM with the page cache warm (a broker restart right after a stop); in a fresh
 *       JVM with the log's pages dropped from the page cache first ({@code dd iflag=nocache},
 *       checked with {@code fincore}: a restart after the cache was reclaimed or a reboot); and
 *       in this JVM after two warm-up opens (the JIT has compiled the scan: the floor);
 *   <li><b>crash</b>: a child JVM writes the log and goes on appending until this process kills
 *       it ({@link Process#destroyForcibly()}, SIGKILL), {@code --kills} times; each time a fresh
 *       JVM opens (recovers) it, then opens it once more.
 * </ol>
 * Opens in a fresh JVM are timed in that JVM, around the {@code open} call (JVM start-up is not
 * counted; loading the log's classes and running its code before the JIT has compiled it is).
 * It prints the {@link RecoveryReport} of each open and the median times.
 *
 * <p>The child JVMs run this class too: {@code --child <dir> <bytes> <batch>} writes until killed,
 * {@code --child-open <dir>} opens a log once and prints {@code OPEN_NANOS <ns>} and the report
 * (usable by hand on any closed log directory, e.g. under a profiler).
 *
 * <pre>
 * java -Dchronicle.analytics.disable=true -cp perf/target/benchmarks.jar \
 *     io.memorystreamer.perf.wal.RecoveryTime [--size 1g] [--batch 64] [--opens 3] [--kills 3]
 * </pre>
 *
 * <p>Disk: needs {@code --size} plus two segments (512 MiB) free in {@code /tmp}; checks first, and
 * deletes every file it wrote at the end, also when it fails. A kill -9 ends a process, not the
 * machine: what the child wrote to its mapped segments stays in the page cache, so the crash case
 * measures recovery after a process crash, not after a power loss.
 */
public final class RecoveryTime {
    private static final String CHILD = "--child";
    private static final String CHILD_OPEN = "--child-open";
    private static final String READY = "READY";
    private static final String OPEN_NANOS = "OPEN_NANOS";

    private RecoveryTime() {
    }

    /**
     * Runs the measurement (or, with {@code --child dir size batch}, the child that writes until killed).
     *
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals(CHILD)) {
            child(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
            return;
        }
        if (args.length == 2 && args[0].equals(CHILD_OPEN)) {
            childOpen(Path.of(args[1]));
            return;
        }
        long size = 1L << 30;
        int batch = 64;
        int opens = 3;
        int kills = 3;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("-h") || name.equals("--help")) {
                System.out.println("options: --size <bytes, with k/m/g; default 1g> --batch <records per append, default 64>"
                        + " --opens <opens per case, default 3> --kills <crash runs, default 3>");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--size" -> size = parseSize(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--opens" -> opens = Integer.parseInt(value);
                case "--kills" -> kills = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + name + " (try --help)");
            }
        }
        if (size < TempLogs.SEGMENT_SIZE / 4 || batch < 1 || batch > 4096 || opens < 1 || kills < 0) {
            throw new IllegalArgumentException("--size at least 64m, --batch 1..4096, --opens at least 1, --kills at least 0");
        }
        System.out.printf("RecoveryTime: %,d MiB of %d-byte records in %d-record appends, %d MiB segments, %d cores, %s%n", size >> 20,
                TempLogs.PAYLOAD_SIZE, batch, TempLogs.SEGMENT_SIZE >> 20, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.version"));
        TempLogs.requireFreeSpace(Path.of(System.getProperty("java.io.tmpdir")), size + 2L * TempLogs.SEGMENT_SIZE + (64L << 20),
                "RecoveryTime");
        clean(size, batch, opens);
        if (kills > 0) {
            crash(size, batch, kills);
        }
    }

    // ---- clean close ----

    private static void clean(long size, int batch, int opens) throws IOException, InterruptedException {
        Path directory = TempLogs.newDirectory("recovery-clean");
        try {
            LogConfig config = TempLogs.config(directory, Durability.BATCH, true).build();
            long started = System.nanoTime();
            long records;
            try (WriteAheadLog log = WriteAheadLog.open(config)) {
                records = write(log, size, batch);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%n== clean close: wrote %,d records (%s) in %.1f s (%,.0f records/s, BATCH durability)%n",
                    records, describeFiles(directory), seconds, records / seconds);
            TempLogs.releaseMappings();
            long[] freshWarm = new long[opens];
            for (int i = 0; i < opens; i++) {
                freshWarm[i] = openInFreshJvm(directory, "fresh JVM, warm page cache, open " + (i + 1) + " (" + residency(directory) + ")");
            }
            long[] freshCold = new long[opens];
            boolean dropped = true;
            for (int i = 0; i < opens; i++) {
                String resident = dropPageCache(directory);
                dropped &= resident.startsWith("0 of");
                freshCold[i] = openInFreshJvm(directory, "fresh JVM, cold page cache, open " + (i + 1) + " (" + resident + ")");
            }
            for (int i = 0; i < 2; i++) {
                timedOpen(config, "this JVM, JIT warm-up open " + (i + 1) + " (" + residency(directory) + ")");
            }
            long[] sameWarm = new long[opens];
            for (int i = 0; i < opens; i++) {
                sameWarm[i] = timedOpen(config, "this JVM (JIT warm), warm page cache, open " + (i + 1) + " (" + residency(directory) + ")");
            }
            System.out.printf("%nclean close, %,d MiB, %d-record appends: median open%n"
                    + "  fresh JVM, warm page cache          %7.1f ms %s%n"
                    + "  fresh JVM, %-25s%7.1f ms %s%n"
                    + "  same JVM (JIT warm), warm page cache %7.1f ms %s%n", size >> 20, batch,
                    millis(median(freshWarm)), millisList(freshWarm),
                    dropped ? "cold page cache" : "cache NOT fully dropped", millis(median(freshCold)), millisList(freshCold),
                    millis(median(sameWarm)), millisList(sameWarm));
        } finally {
            TempLogs.deleteRecursively(directory);
            TempLogs.releaseMappings();
        }
    }

    // ---- crash: kill -9 of a writing child ----

    private static void crash(long size, int batch, int kills) throws IOException, InterruptedException {
        long[] recoveries = new long[kills];
        for (int k = 0; k < kills; k++) {
            Path directory = TempLogs.newDirectory("recovery-crash");
            try {
                String ready = runChildUntilReady(directory, size, batch);
                System.out.printf("%n== crash %d: %s, child killed (SIGKILL) while appending; %s on disk%n", k + 1, ready,
                        describeFiles(directory));
                recoveries[k] = openInFreshJvm(directory, "fresh JVM, open after kill -9 (" + residency(directory) + ")");
                openInFreshJvm(directory, "fresh JVM, next open, after recovery");
            } finally {
                TempLogs.deleteRecursively(directory);
                TempLogs.releaseMappings();
            }
        }
        System.out.printf("%nkill -9 while appending, %,d MiB, %d-record appends: median recovering open (fresh JVM, warm page cache)"
                + " %.1f ms %s%n", size >> 20, batch, millis(median(recoveries)), millisList(recoveries));
    }

    /** Starts the child, waits for it to have written {@code size} bytes, kills it; @return its READY line. */
    private static String runChildUntilReady(Path directory, long size, int batch) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("ms-perf-recovery-child-", ".err");
        try {
            List<String> command = javaCommand(CHILD, directory.toString(), Long.toString(size), Integer.toString(batch));
            Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                do {
                    line = out.readLine();
                } while (line != null && !line.startsWith(READY));
                child.destroyForcibly();
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the child did not die within 30 s of SIGKILL");
                }
            } finally {
                child.destroyForcibly();
            }
            if (line == null) {
                throw new IllegalStateException("the child ended (exit " + child.exitValue() + ") before writing the log:\n"
                        + Files.readString(errors));
            }
            return "child wrote " + line.substring(READY.length()).trim();
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** The child: writes {@code size} bytes, says READY, then appends on until killed. */
    private static void child(Path directory, long size, int batch) throws IOException {
        WriteAheadLog log = WriteAheadLog.open(TempLogs.config(directory, Durability.BATCH, true).build());
        long records = write(log, size, batch);
        System.out.printf("%s %,d records, %,d bytes of log (durable up to %,d)%n", READY, records, log.tailPosition(),
                log.durablePosition());
        System.out.flush();
        write(log, Long.MAX_VALUE, batch);
    }

    /** The child that opens a log once, in a JVM of its own (as a broker restart would): prints the open's time and report. */
    private static void childOpen(Path directory) throws IOException {
        LogConfig config = TempLogs.config(directory, Durability.BATCH, true).build();
        long started = System.nanoTime();
        WriteAheadLog log = WriteAheadLog.open(config);
        long took = System.nanoTime() - started;
        RecoveryReport report = log.recoveryReport();
        log.close();
        System.out.println(OPEN_NANOS + " " + took);
        System.out.println(report);
        System.out.flush();
    }

    /** Opens the log in a new JVM; prints and @return the open's wall time in ns (measured in that JVM). */
    private static long openInFreshJvm(Path directory, String what) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(javaCommand(CHILD_OPEN, directory.toString())).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = child.waitFor();
        int at = output.indexOf(OPEN_NANOS + " ");
        if (exit != 0 || at < 0) {
            throw new IllegalStateException("opening the log in a child JVM failed (exit " + exit + "):\n" + output);
        }
        String[] lines = output.substring(at).split("\n");
        long took = Long.parseLong(lines[0].substring(OPEN_NANOS.length() + 1).trim());
        StringBuilder report = new StringBuilder();
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].startsWith("SLF4J")) {
                report.append("\n    ").append(lines[i]);
            }
        }
        System.out.printf("  %s: open took %.1f ms%s%n", what, millis(took), report);
        return took;
    }

    /** @return the command that runs this class with {@code arguments} in a new JVM (same class path) */
    private static List<String> javaCommand(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dchronicle.analytics.disable=true", "-cp", System.getProperty("java.class.path"),
                RecoveryTime.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    // ---- helpers ----

    /** Appends 100-byte records in appends of {@code batch} until the log holds {@code size} bytes; @return records appended. */
    private static long write(WriteAheadLog log, long size, int batch) {
        LogAppender appender = log.appender();
        ByteBuffer payload = TempLogs.payload();
        RecordBatch records = new RecordBatch(batch * (36 + TempLogs.PAYLOAD_SIZE));
        long offset = 0;
        while (log.tailPosition() < size) {
            long timestamp = System.currentTimeMillis();
            if (batch == 1) {
                while (appender.append(1, offset, timestamp, null, null, payload) == WriteAheadLog.BACK_PRESSURED) {
                    Thread.onSpinWait();
                }
            } else {
                records.clear();
                for (int i = 0; i < batch; i++) {
                    records.add(1, offset + i, timestamp, null, null, payload);
                }
                while (appender.append(records) == WriteAheadLog.BACK_PRESSURED) {
                    Thread.onSpinWait();
                }
            }
            offset += batch;
        }
        return offset;
    }

    /** Opens and closes the log; prints and @return the open's wall time in ns. */
    private static long timedOpen(LogConfig config, String what) throws IOException {
        long started = System.nanoTime();
        WriteAheadLog log = WriteAheadLog.open(config);
        long took = System.nanoTime() - started;
        RecoveryReport report = log.recoveryReport();
        log.close();
        System.out.printf("  %s: open took %.1f ms (recovery %d ms)%n    %s%n", what, millis(took), report.duration().toMillis(),
                report.toString().replace("\n", "\n    "));
        return took;
    }

    /**
     * Evicts the log's files from the page cache (they are clean: closed logs are forced) with
     * {@code dd iflag=nocache count=0} (posix_fadvise DONTNEED); mappings of closed logs must be
     * gone first, so it collects garbage and retries a few times.
     *
     * @return what is resident afterwards
     */
    private static String dropPageCache(Path directory) throws IOException, InterruptedException {
        String resident = residency(directory);
        for (int attempt = 0; attempt < 5 && !resident.startsWith("0 of"); attempt++) {
            TempLogs.releaseMappings();
            Thread.sleep(200);
            for (Path file : files(directory)) {
                run(List.of("dd", "if=" + file, "iflag=nocache", "count=0", "status=none"));
            }
            resident = residency(directory);
        }
        return resident;
    }

    /** @return "R of T MiB in the page cache" for the log's files (fincore), or why it is unknown */
    private static String residency(Path directory) throws IOException, InterruptedException {
        List<Path> files = files(directory);
        List<String> command = new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
        long total = 0;
        for (Path file : files) {
            command.add(file.toString());
            total += Files.size(file);
        }
        String output = run(command);
        if (output == null) {
            return "page cache residency unknown: no fincore";
        }
        long resident = 0;
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                resident += Long.parseLong(line.trim());
            }
        }
        return String.format(Locale.ROOT, "%d of %d MiB in the page cache", resident >> 20, total >> 20);
    }

    /** @return the command's standard output, or null when it could not run or failed */
    private static String run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? output : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static List<Path> files(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    private static long logBytes(Path directory) throws IOException {
        long bytes = 0;
        for (Path file : files(directory)) {
            bytes += Files.size(file);
        }
        return bytes;
    }

    private static String describeFiles(Path directory) throws IOException {
        List<Path> files = files(directory);
        return files.size() + " files, " + (logBytes(directory) >> 20) + " MiB";
    }

    private static long parseSize(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        int shift = switch (value.isEmpty() ? ' ' : value.charAt(value.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        return Long.parseLong(digits) << shift;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String millisList(long[] nanos) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < nanos.length; i++) {
            text.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", millis(nanos[i])));
        }
        return text.append(" ms)").toString();
    }
}
