package io.memorystreamer.transport.internal;

import io.memorystreamer.client.protocol.Protocol;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * The server's settings, checked: each value in range, files named where the options need them.
 * Built from the configuration by {@link #from}, which refuses a bad value with an
 * {@link IllegalArgumentException} naming the configuration key and the reason; tests build one
 * from {@link #defaults()}. Reading the files (token, keystore) is {@link ServerSecurity}'s job.
 *
 * @param host the address to bind (a literal address or a host name)
 * @param port the TCP port, 0 for any free one
 * @param ioThreads event-loop threads
 * @param maxFrameBytes the largest length field either side may send
 * @param maxConnections the most open connections
 * @param maxInFlight the most requests one connection may have awaiting an answer
 * @param producerIdleExpiry how long an idle idempotent producer's state is kept
 * @param producerMaxStreams the most (producer, topic, key) sequence states kept
 * @param tlsEnabled whether connections speak TLS
 * @param keystoreFile the PKCS12 keystore (absolute), or null without TLS
 * @param keystorePassword its password ("" for none)
 * @param authTokenFile the token file (absolute), or null without authentication
 */
public record TransportSettings(String host, int port, int ioThreads, int maxFrameBytes, int maxConnections, int maxInFlight,
        Duration producerIdleExpiry, int producerMaxStreams, boolean tlsEnabled, Path keystoreFile, String keystorePassword,
        Path authTokenFile) {
    /** Loopback only, by default. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 9510;
    /** Event-loop threads by default: sized for a small machine. */
    public static final int DEFAULT_IO_THREADS = 2;
    /** The default frame limit (16 MiB). */
    public static final int DEFAULT_MAX_FRAME_BYTES = Protocol.DEFAULT_MAX_FRAME_BYTES;
    /** The default connection limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    /** The default in-flight limit per connection. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;
    /** The default idle expiry of an idempotent producer's state, as configured. */
    public static final String DEFAULT_PRODUCER_IDLE_EXPIRY = "10m";
    /** The default bound on tracked (producer, topic, key) states. */
    public static final int DEFAULT_PRODUCER_MAX_STREAMS = 100_000;

    /**
     * @param host host
     * @param port port
     * @param ioThreads threads
     * @param maxFrameBytes frame limit
     * @param maxConnections connection limit
     * @param maxInFlight in-flight limit
     * @param producerIdleExpiry producer expiry
     * @param producerMaxStreams tracked streams bound
     * @param tlsEnabled TLS
     * @param keystoreFile keystore or null
     * @param keystorePassword keystore password
     * @param authTokenFile token file or null
     * @throws IllegalArgumentException naming the key of the first bad value
     */
    public TransportSettings {
        require(host != null && !host.isBlank(), "host", host, "must name an address, such as 127.0.0.1");
        host = host.trim();
        require(port >= 0 && port <= 65535, "port", port, "must be from 0 to 65535");
        require(ioThreads >= 1 && ioThreads <= 64, "io.threads", ioThreads, "must be from 1 to 64");
        require(maxFrameBytes >= Protocol.MIN_MAX_FRAME_BYTES && maxFrameBytes <= Protocol.MAX_MAX_FRAME_BYTES, "max.frame.bytes",
                maxFrameBytes, "must be from " + Protocol.MIN_MAX_FRAME_BYTES + " to " + Protocol.MAX_MAX_FRAME_BYTES);
        require(maxConnections >= 1, "max.connections", maxConnections, "must be at least 1");
        require(maxInFlight >= 1, "max.in.flight", maxInFlight, "must be at least 1");
        Objects.requireNonNull(producerIdleExpiry, "producerIdleExpiry");
        require(producerIdleExpiry.compareTo(Duration.ofSeconds(1)) >= 0 && producerIdleExpiry.compareTo(Duration.ofDays(7)) <= 0,
                "producer.idle.expiry", producerIdleExpiry, "must be from 1s to 7d");
        require(producerMaxStreams >= 1000, "producer.max.streams", producerMaxStreams, "must be at least 1000");
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        require(!tlsEnabled || keystoreFile != null, "tls.keystore.file", "", "must name a PKCS12 keystore when tls.enabled is true");
    }

    /** @return the defaults: 127.0.0.1:9510, 2 I/O threads, 16 MiB frames, 1024 connections, 256 in flight, no TLS, no token */
    public static TransportSettings defaults() {
        return new TransportSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_IO_THREADS, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_IN_FLIGHT, Duration.ofMinutes(10), DEFAULT_PRODUCER_MAX_STREAMS, false, null, "", null);
    }

    /**
     * Checks a configuration and resolves its file names.
     *
     * @param c the configuration
     * @param home the directory relative file names are resolved against
     * @return the settings
     * @throws IllegalArgumentException naming the key of the first bad value and why
     */
    public static TransportSettings from(TransportConfiguration c, Path home) {
        Duration expiry = parseDuration("producer.idle.expiry", c.producer_idle_expiry());
        String host = c.host() == null ? "" : c.host().trim();
        if (!host.isEmpty()) {
            try {
                InetAddress.getByName(host);
            } catch (UnknownHostException | SecurityException e) {
                throw invalid("host", host, "is not an address of this machine nor a name that resolves (" + e.getMessage() + ")");
            }
        }
        return new TransportSettings(host, c.port(), c.io_threads(), c.max_frame_bytes(), c.max_connections(), c.max_in_flight(), expiry,
                c.producer_max_streams(), c.tls_enabled(), file(home, c.tls_keystore_file()), c.tls_keystore_password(),
                file(home, c.auth_token_file()));
    }

    private static Path file(Path home, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        Path path = Path.of(name.trim());
        return (path.isAbsolute() ? path : home.resolve(path)).toAbsolutePath().normalize();
    }

    /**
     * Parses a duration as people write it: a number with a unit ({@code 500ms}, {@code 90s},
     * {@code 10m}, {@code 1h}, {@code 2d}) or ISO-8601 ({@code PT10M}).
     *
     * @param key the configuration key, for the message
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException naming the key when it does not parse
     */
    static Duration parseDuration(String key, String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            int unitAt = 0;
            while (unitAt < value.length() && Character.isDigit(value.charAt(unitAt))) {
                unitAt++;
            }
            if (unitAt > 0 && unitAt < value.length()) {
                long amount = Long.parseLong(value.substring(0, unitAt));
                switch (value.substring(unitAt).trim()) {
                    case "ms":
                        return Duration.ofMillis(amount);
                    case "s":
                        return Duration.ofSeconds(amount);
                    case "m":
                    case "min":
                        return Duration.ofMinutes(amount);
                    case "h":
                        return Duration.ofHours(amount);
                    case "d":
                        return Duration.ofDays(amount);
                    default:
                        break;
                }
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw invalid(key, text, "is not a duration: write a number and a unit (500ms, 90s, 10m, 1h, 2d) or ISO-8601 (PT10M)");
    }

    private static void require(boolean condition, String key, Object value, String reason) {
        if (!condition) {
            throw invalid(key, value, reason);
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String reason) {
        return new IllegalArgumentException(key + " = " + value + ": " + reason);
    }

    /**
     * @param newPort the port
     * @return these settings with that port
     */
    public TransportSettings withPort(int newPort) {
        return new TransportSettings(host, newPort, ioThreads, maxFrameBytes, maxConnections, maxInFlight, producerIdleExpiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, authTokenFile);
    }

    /**
     * @param limit the connection limit
     * @return these settings with that limit
     */
    public TransportSettings withMaxConnections(int limit) {
        return new TransportSettings(host, port, ioThreads, maxFrameBytes, limit, maxInFlight, producerIdleExpiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, authTokenFile);
    }

    /**
     * @param limit the in-flight limit
     * @return these settings with that limit
     */
    public TransportSettings withMaxInFlight(int limit) {
        return new TransportSettings(host, port, ioThreads, maxFrameBytes, maxConnections, limit, producerIdleExpiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, authTokenFile);
    }

    /**
     * @param limit the frame limit
     * @return these settings with that limit
     */
    public TransportSettings withMaxFrameBytes(int limit) {
        return new TransportSettings(host, port, ioThreads, limit, maxConnections, maxInFlight, producerIdleExpiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, authTokenFile);
    }

    /**
     * @param expiry the idle expiry of producers
     * @return these settings with that expiry
     */
    public TransportSettings withProducerIdleExpiry(Duration expiry) {
        return new TransportSettings(host, port, ioThreads, maxFrameBytes, maxConnections, maxInFlight, expiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, authTokenFile);
    }

    /**
     * @param keystore the PKCS12 keystore
     * @param password its password
     * @return these settings with TLS on
     */
    public TransportSettings withTls(Path keystore, String password) {
        return new TransportSettings(host, port, ioThreads, maxFrameBytes, maxConnections, maxInFlight, producerIdleExpiry, producerMaxStreams,
                true, keystore, password, authTokenFile);
    }

    /**
     * @param tokenFile the token file, or null for no authentication
     * @return these settings with that token file
     */
    public TransportSettings withAuthTokenFile(Path tokenFile) {
        return new TransportSettings(host, port, ioThreads, maxFrameBytes, maxConnections, maxInFlight, producerIdleExpiry, producerMaxStreams,
                tlsEnabled, keystoreFile, keystorePassword, tokenFile);
    }

    /**
     * @param other other settings
     * @return whether both make the same server (they may differ in the idempotent producers' bounds only)
     */
    public boolean sameListener(TransportSettings other) {
        return host.equals(other.host) && port == other.port && ioThreads == other.ioThreads && maxFrameBytes == other.maxFrameBytes
                && maxConnections == other.maxConnections && maxInFlight == other.maxInFlight && tlsEnabled == other.tlsEnabled
                && Objects.equals(keystoreFile, other.keystoreFile) && keystorePassword.equals(other.keystorePassword)
                && Objects.equals(authTokenFile, other.authTokenFile);
    }

    @Override
    public String toString() {
        return "TransportSettings{" + host + ":" + port + ", io.threads=" + ioThreads + ", max.frame.bytes=" + maxFrameBytes
                + ", max.connections=" + maxConnections + ", max.in.flight=" + maxInFlight + ", producer.idle.expiry=" + producerIdleExpiry
                + ", producer.max.streams=" + producerMaxStreams + ", tls=" + (tlsEnabled ? keystoreFile : "off") + ", auth="
                + (authTokenFile == null ? "off" : authTokenFile) + "}";
    }
}
