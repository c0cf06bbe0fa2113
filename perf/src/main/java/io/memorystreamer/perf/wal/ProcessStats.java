package io.memorystreamer.perf.wal;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the operating system says about this process and the machine (Linux {@code /proc}), read
 * before and after a measurement to explain it: page faults (a first touch of a mapped page is a
 * minor fault; a read from disk a major one), involuntary context switches (our threads preempted; threads alive at both readings),
 * how busy the CPUs were, with our own share, since the box is shared with other builds, and the
 * garbage collections of this JVM (a pause stops every thread, allocation-free ones too).
 * Every method returns -1 values where {@code /proc} is missing. Allocates: call it outside
 * measured loops. Public for the broker harnesses ({@code io.memorystreamer.perf.broker}).
 */
public final class ProcessStats {
    private ProcessStats() {
    }

    /** A snapshot of the counters. */
    public record Snapshot(long minorFaults, long majorFaults, Map<String, Long> preemptions, long processCpuTicks, long machineBusyTicks,
            long machineTotalTicks, long gcCount, long gcMillis) {

        /** @return what happened between {@code earlier} and this snapshot, for people */
        public String since(Snapshot earlier) {
            String gc = String.format("GC %,d collections, %,d ms", gcCount - earlier.gcCount, gcMillis - earlier.gcMillis);
            if (minorFaults < 0 || earlier.minorFaults < 0) {
                return gc + " (no /proc statistics)";
            }
            long total = machineTotalTicks - earlier.machineTotalTicks;
            long busy = machineBusyTicks - earlier.machineBusyTicks;
            long ours = processCpuTicks - earlier.processCpuTicks;
            return String.format("%s; page faults %,d minor, %,d major; involuntary context switches %,d; CPUs busy ~%.0f%% (this JVM ~%.0f%%,"
                    + " other processes ~%.0f%%; tick-sampled)", gc, minorFaults - earlier.minorFaults, majorFaults - earlier.majorFaults,
                    preemptionsSince(earlier), percent(busy, total), percent(ours, total),
                    percent(Math.max(0, busy - ours), total));
        }

        /**
         * @return the share of the machine's CPU time that other processes used between {@code earlier} and this snapshot,
         *     in percent (tick-sampled), or -1 without /proc
         */
        public double othersPercentSince(Snapshot earlier) {
            if (minorFaults < 0 || earlier.minorFaults < 0) {
                return -1;
            }
            long total = machineTotalTicks - earlier.machineTotalTicks;
            long busy = machineBusyTicks - earlier.machineBusyTicks;
            long ours = processCpuTicks - earlier.processCpuTicks;
            return percent(Math.max(0, busy - ours), total);
        }

        /** @return involuntary context switches of the threads alive at both snapshots */
        private long preemptionsSince(Snapshot earlier) {
            long sum = 0;
            for (Map.Entry<String, Long> thread : preemptions.entrySet()) {
                Long before = earlier.preemptions.get(thread.getKey());
                if (before != null) {
                    sum += thread.getValue() - before;
                }
            }
            return sum;
        }

        private static double percent(long part, long whole) {
            return whole <= 0 ? 0 : 100.0 * part / whole;
        }
    }

    /** @return the counters now */
    public static Snapshot snapshot() {
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, collector.getCollectionCount());
            gcMillis += Math.max(0, collector.getCollectionTime());
        }
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (in parentheses, may hold spaces) start at field 3:
            // 10 minflt, 12 majflt, 14 utime, 15 stime (clock ticks).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long minor = Long.parseLong(fields[10 - 3]);
            long major = Long.parseLong(fields[12 - 3]);
            long cpu = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            String[] machine = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < machine.length; i++) {
                total += Long.parseLong(machine[i]);
            }
            long idle = Long.parseLong(machine[4]) + Long.parseLong(machine[5]);
            return new Snapshot(minor, major, preemptions(), cpu, total - idle, total, gcCount, gcMillis);
        } catch (IOException | RuntimeException e) {
            return new Snapshot(-1, -1, Map.of(), -1, -1, -1, gcCount, gcMillis);
        }
    }

    /** @return involuntary context switches of each thread of this process alive now, by thread id */
    private static Map<String, Long> preemptions() throws IOException {
        Map<String, Long> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            threads.put(task.getFileName().toString(), Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return threads;
    }
}
