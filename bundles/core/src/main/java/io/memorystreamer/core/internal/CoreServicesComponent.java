package io.memorystreamer.core.internal;

import io.memorystreamer.core.counters.CounterRegistry;
import io.memorystreamer.core.health.HealthMonitor;
import io.memorystreamer.core.work.Tier;
import io.memorystreamer.core.work.WorkerPools;
import java.time.Duration;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the core runtime when the bundle starts: creates one {@link CounterRegistry}, one
 * {@link HealthMonitor} (with its checker thread) and one {@link WorkerPools}, and registers each
 * as an OSGi service under its class name; on bundle stop it unregisters them and shuts them down
 * (the pools drain their queues, up to {@code shutdown.timeout.ms}).
 *
 * <p>Configuration: PID {@value WorkersSettings#PID}, optional (defaults: one thread and 1024
 * slots per tier, no pinning, 5 s stall threshold), documented by {@link WorkersConfiguration}.
 * An invalid configuration at activation fails the component with a message naming the key (SCR
 * logs it, and nothing is registered). An invalid change later is rejected with an ERROR naming
 * the key, and the running pools stay. A valid change of threads, capacity, CPUs or timeouts
 * replaces the pools (the old ones drain first, so the {@code WorkerPools} service is briefly
 * absent); a change of the stall threshold alone is applied in place. The counter registry and the
 * health monitor live as long as the component, so counters and heartbeats survive changes.
 *
 * <p>Threading: SCR calls activate, modified and deactivate one at a time; the fields are only
 * touched from those calls. Invariant: between activate and deactivate, the three services are
 * registered (except during a pool replacement).
 */
@Component(name = "io.memorystreamer.core", immediate = true, configurationPid = WorkersSettings.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WorkersConfiguration.class)
public final class CoreServicesComponent {
    private static final Logger LOG = LoggerFactory.getLogger(CoreServicesComponent.class);

    private BundleContext context;
    private WorkersSettings settings;
    private CounterRegistry counters;
    private HealthMonitor health;
    private WorkerPools pools;
    private ServiceRegistration<CounterRegistry> countersRegistration;
    private ServiceRegistration<HealthMonitor> healthRegistration;
    private ServiceRegistration<WorkerPools> poolsRegistration;

    /** Created by SCR. */
    public CoreServicesComponent() {
        // state is set in activate
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        WorkersSettings parsed = WorkersSettings.parse(properties);
        warnUnknown(parsed);
        this.context = bundleContext;
        this.settings = parsed;
        counters = new CounterRegistry();
        health = new HealthMonitor(parsed.stallThreshold());
        health.start(checkInterval(parsed.stallThreshold()));
        try {
            pools = buildPools(parsed);
        } catch (RuntimeException e) {
            health.close();
            throw e;
        }
        countersRegistration = bundleContext.registerService(CounterRegistry.class, counters,
                FrameworkUtil.asDictionary(Map.of("service.description", "MemoryStreamer counters")));
        healthRegistration = bundleContext.registerService(HealthMonitor.class, health,
                FrameworkUtil.asDictionary(Map.of("service.description", "MemoryStreamer health monitor")));
        registerPools();
        LOG.info("MemoryStreamer core services started ({})", parsed);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        WorkersSettings next;
        try {
            next = WorkersSettings.parse(properties);
        } catch (InvalidSettingException e) {
            LOG.error("{}. The change is rejected; the running settings stay ({}).", e.getMessage(), settings);
            return;
        }
        warnUnknown(next);
        if (!next.stallThreshold().equals(settings.stallThreshold())) {
            health.setStallThreshold(next.stallThreshold());
            health.close();
            health.start(checkInterval(next.stallThreshold()));
        }
        if (!next.samePools(settings)) {
            replacePools(next);
        } else {
            settings = next;
        }
    }

    @Deactivate
    void deactivate() {
        unregister(poolsRegistration);
        poolsRegistration = null;
        unregister(healthRegistration);
        unregister(countersRegistration);
        if (pools != null && !pools.shutdown(settings.shutdownTimeout())) {
            LOG.warn("Worker pools did not stop cleanly; see the previous warning");
        }
        health.close();
        LOG.info("MemoryStreamer core services stopped");
    }

    private void replacePools(WorkersSettings next) {
        unregister(poolsRegistration);
        poolsRegistration = null;
        pools.shutdown(settings.shutdownTimeout());
        try {
            pools = buildPools(next);
            settings = next;
        } catch (RuntimeException e) {
            LOG.error("Cannot apply the new worker settings ({}); keeping the running ones ({})",
                    e.getMessage(), settings);
            pools = buildPools(settings);
        }
        registerPools();
        LOG.info("Worker pools replaced ({})", settings);
    }

    private WorkerPools buildPools(WorkersSettings s) {
        WorkerPools.Builder builder = WorkerPools.builder()
                .counters(counters)
                .healthMonitor(health)
                .queueCapacity(s.queueCapacity())
                .shutdownTimeout(s.shutdownTimeout())
                .stallThreshold(Tier.BACKGROUND, s.backgroundStallThreshold());
        for (Tier tier : Tier.values()) {
            builder.threads(tier, s.threads(tier)).cpus(tier, s.cpus(tier));
        }
        return builder.build();
    }

    private void registerPools() {
        poolsRegistration = context.registerService(WorkerPools.class, pools,
                FrameworkUtil.asDictionary(Map.of("service.description", "MemoryStreamer worker pools")));
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration == null) {
            return;
        }
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
    }

    private static void warnUnknown(WorkersSettings s) {
        if (!s.unknownKeys().isEmpty()) {
            LOG.warn("Configuration {} has unknown keys {} (ignored); check their spelling",
                    WorkersSettings.PID, s.unknownKeys());
        }
    }

    static Duration checkInterval(Duration threshold) {
        long quarter = threshold.toMillis() / 4;
        return Duration.ofMillis(Math.max(10, Math.min(1_000, quarter)));
    }
}
