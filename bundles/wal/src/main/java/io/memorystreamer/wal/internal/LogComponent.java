package io.memorystreamer.wal.internal;

import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
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
 * Opens one {@link WriteAheadLog} per factory configuration of PID {@value LogSettings#FACTORY_PID}
 * (e.g. {@code conf/io.memorystreamer.wal.log-orders.cfg}) and registers it as a service under
 * {@code io.memorystreamer.wal.WriteAheadLog}, with the properties {@value #LOG_NAME},
 * {@value #LOG_DIRECTORY}, {@value #LOG_DURABILITY} and {@value #LOG_CONFIGURATION}. Deleting the
 * configuration (or stopping the bundle) unregisters the service and closes the log after a last
 * fsync. Until topics exist, this is how a log is opened; later the broker opens its shards' logs.
 *
 * <p>Settings: {@link LogConfiguration}. An invalid configuration fails the activation with a
 * message naming the key (SCR logs it and keeps it as the configuration's failure, which
 * {@code ms:wal} shows), and no log is opened. An invalid change later is rejected with an ERROR
 * naming the key: the log keeps running with its settings, and the service carries the message in
 * {@value #LOG_REJECTED_CHANGE} until a valid change comes. A valid change closes the log and opens
 * it again with the new settings (a clean reopen; readers and writers see the service go and come
 * back). Two configurations may share neither a name nor a directory.
 *
 * <p>Threading: SCR calls activate, modified and deactivate one at a time; the fields are only
 * touched from those calls. The log itself is thread-safe and used by whoever gets the service.
 */
@Component(name = LogSettings.FACTORY_PID, configurationPid = LogSettings.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = LogConfiguration.class, factory = true)
public final class LogComponent {
    /** Service property: the log's name. */
    public static final String LOG_NAME = "log.name";
    /** Service property: the log's directory. */
    public static final String LOG_DIRECTORY = "log.directory";
    /** Service property: the log's durability mode. */
    public static final String LOG_DURABILITY = "log.durability";
    /** Service property: the PID of the configuration that opened the log. */
    public static final String LOG_CONFIGURATION = "log.configuration";
    /** Service property, present after an invalid change: why it was rejected. */
    public static final String LOG_REJECTED_CHANGE = "log.rejected.change";

    private static final Logger LOG = LoggerFactory.getLogger(LogComponent.class);

    private BundleContext context;
    private Path dataDirectory;
    private LogSettings settings;
    private OpenLog open;
    private ServiceRegistration<WriteAheadLog> registration;
    private String rejectedChange;

    /** Created by SCR. */
    public LogComponent() {
        // state is set in activate
    }

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) throws IOException {
        context = bundleContext;
        dataDirectory = dataDirectory(bundleContext);
        LogSettings parsed = LogSettings.parse(properties, dataDirectory);
        warnUnknown(parsed);
        open = OpenLog.open(parsed);
        settings = parsed;
        register();
        LOG.info("Log {} is open in {} ({})", parsed.name(), parsed.directory(), parsed);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        LogSettings next;
        try {
            next = LogSettings.parse(properties, dataDirectory);
        } catch (InvalidLogSettingException e) {
            reject(e.getMessage());
            return;
        }
        warnUnknown(next);
        if (open != null && next.withoutUnknownKeys().equals(settings.withoutUnknownKeys())) {
            if (rejectedChange != null) {
                rejectedChange = null;
                registration.setProperties(FrameworkUtil.asDictionary(serviceProperties()));
            }
            return;
        }
        LogSettings previous = settings;
        closeLog();
        try {
            open = OpenLog.open(next);
            settings = next;
            rejectedChange = null;
            register();
            LOG.info("Log {} reopened in {} with new settings ({})", next.name(), next.directory(), next);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage();
            try {
                open = OpenLog.open(previous);
                settings = previous;
                rejectedChange = message;
                register();
                LOG.error("{}. The change is rejected; log {} runs on with its settings ({}).", message, previous.name(), previous);
            } catch (IOException | RuntimeException again) {
                LOG.error("{}. The change is rejected, but log {} cannot be reopened with its settings either: {}",
                        message, previous.name(), again.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        if (open != null) {
            String name = open.settings().name();
            closeLog();
            LOG.info("Log {} is closed", name);
        }
    }

    private void reject(String message) {
        rejectedChange = message;
        LOG.error("{}. The change is rejected; log {} runs on with its settings ({}).", message, settings.name(), settings);
        if (registration != null) {
            registration.setProperties(FrameworkUtil.asDictionary(serviceProperties()));
        }
    }

    private void register() {
        registration = context.registerService(WriteAheadLog.class, open.log(), FrameworkUtil.asDictionary(serviceProperties()));
    }

    private Map<String, Object> serviceProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(LOG_NAME, settings.name());
        properties.put(LOG_DIRECTORY, settings.directory().toString());
        properties.put(LOG_DURABILITY, settings.durability().name());
        properties.put(LOG_CONFIGURATION, settings.pid());
        properties.put("service.description", "MemoryStreamer write-ahead log " + settings.name());
        if (rejectedChange != null) {
            properties.put(LOG_REJECTED_CHANGE, rejectedChange);
        }
        return properties;
    }

    private void closeLog() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
            registration = null;
        }
        if (open != null) {
            open.close();
            open = null;
        }
    }

    private static void warnUnknown(LogSettings settings) {
        if (!settings.unknownKeys().isEmpty()) {
            LOG.warn("Configuration {} has unknown keys {} (ignored); check their spelling", settings.pid(), settings.unknownKeys());
        }
    }

    /** @return the broker's data directory: framework or system property {@value LogSettings#DATA_DIR_PROPERTY}, absolute */
    static Path dataDirectory(BundleContext context) {
        String configured = context.getProperty(LogSettings.DATA_DIR_PROPERTY);
        String text = configured == null || configured.isBlank() ? LogSettings.DEFAULT_DATA_DIR : configured.trim();
        return Path.of(text).toAbsolutePath().normalize();
    }
}
