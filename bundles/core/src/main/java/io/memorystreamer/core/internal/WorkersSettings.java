package io.memorystreamer.core.internal;

import io.memorystreamer.core.affinity.AffinityException;
import io.memorystreamer.core.affinity.CpuAffinity;
import io.memorystreamer.core.work.Tier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated settings of configuration PID {@value #PID}: threads, queue capacity, CPU pinning
 * and stall thresholds of the worker pools (documented in {@link WorkersConfiguration}).
 *
 * <p>{@link #parse(Map)} reads ConfigAdmin properties (numbers or text, as {@code .cfg} files
 * give them), applies defaults to missing keys, and throws an {@link InvalidSettingException}
 * naming the first bad key.
 *
 * <p>Threading: immutable. Invariants: every tier has a thread count in 1..256 and a CPU array
 * (empty when unpinned) with ids valid on this machine; the capacity is a power of two; durations
 * are positive.
 */
final class WorkersSettings {
    /** The configuration PID. */
    static final String PID = "io.memorystreamer.core.workers";
    static final int DEFAULT_QUEUE_CAPACITY = 1024;
    static final long DEFAULT_STALL_THRESHOLD_MS = 5_000;
    static final long DEFAULT_BACKGROUND_STALL_THRESHOLD_MS = 60_000;
    static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
    static final String QUEUE_CAPACITY = "queue.capacity";
    static final String STALL_THRESHOLD_MS = "stall.threshold.ms";
    static final String BACKGROUND_STALL_THRESHOLD_MS = "background.stall.threshold.ms";
    static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    private static final long MAX_MS = Duration.ofDays(1).toMillis();

    private final Map<Tier, Integer> threads;
    private final Map<Tier, int[]> cpus;
    private final int queueCapacity;
    private final Duration stallThreshold;
    private final Duration backgroundStallThreshold;
    private final Duration shutdownTimeout;
    private final List<String> unknownKeys;

    private WorkersSettings(Map<Tier, Integer> threads, Map<Tier, int[]> cpus, int queueCapacity,
                            Duration stallThreshold, Duration backgroundStallThreshold,
                            Duration shutdownTimeout, List<String> unknownKeys) {
        this.threads = threads;
        this.cpus = cpus;
        this.queueCapacity = queueCapacity;
        this.stallThreshold = stallThreshold;
        this.backgroundStallThreshold = backgroundStallThreshold;
        this.shutdownTimeout = shutdownTimeout;
        this.unknownKeys = unknownKeys;
    }

    /** @return the key of a tier's thread count, e.g. {@code messagePath.threads} */
    static String threadsKey(Tier tier) {
        return tier.key() + ".threads";
    }

    /** @return the key of a tier's CPU list, e.g. {@code delivery.cpus} */
    static String cpusKey(Tier tier) {
        return tier.key() + ".cpus";
    }

    /**
     * Reads and validates ConfigAdmin properties.
     *
     * @param properties the component properties (may hold framework keys, which are ignored)
     * @return the settings, defaults filled in
     * @throws InvalidSettingException naming the first invalid key
     */
    static WorkersSettings parse(Map<String, ?> properties) {
        Map<Tier, Integer> threads = new EnumMap<>(Tier.class);
        Map<Tier, int[]> cpus = new EnumMap<>(Tier.class);
        Set<String> known = new HashSet<>(List.of(QUEUE_CAPACITY, STALL_THRESHOLD_MS,
                BACKGROUND_STALL_THRESHOLD_MS, SHUTDOWN_TIMEOUT_MS));
        for (Tier tier : Tier.values()) {
            threads.put(tier, (int) number(properties, threadsKey(tier), 1, 1, 256));
            cpus.put(tier, cpuList(properties, cpusKey(tier)));
            known.add(threadsKey(tier));
            known.add(cpusKey(tier));
        }
        long capacity = number(properties, QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY, 2, 1 << 30);
        if (Long.bitCount(capacity) != 1) {
            throw new InvalidSettingException(QUEUE_CAPACITY, properties.get(QUEUE_CAPACITY),
                    "must be a power of two (e.g. 1024, 4096)", null);
        }
        Duration stall = Duration.ofMillis(number(properties, STALL_THRESHOLD_MS,
                DEFAULT_STALL_THRESHOLD_MS, 1, MAX_MS));
        Duration backgroundStall = Duration.ofMillis(number(properties, BACKGROUND_STALL_THRESHOLD_MS,
                DEFAULT_BACKGROUND_STALL_THRESHOLD_MS, 1, MAX_MS));
        Duration shutdown = Duration.ofMillis(number(properties, SHUTDOWN_TIMEOUT_MS,
                DEFAULT_SHUTDOWN_TIMEOUT_MS, 1, MAX_MS));
        List<String> unknown = new ArrayList<>();
        for (String key : properties.keySet()) {
            if (!known.contains(key) && !isFrameworkKey(key)) {
                unknown.add(key);
            }
        }
        return new WorkersSettings(threads, cpus, (int) capacity, stall, backgroundStall, shutdown,
                List.copyOf(unknown));
    }

    int threads(Tier tier) {
        return threads.get(tier);
    }

    int[] cpus(Tier tier) {
        return cpus.get(tier).clone();
    }

    int queueCapacity() {
        return queueCapacity;
    }

    Duration stallThreshold() {
        return stallThreshold;
    }

    Duration backgroundStallThreshold() {
        return backgroundStallThreshold;
    }

    Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return keys that are neither ours nor the framework's: probably typos, worth a warning */
    List<String> unknownKeys() {
        return unknownKeys;
    }

    /**
     * @param other settings to compare with
     * @return true if the worker pools built from {@code other} would be the same as from these
     */
    boolean samePools(WorkersSettings other) {
        for (Tier tier : Tier.values()) {
            if (threads(tier) != other.threads(tier) || !Arrays.equals(cpus.get(tier), other.cpus.get(tier))) {
                return false;
            }
        }
        return queueCapacity == other.queueCapacity
                && backgroundStallThreshold.equals(other.backgroundStallThreshold)
                && shutdownTimeout.equals(other.shutdownTimeout);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Tier tier : Tier.values()) {
            sb.append(threadsKey(tier)).append('=').append(threads(tier)).append(", ");
            if (cpus.get(tier).length > 0) {
                sb.append(cpusKey(tier)).append('=').append(CpuAffinity.format(cpus.get(tier))).append(", ");
            }
        }
        return sb.append(QUEUE_CAPACITY).append('=').append(queueCapacity).append(", ")
                .append(STALL_THRESHOLD_MS).append('=').append(stallThreshold.toMillis()).append(", ")
                .append(BACKGROUND_STALL_THRESHOLD_MS).append('=').append(backgroundStallThreshold.toMillis())
                .append(", ").append(SHUTDOWN_TIMEOUT_MS).append('=').append(shutdownTimeout.toMillis())
                .toString();
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                || key.startsWith("osgi.") || key.startsWith("objectClass");
    }

    private static long number(Map<String, ?> properties, String key, long defaultValue, long min, long max) {
        Object raw = properties.get(key);
        if (raw == null || (raw instanceof String && ((String) raw).isBlank())) {
            return defaultValue;
        }
        long value;
        if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
            value = ((Number) raw).longValue();
        } else if (raw instanceof String) {
            try {
                value = Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(key, raw, "is not a whole number", e);
            }
        } else {
            throw new InvalidSettingException(key, raw, "must be a whole number, not a "
                    + raw.getClass().getSimpleName(), null);
        }
        if (value < min || value > max) {
            throw new InvalidSettingException(key, raw, "must be from " + min + " to " + max, null);
        }
        return value;
    }

    private static int[] cpuList(Map<String, ?> properties, String key) {
        Object raw = properties.get(key);
        if (raw == null) {
            return new int[0];
        }
        String text;
        if (raw instanceof String) {
            text = (String) raw;
        } else if (raw instanceof Number) {
            text = raw.toString();
        } else if (raw instanceof String[]) {
            text = String.join(",", (String[]) raw);
        } else if (raw instanceof int[]) {
            text = CpuAffinity.format((int[]) raw);
        } else if (raw instanceof Collection) {
            text = String.join(",", ((Collection<?>) raw).stream().map(String::valueOf).toList());
        } else {
            throw new InvalidSettingException(key, raw, "must be a CPU list such as '0-1,3'", null);
        }
        int[] ids;
        try {
            ids = CpuAffinity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(key, raw, "is not a CPU list such as '0-1,3'", e);
        }
        if (ids.length > 0) {
            try {
                CpuAffinity.system().checkCpus(ids);
            } catch (AffinityException e) {
                throw new InvalidSettingException(key, raw, "names a CPU this machine does not have: "
                        + e.getMessage(), e);
            }
        }
        return ids;
    }
}
