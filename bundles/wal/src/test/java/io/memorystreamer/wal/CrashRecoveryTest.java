package io.memorystreamer.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM ({@link CrashChild}) appends from several threads and prints an ACK
 * for each record only after the log called it durable; the test kills it with SIGKILL at a
 * random moment, reopens the log and checks that every acknowledged record is there, intact, and
 * that each stream is a dense prefix from offset 0 (nothing after a torn or unpublished frame
 * shows). SIGKILL keeps the page cache, so this tests the log's own logic (claims, publication,
 * holes, recovery, durable acknowledgement), not the disk's.
 */
class CrashRecoveryTest {
    private static final int THREADS = 4;
    private static final int SEGMENT_SIZE = 128 * 1024;
    private static final int PER_THREAD = 20_000;
    private static final int ROUNDS = 10;
    private static final Duration BUDGET = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRecordAcknowledgedInSyncModeSurvivesAKill() throws Exception {
        crashRepeatedly(Durability.SYNC);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRecordAcknowledgedInBatchModeSurvivesAKill() throws Exception {
        crashRepeatedly(Durability.BATCH);
    }

    private void crashRepeatedly(Durability durability) throws Exception {
        long seed = Long.getLong("wal.crash.seed", new Random().nextLong());
        Random random = new Random(seed);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int rounds = 0;
        long acked = 0;
        long recovered = 0;
        int withProblems = 0;
        Map<Long, Long> previous = Map.of();
        while (rounds < ROUNDS && (rounds < 3 || System.nanoTime() - deadline < 0)) {
            Path dir = root.resolve(durability + "-" + rounds);
            int killAfterMillis = 50 + random.nextInt(351);
            // every other round crashes into a log left by an earlier crash: recovery after recovery
            Path logDir = rounds % 2 == 1 ? root.resolve(durability + "-" + (rounds - 1)) : dir;
            Round round = crashOnce(logDir, durability, killAfterMillis, rounds % 2 == 1 ? previous : Map.of(),
                    "seed " + seed + ", round " + rounds + ", kill " + killAfterMillis + " ms after the first ACK");
            previous = round.perStream;
            acked += round.acked;
            recovered += round.recovered;
            withProblems += round.problems > 0 ? 1 : 0;
            rounds++;
        }
        System.out.println("crash test " + durability + ": " + rounds + " kills, " + acked + " acks, " + recovered
                + " records recovered, " + withProblems + " recoveries with something to repair (seed " + seed + ")");
    }

    private record Round(long acked, long recovered, int problems, Map<Long, Long> perStream) {
    }

    /**
     * @param before records per stream the log held when the child starts (it continues each stream
     *     after them); none for a new log
     */
    private Round crashOnce(Path dir, Durability durability, int killAfterMillis, Map<Long, Long> before, String what)
            throws Exception {
        Path stderr = root.resolve(dir.getFileName() + "-" + System.nanoTime() + ".stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dchronicle.analytics.disable=true", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                dir.toString(), durability.name(), Integer.toString(THREADS), Integer.toString(SEGMENT_SIZE),
                Integer.toString(PER_THREAD))
                .redirectError(stderr.toFile());
        Process child = builder.start();
        List<String> lines = new ArrayList<>();
        CountDownLatch firstAck = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    firstAck.countDown();
                }
            } catch (IOException e) {
                // the child died: its stdout is closed
            } finally {
                firstAck.countDown(); // the child's output ended without any line: no reason to wait on
            }
        }, "crash-child-stdout");
        reader.start();
        try {
            boolean anyLine = firstAck.await(60, TimeUnit.SECONDS);
            synchronized (lines) {
                anyLine &= !lines.isEmpty();
            }
            if (!anyLine) {
                fail(what + ": no ACK " + (child.isAlive() ? "within 60 s" : "before the child ended with " + child.exitValue())
                        + "; its stderr:\n" + read(stderr) + "\nits threads:\n" + threadDump(child));
            }
            Thread.sleep(killAfterMillis);
            assertTrue(child.isAlive(), () -> what + ": the child ended by itself; its stderr:\n" + read(stderr));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), what + ": the child did not die");
            reader.join(30_000);
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), () -> what + ": killed by SIGKILL; its stderr:\n" + read(stderr));

        List<long[]> acks = new ArrayList<>();
        synchronized (lines) {
            for (String line : lines) {
                String[] parts = line.split(" ");
                if (parts.length == 5 && parts[0].equals("ACK") && parts[4].equals("ok")) {
                    acks.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])});
                } else if (!line.equals(lines.get(lines.size() - 1))) {
                    fail(what + ": unexpected output from the child: " + line);
                }
            }
        }
        assertTrue(!acks.isEmpty(), what + ": no complete ACK line");

        // reopen and read everything, checking each record
        Map<Long, List<long[]>> byStream = new HashMap<>();
        int problems;
        long records = 0;
        try (WriteAheadLog log = WriteAheadLog.open(CrashChild.config(dir, durability, SEGMENT_SIZE))) {
            problems = log.recoveryReport().problems().size();
            String report = log.recoveryReport().toString();
            LogCursor cursor = log.cursor(0).verifyChecksums(true);
            List<String> wrong = new ArrayList<>();
            while (cursor.poll(view -> {
                long stream = view.streamId();
                long offset = view.streamOffset();
                List<long[]> seen = byStream.computeIfAbsent(stream, s -> new ArrayList<>());
                long expectedOffset = seen.size();
                if (stream < 0 || stream >= THREADS || offset != expectedOffset) {
                    wrong.add("stream " + stream + " offset " + offset + " where offset " + expectedOffset + " was due, at " + view);
                } else if (view.timestamp() != offset || view.keyLength() != 0 || view.headersLength() != 0
                        || !Arrays.equals(view.payloadBytes(), CrashChild.payload(stream, offset))) {
                    wrong.add("damaged record " + view);
                }
                seen.add(new long[] {offset, view.position()});
            }, 256) > 0) {
                // until the end
            }
            assertNull(cursor.corruption(), () -> what + ": the recovered log serves a damaged frame; " + report);
            assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())), () -> what + ": recovered records; " + report);
            for (List<long[]> stream : byStream.values()) {
                records += stream.size();
            }
            for (long[] ack : acks) {
                List<long[]> stream = byStream.getOrDefault(ack[0], List.of());
                assertTrue(ack[1] < stream.size(), () -> what + ": acknowledged record " + ack[0] + "/" + ack[1] + " at " + ack[2]
                        + " is lost; stream " + ack[0] + " recovered up to offset " + (stream.size() - 1) + "; " + report);
                assertArrayEquals(new long[] {ack[1], ack[2]}, stream.get((int) ack[1]),
                        () -> what + ": acknowledged record " + ack[0] + "/" + ack[1] + " is at another position; " + report);
            }
            for (Map.Entry<Long, Long> earlier : before.entrySet()) {
                long now = byStream.getOrDefault(earlier.getKey(), List.of()).size();
                assertTrue(now >= earlier.getValue(), what + ": stream " + earlier.getKey() + " had " + earlier.getValue()
                        + " records before this round, now " + now);
            }
        }
        Map<Long, Long> perStream = new HashMap<>();
        byStream.forEach((stream, seen) -> perStream.put(stream, (long) seen.size()));
        return new Round(acks.size(), records, problems, perStream);
    }

    /** @return the child's threads, as {@code jcmd} prints them (to diagnose a child that hangs) */
    private static String threadDump(Process child) {
        if (!child.isAlive()) {
            return "(the child has ended)";
        }
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(child.pid()), "Thread.print").redirectErrorStream(true).start();
            byte[] output = jcmd.getInputStream().readAllBytes();
            jcmd.waitFor(20, TimeUnit.SECONDS);
            String text = new String(output, StandardCharsets.UTF_8);
            return text.length() > 30_000 ? text.substring(0, 30_000) + "..." : text;
        } catch (IOException | InterruptedException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
