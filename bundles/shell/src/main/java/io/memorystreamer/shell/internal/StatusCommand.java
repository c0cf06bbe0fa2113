package io.memorystreamer.shell.internal;

import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.health.HealthReport;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Gogo commands {@code ms:status} and {@code ms:shutdown}.
 *
 * <p>Thread-safe: Gogo may call it from several sessions at once; it only reads framework state
 * and the health monitor, which may come and go (a volatile reference).
 */
@Component(service = StatusCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=status",
    "osgi.command.function=shutdown"
})
public final class StatusCommand {
    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile HealthMonitor health;

    /** Creates the command for the given bundle context. */
    @Activate
    public StatusCommand(BundleContext context) {
        this.context = context;
    }

    /**
     * {@code ms:status [--check]}.
     *
     * @param check fail unless the broker is ready, so scripts get a non-zero exit code
     * @return the broker's status
     */
    @Descriptor("show version, uptime, bundles by state, bundles not active (and why) and health")
    public BrokerStatus status(
            @Descriptor("fail unless every bundle is active and health is UP (for scripts)")
            @Parameter(names = {"-c", "--check"}, presentValue = "true", absentValue = "false") boolean check) {
        BrokerStatus status = snapshot();
        if (check && !status.healthy()) {
            throw new IllegalStateException("MemoryStreamer is not ready:\n" + status.formatFull());
        }
        return status;
    }

    /**
     * {@code ms:shutdown}: stops the broker cleanly (every bundle stops, then the process exits).
     *
     * @return a confirmation
     */
    @Descriptor("stop the broker cleanly")
    public String shutdown() {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(200);
                context.getBundle(0).stop();
            } catch (BundleException e) {
                throw new IllegalStateException("cannot stop the framework", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ms-shutdown");
        stopper.start();
        return "MemoryStreamer is shutting down";
    }

    BrokerStatus snapshot() {
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (Bundle bundle : context.getBundles()) {
            byState.merge(StateNames.of(bundle.getState()), 1, Integer::sum);
        }
        List<BrokerStatus.BundleProblem> problems = BundleDiagnosis.problems(context);
        String overall;
        List<String> details = new ArrayList<>();
        HealthMonitor monitor = health;
        if (monitor == null) {
            overall = "UNKNOWN";
            details.add("no health monitor is running (is io.memorystreamer.core active?)");
        } else {
            HealthReport report = monitor.snapshot();
            overall = report.overall().name();
            details.add(report.components().size() + " agents and workers monitored, " + report.stalled().size() + " stalled");
            report.stalled().forEach(component -> details.add("stalled: " + component));
        }
        Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
        String version = context.getBundle().getVersion().toString();
        return new BrokerStatus(version, uptime, byState, problems, overall, details);
    }
}
