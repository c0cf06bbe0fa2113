package io.memorystreamer.transport.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.transport.TransportServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the wire-protocol server in the framework while the {@link Broker} service is there: binds
 * with the settings of PID {@value #PID} (optional: the defaults listen on 127.0.0.1:9510),
 * registers {@link TransportServer} with the bound port as {@value TransportServer#PORT_PROPERTY},
 * and writes that port to {@code <ms.data.dir>/transport.port}.
 *
 * <p>A configuration change restarts the server (its connections close; clients reconnect), and
 * says so in the log; a change that does not validate (a value out of range, a keystore that does
 * not open, a token file that cannot be read, an address that cannot be bound) is refused with a
 * message naming the key and the reason, and the running server keeps going. Idempotent
 * producers' state is kept in memory across such restarts.
 *
 * <p><b>Stopping</b> (the framework stops, or the Broker service goes): the server stops
 * gracefully ({@link NettyServer#close}: nothing more is read, every request read is answered,
 * bounded), then the idempotent producers' state is saved to
 * {@code <ms.data.dir>/transport/producers.state} ({@link ProducerStateFile}), which the next start
 * takes (reads and deletes), so producer ids and their sequences survive a clean restart. After a
 * crash there is no file: producers start empty and clients get UNKNOWN_PRODUCER.
 *
 * <p>Threading: SCR calls activate, modified and deactivate one at a time; the service object
 * delegates to the current server through a volatile field.
 */
@Component(name = TransportComponent.PID, configurationPid = TransportComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = TransportConfiguration.class)
public final class TransportComponent {
    /** The configuration PID. */
    public static final String PID = "io.memorystreamer.transport";
    /** The framework property naming the data directory (shared with the other bundles). */
    public static final String DATA_DIR_PROPERTY = "ms.data.dir";
    /** The framework property naming the installation, against which relative file names resolve. */
    public static final String HOME_PROPERTY = "ms.home";

    private static final Logger LOG = LoggerFactory.getLogger(TransportComponent.class);

    private final Broker broker;
    private final BundleContext context;
    private final Path home;
    private final Path portFile;
    private final Path stateFile;
    private final String brokerVersion;
    private final Facade facade = new Facade();
    private Producers producers;
    private TransportSettings settings;
    private ServerSecurity security;
    private ServiceRegistration<TransportServer> registration;

    /**
     * Starts the server.
     *
     * @param broker the broker
     * @param context the bundle's context
     * @param configuration the settings
     * @throws IOException when the address cannot be bound
     * @throws IllegalArgumentException when a setting is invalid (naming its key)
     */
    @Activate
    public TransportComponent(@Reference Broker broker, BundleContext context, TransportConfiguration configuration) throws IOException {
        this.broker = broker;
        this.context = context;
        String homeDir = context.getProperty(HOME_PROPERTY);
        this.home = Path.of(homeDir == null || homeDir.isBlank() ? "." : homeDir.trim()).toAbsolutePath().normalize();
        String dataDir = context.getProperty(DATA_DIR_PROPERTY);
        Path data = Path.of(dataDir == null || dataDir.isBlank() ? "data" : dataDir.trim()).toAbsolutePath().normalize();
        this.portFile = data.resolve(TransportServer.PORT_FILE);
        this.stateFile = ProducerStateFile.in(data);
        this.brokerVersion = context.getBundle().getVersion().toString();
        try {
            settings = TransportSettings.from(configuration, home);
            security = ServerSecurity.load(settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration " + PID + " (conf/" + PID + ".cfg) is invalid: " + e.getMessage(), e);
        }
        Producers.Saved saved = ProducerStateFile.take(stateFile);
        producers = new Producers(settings.producerIdleExpiry(), settings.producerMaxStreams(), saved);
        if (saved != null) {
            LOG.info("Restored the state of {} idempotent producer(s) ({} stream(s)) saved at the last clean stop, from {}",
                    producers.producerCount(), producers.streamCount(), stateFile);
        }
        try {
            facade.server = NettyServer.start(broker, settings, security, producers, brokerVersion, true);
        } catch (IOException | RuntimeException e) {
            saveProducers();
            throw e;
        }
        publish();
    }

    /**
     * Applies a changed configuration by restarting the server, or refuses it.
     *
     * @param configuration the new settings
     */
    @Modified
    void modified(TransportConfiguration configuration) {
        TransportSettings next;
        ServerSecurity nextSecurity;
        try {
            next = TransportSettings.from(configuration, home);
            nextSecurity = ServerSecurity.load(next);
        } catch (IllegalArgumentException e) {
            LOG.error("Refused a change of configuration {}: {}; the server keeps running with {}", PID, e.getMessage(), settings);
            return;
        }
        if (next.equals(settings) && nextSecurity.sameAs(security)) {
            LOG.debug("Configuration {} applied again without a change", PID);
            return;
        }
        producers.configure(next.producerIdleExpiry(), next.producerMaxStreams());
        if (next.sameListener(settings) && nextSecurity.sameAs(security)) {
            settings = next;
            LOG.info("Configuration {} changed the idempotent producers' bounds: {}", PID, next);
            return;
        }
        LOG.info("Configuration {} changed; restarting the network server (open connections close) with {}", PID, next);
        NettyServer old = facade.server;
        facade.server = null;
        old.close();
        try {
            facade.server = NettyServer.start(broker, next, nextSecurity, producers, brokerVersion, true);
            settings = next;
            security = nextSecurity;
        } catch (IOException | RuntimeException e) {
            LOG.error("Refused a change of configuration {}: {}; restarting with the settings before, {}", PID, e.getMessage(), settings);
            try {
                facade.server = NettyServer.start(broker, settings, security, producers, brokerVersion, true);
            } catch (IOException | RuntimeException again) {
                LOG.error("The network server could not start again with its previous settings either: {}; it is stopped", again.getMessage());
                withdraw();
                return;
            }
        }
        publish();
    }

    /** Withdraws the service and port file, stops the server gracefully and saves the idempotent producers' state. */
    @Deactivate
    void deactivate() {
        withdraw();
        NettyServer server = facade.server;
        facade.server = null;
        if (server != null) {
            server.close();
        }
        saveProducers();
    }

    private void saveProducers() {
        Producers.Saved saved = producers.snapshot();
        try {
            ProducerStateFile.save(stateFile, saved);
            LOG.info("Saved the state of {} idempotent producer(s) ({} stream(s)) to {}", saved.producers().size(), saved.streamCount(),
                    stateFile);
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not save the idempotent producers' state to {}: {}; after the restart their ids get UNKNOWN_PRODUCER and"
                    + " messages in flight may be written twice", stateFile, e.toString());
        }
    }

    private void publish() {
        NettyServer server = facade.server;
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(TransportServer.PORT_PROPERTY, server.address().getPort());
        properties.put(TransportServer.HOST_PROPERTY, server.address().getAddress().getHostAddress());
        properties.put(TransportServer.TLS_PROPERTY, server.tlsEnabled());
        properties.put(TransportServer.IO_PROPERTY, server.transportName());
        if (registration == null) {
            registration = context.registerService(TransportServer.class, facade, properties);
        } else {
            registration.setProperties(properties);
        }
        try {
            Files.createDirectories(portFile.getParent());
            Path temporary = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(temporary, server.address().getPort() + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temporary, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, portFile, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Could not write the network port to {}: {}", portFile, e.toString());
        }
    }

    private void withdraw() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already unregistered by the framework
            }
            registration = null;
        }
        try {
            Files.deleteIfExists(portFile);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", portFile, e.toString());
        }
    }

    /** The registered service: the current server, whichever it is after restarts. */
    private static final class Facade implements TransportServer {
        volatile NettyServer server;

        private NettyServer current() {
            NettyServer now = server;
            if (now == null) {
                throw new IllegalStateException("the network server is restarting or stopped");
            }
            return now;
        }

        @Override
        public InetSocketAddress address() {
            return current().address();
        }

        @Override
        public boolean tlsEnabled() {
            return current().tlsEnabled();
        }

        @Override
        public int connectionCount() {
            NettyServer now = server;
            return now == null ? 0 : now.connectionCount();
        }
    }
}
