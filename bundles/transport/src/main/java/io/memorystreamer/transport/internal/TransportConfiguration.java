package io.memorystreamer.transport.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The network server's settings (PID {@value TransportComponent#PID}, file
 * {@code conf/io.memorystreamer.transport.cfg}, optional), declared for Metatype. A change restarts
 * the server (its connections are closed; clients reconnect); an invalid change is refused with a
 * message naming the key and the reason, and the running server keeps its settings.
 * {@link TransportSettings#from} checks every value.
 *
 * <p>Threading: an annotation type, immutable. Property names follow the OSGi mapping of method
 * names: {@code max_frame_bytes} is the key {@code max.frame.bytes}.
 */
@ObjectClassDefinition(id = TransportComponent.PID, name = "MemoryStreamer network transport",
        description = "Where the wire-protocol server listens, its limits, TLS and authentication. A change restarts the server.")
public @interface TransportConfiguration {
    /** @return the interface address to bind */
    @AttributeDefinition(name = "Host",
            description = "The address to listen on. 127.0.0.1 (loopback only) by default; 0.0.0.0 or an interface's address exposes"
                    + " the broker to the network, which is a deliberate choice.")
    String host() default TransportSettings.DEFAULT_HOST;

    /** @return the TCP port */
    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "The TCP port; 0 picks a free one. The bound port is published in data/transport.port.")
    int port() default TransportSettings.DEFAULT_PORT;

    /** @return event-loop threads */
    @AttributeDefinition(name = "I/O threads", min = "1", max = "64",
            description = "Event-loop threads that read, decode and write every connection (each connection stays on one).")
    int io_threads() default TransportSettings.DEFAULT_IO_THREADS;

    /** @return the largest frame */
    @AttributeDefinition(name = "Maximum frame size", min = "1048576", max = "1073741824",
            description = "The largest frame, in bytes of its length field, either side may send (announced in HELLO_OK).")
    int max_frame_bytes() default TransportSettings.DEFAULT_MAX_FRAME_BYTES;

    /** @return the most connections */
    @AttributeDefinition(name = "Maximum connections", min = "1",
            description = "Connections beyond this are answered TOO_MANY_CONNECTIONS and closed.")
    int max_connections() default TransportSettings.DEFAULT_MAX_CONNECTIONS;

    /** @return the most requests awaiting an answer per connection */
    @AttributeDefinition(name = "Maximum requests in flight", min = "1",
            description = "Requests one connection may have awaiting an answer (CREDIT excluded); more are refused with TOO_MANY_IN_FLIGHT.")
    int max_in_flight() default TransportSettings.DEFAULT_MAX_IN_FLIGHT;

    /** @return how long an idle idempotent producer's state is kept */
    @AttributeDefinition(name = "Idempotent producer expiry",
            description = "How long the sequence numbers of an idempotent producer are kept after its last PRODUCE, such as 10m, 90s,"
                    + " 1h or PT10M. A producer forgotten is told UNKNOWN_PRODUCER and starts again with a new id.")
    String producer_idle_expiry() default TransportSettings.DEFAULT_PRODUCER_IDLE_EXPIRY;

    /** @return the most streams whose sequences are tracked */
    @AttributeDefinition(name = "Idempotent streams tracked", min = "1000",
            description = "The most (producer, topic, stream key) sequence states kept, about 250 bytes each; beyond it the least"
                    + " recently used producers are forgotten (told UNKNOWN_PRODUCER).")
    int producer_max_streams() default TransportSettings.DEFAULT_PRODUCER_MAX_STREAMS;

    /** @return whether connections speak TLS */
    @AttributeDefinition(name = "TLS", description = "Every connection speaks TLS, with the certificate of the keystore below.")
    boolean tls_enabled() default false;

    /** @return the PKCS12 keystore */
    @AttributeDefinition(name = "TLS keystore", required = false,
            description = "A PKCS12 file holding the server's private key and certificate chain (a path relative to ms.home).")
    String tls_keystore_file() default "";

    /** @return the keystore's password */
    @AttributeDefinition(name = "TLS keystore password", type = AttributeType.PASSWORD, required = false,
            description = "The password of the keystore and of its key.")
    String tls_keystore_password() default "";

    /** @return the token file */
    @AttributeDefinition(name = "Authentication token file", required = false,
            description = "When set, HELLO must carry exactly the token this file holds (its first line, trimmed); other connections are"
                    + " answered NOT_AUTHENTICATED and closed. A path relative to ms.home.")
    String auth_token_file() default "";
}
