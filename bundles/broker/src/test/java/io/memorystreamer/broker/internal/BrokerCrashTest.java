package io.memorystreamer.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real crash: a child JVM runs a broker that publishes with {@code sync} durability while a
 * group member consumes and commits; it is killed with SIGKILL; the broker reopens here, and a
 * member of the same group must receive every acknowledged message it had not committed, each
 * stream resuming at or before its last commit (at least once, nothing lost).
 */
class BrokerCrashTest {
    @TempDir
    Path root;

    static BrokerConfig config(Path dir) {
        return BrokerConfig.defaults(dir).withSegmentBytes(4 << 20).withPreallocate(false).withInboxBytes(1 << 20);
    }

    @Test
    void everyAcknowledgedMessageReachesTheGroupAfterAKill() throws Exception {
        Path dir = root.resolve("broker");
        List<String> lines = runAndKill(dir, 1500);
        Map<String, Set<Long>> acked = new HashMap<>();
        Map<String, Long> committed = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts[0].equals("A") && parts.length == 3) {
                acked.computeIfAbsent(parts[1], k -> new HashSet<>()).add(Long.parseLong(parts[2]));
            } else if (parts[0].equals("C") && parts.length == 3) {
                committed.merge(parts[1], Long.parseLong(parts[2]), Math::max);
            } else if (parts[0].equals("F")) {
                fail("the child saw a publish fail: " + line);
            }
        }
        long ackCount = acked.values().stream().mapToLong(Set::size).sum();
        assertTrue(ackCount > 0, "the child acknowledged messages before it was killed");
        for (Map.Entry<String, Set<Long>> stream : acked.entrySet()) {
            long max = stream.getValue().stream().mapToLong(Long::longValue).max().orElse(-1);
            assertEquals(max + 1, stream.getValue().size(), "acks of " + stream.getKey() + " are dense from 0");
        }

        System.out.println("crash test: the child acknowledged " + ackCount + " messages on " + acked.size() + " streams and committed " + committed);
        Map<String, List<Long>> delivered = new ConcurrentHashMap<>();
        try (LocalBroker broker = LocalBroker.open(config(dir))) {
            try (GroupMember after = broker.joinGroup(GroupRequest.of(BrokerCrashChild.GROUP, BrokerCrashChild.TOPIC).withMemberId("after"),
                    message -> delivered.computeIfAbsent(message.keyAsString(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(message.streamOffset()))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!allSeen(acked, committed, delivered) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(after.delivered() > 0 || acked.entrySet().stream().allMatch(e -> e.getValue().size() - 1 <= committed.getOrDefault(e.getKey(), -1L)),
                        "the member after the crash received what was not committed");
            }
        }
        for (Map.Entry<String, Set<Long>> stream : acked.entrySet()) {
            String key = stream.getKey();
            long lastCommitted = committed.getOrDefault(key, -1L);
            List<Long> got = delivered.getOrDefault(key, List.of());
            for (long offset : stream.getValue()) {
                if (offset > lastCommitted) {
                    // lastCommitted bounds what any commit could have covered (printed before each commit)
                    assertTrue(got.contains(offset), key + "@" + offset + " was acknowledged and not committed, so the group must deliver it; got "
                            + summary(got) + ", committed up to " + lastCommitted);
                }
            }
            if (!got.isEmpty()) {
                assertTrue(got.get(0) <= lastCommitted + 1, key + " resumes at or before its commit (" + lastCommitted + "), not at " + got.get(0));
                for (int i = 1; i < got.size(); i++) {
                    assertEquals(got.get(i - 1) + 1, got.get(i), key + " is delivered in order without gaps");
                }
            }
        }
    }

    private static String summary(List<Long> offsets) {
        return offsets.isEmpty() ? "nothing" : offsets.size() + " messages " + offsets.get(0) + ".." + offsets.get(offsets.size() - 1);
    }

    private static boolean allSeen(Map<String, Set<Long>> acked, Map<String, Long> committed, Map<String, List<Long>> delivered) {
        for (Map.Entry<String, Set<Long>> stream : acked.entrySet()) {
            long max = stream.getValue().stream().mapToLong(Long::longValue).max().orElse(-1);
            if (max <= committed.getOrDefault(stream.getKey(), -1L)) {
                continue;
            }
            List<Long> got = delivered.get(stream.getKey());
            if (got == null) {
                return false;
            }
            synchronized (got) {
                if (!got.contains(max)) {
                    return false;
                }
            }
        }
        return true;
    }

    private List<String> runAndKill(Path dir, long killAfterMillis) throws Exception {
        Path stderr = root.resolve("child.stderr");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dchronicle.analytics.disable=true"));
        command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BrokerCrashChild.class.getName(), dir.toString()));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the child died
            }
        }, "crash-child-stdout");
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(l -> l.startsWith("A ")) && lines.stream().anyMatch(l -> l.startsWith("C "))) {
                        break;
                    }
                }
                if (!child.isAlive()) {
                    fail("the child ended with " + child.exitValue() + "; its stderr:\n" + Files.readString(stderr));
                }
                Thread.sleep(10);
            }
            Thread.sleep(killAfterMillis);
            assertTrue(child.isAlive(), () -> "the child ended by itself; its stderr:\n" + read(stderr));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            reader.join(30_000);
        } finally {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), () -> "killed by SIGKILL; its stderr:\n" + read(stderr));
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
