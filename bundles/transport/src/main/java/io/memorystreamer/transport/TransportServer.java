package io.memorystreamer.transport;

import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running network server: registered as an OSGi service once its port is bound, with the
 * service properties {@value #PORT_PROPERTY}, {@value #HOST_PROPERTY}, {@value #TLS_PROPERTY} and {@value #IO_PROPERTY},
 * and withdrawn when it stops. When a configuration change restarts the server, the properties
 * are updated in place.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface TransportServer {
    /** Service property: the bound TCP port (an {@code Integer}; the real one when configured as 0). */
    String PORT_PROPERTY = "transport.port";
    /** Service property: the bound host address, such as {@code 127.0.0.1} (a {@code String}). */
    String HOST_PROPERTY = "transport.host";
    /** Service property: whether connections speak TLS (a {@code Boolean}). */
    String TLS_PROPERTY = "transport.tls";
    /** Service property: the Netty transport the server runs on, {@code epoll} or {@code nio} (a {@code String}). */
    String IO_PROPERTY = "transport.io";
    /** The file, in the data directory, to which the server writes its bound port (one line). */
    String PORT_FILE = "transport.port";

    /** @return the address the server listens on, with the bound port */
    InetSocketAddress address();

    /** @return whether connections speak TLS */
    boolean tlsEnabled();

    /** @return how many client connections are open now */
    int connectionCount();
}
