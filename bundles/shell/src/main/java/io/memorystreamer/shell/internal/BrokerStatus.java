package io.memorystreamer.shell.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code ms:status} reports: version, uptime, bundles by state, the bundles that are not
 * running and why, and the health of agents and workers. Immutable.
 *
 * @param version the broker's version
 * @param uptime how long the broker process has run
 * @param bundlesByState bundle counts by state name
 * @param problems bundles that should be active and are not, with the reason
 * @param health overall health state ({@code UP}, {@code DEGRADED}, {@code DOWN} or {@code UNKNOWN})
 * @param healthDetails one line for each component that is not healthy
 */
public record BrokerStatus(String version, Duration uptime, Map<String, Integer> bundlesByState,
        List<BundleProblem> problems, String health, List<String> healthDetails) implements PeopleFormat {

    /** @return true when every bundle is active and the health is UP */
    public boolean healthy() {
        return problems.isEmpty() && "UP".equals(health);
    }

    @Override
    public String formatFull() {
        StringBuilder text = new StringBuilder();
        text.append("MemoryStreamer ").append(version).append('\n');
        text.append("  state:    ").append(healthy() ? "READY" : "NOT READY").append('\n');
        text.append("  uptime:   ").append(formatDuration(uptime)).append('\n');
        text.append("  health:   ").append(health).append('\n');
        for (String detail : healthDetails) {
            text.append("            ").append(detail).append('\n');
        }
        text.append("  bundles: ");
        bundlesByState.forEach((state, count) -> text.append(' ').append(count).append(' ').append(state));
        text.append('\n');
        if (!problems.isEmpty()) {
            text.append("  not active:\n");
            for (BundleProblem problem : problems) {
                text.append("    ").append(problem.formatLine()).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public String formatLine() {
        return "MemoryStreamer " + version + " " + (healthy() ? "READY" : "NOT READY") + " health=" + health
                + " up " + formatDuration(uptime) + " problems=" + problems.size();
    }

    static String formatDuration(Duration duration) {
        long seconds = duration.getSeconds();
        return String.format("%dd %02dh %02dm %02ds", seconds / 86_400, (seconds / 3_600) % 24, (seconds / 60) % 60, seconds % 60);
    }

    /**
     * A bundle that should be active and is not.
     *
     * @param id bundle id
     * @param symbolicName bundle symbolic name
     * @param version bundle version
     * @param state state name
     * @param reason why, as far as the framework can tell
     */
    public record BundleProblem(long id, String symbolicName, String version, String state, String reason) {
        String formatLine() {
            return String.format("[%d] %s %s %s: %s", id, symbolicName, version, state, reason);
        }
    }
}
