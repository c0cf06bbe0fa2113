package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.Broker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
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
 * Runs the broker in the framework: opens a {@link LocalBroker} on {@code <ms.data.dir>/broker}
 * with the settings of PID {@value #PID}, registers it as the {@link Broker} service once its
 * topics are recovered, and closes it (draining the writers) when the bundle stops.
 *
 * <p>The configuration is required (the distribution ships {@code conf/io.memorystreamer.broker.cfg}):
 * starting with built-in defaults and then learning of the file a moment later would silently run
 * a whole session on the wrong settings, since they apply only at start.
 *
 * <p>Threading: SCR calls activate, modified and deactivate one at a time.
 */
@Component(name = BrokerComponent.PID, configurationPid = BrokerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = BrokerConfiguration.class)
public final class BrokerComponent {
    /** The configuration PID. */
    public static final String PID = "io.memorystreamer.broker";
    /** The framework property naming the data directory (shared with the other bundles). */
    public static final String DATA_DIR_PROPERTY = "ms.data.dir";

    private static final Logger LOG = LoggerFactory.getLogger(BrokerComponent.class);

    private LocalBroker broker;
    private ServiceRegistration<Broker> registration;
    private BrokerConfig running;

    /** Created by SCR. */
    public BrokerComponent() {
        // state is set in activate
    }

    @Activate
    void activate(BundleContext context, BrokerConfiguration configuration) throws IOException {
        String dataDir = context.getProperty(DATA_DIR_PROPERTY);
        Path data = Path.of(dataDir == null || dataDir.isBlank() ? "data" : dataDir.trim()).toAbsolutePath().normalize();
        running = toConfig(data.resolve("broker"), configuration);
        long started = System.nanoTime();
        broker = LocalBroker.open(running);
        registration = context.registerService(Broker.class, broker, new Hashtable<>(Map.of("broker.data", running.dataDirectory().toString())));
        LOG.info("Broker started in {} ms with {} topic(s) in {}", (System.nanoTime() - started) / 1_000_000, broker.topics().size(),
                running.dataDirectory());
    }

    static BrokerConfig toConfig(Path directory, BrokerConfiguration c) {
        try {
            return new BrokerConfig(directory, c.segment_bytes(), c.preallocate(), c.writer_threads(), c.inbox_bytes(), c.max_unflushed_bytes(),
                    Duration.ofMillis(c.flush_interval_ms()), c.lanes_per_shard(), c.busy_spin(), c.streams_per_topic());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration " + PID + " (conf/" + PID + ".cfg) is invalid: " + e.getMessage(), e);
        }
    }

    @Modified
    void modified(BundleContext context, BrokerConfiguration configuration) {
        BrokerConfig next;
        try {
            next = toConfig(running.dataDirectory(), configuration);
        } catch (IllegalArgumentException e) {
            LOG.error("Rejected a change: {}; the broker keeps running with {}", e.getMessage(), running);
            return;
        }
        if (!next.equals(running)) {
            LOG.warn("Configuration {} changed to {}; the broker reads its settings at start, so this takes effect after a restart", PID, next);
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already unregistered by the framework
            }
            registration = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
            LOG.info("Broker stopped");
        }
    }
}
