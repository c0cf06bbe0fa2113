package io.memorystreamer.client;

import io.memorystreamer.client.protocol.Protocol;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link MemoryStreamerClient} reaches its broker: address, identity, TLS, timeouts,
 * reconnection and limits. Built with {@link #builder()}; every setting has a default, so
 * {@code ClientConfig.builder().build()} reaches a broker on {@code 127.0.0.1:9510} without TLS.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder()
 *         .bootstrap("broker.example", 9510)
 *         .clientId("billing")
 *         .authToken(System.getenv("MS_TOKEN"))
 *         .tlsTrustStore(Path.of("truststore.p12"), "changeit".toCharArray())
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * <p>Immutable; any thread. The trust store password is copied when built.
 */
public final class ClientConfig {
    /** The broker's default port. */
    public static final int DEFAULT_PORT = 9510;
    /** The broker's default address: it binds to loopback unless told otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private final String host;
    private final int port;
    private final String clientId;
    private final String authToken;
    private final boolean tls;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final List<X509Certificate> trustedCertificates;
    private final boolean hostnameVerification;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration reconnectBackoffInitial;
    private final Duration reconnectBackoffMax;
    private final int maxInFlight;
    private final int maxFrameBytes;
    private final boolean nativeTransport;

    private ClientConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.clientId = b.clientId;
        this.authToken = b.authToken;
        this.tls = b.tls;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword == null ? null : b.trustStorePassword.clone();
        this.trustedCertificates = List.copyOf(b.trustedCertificates);
        this.hostnameVerification = b.hostnameVerification;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.reconnectBackoffInitial = b.reconnectBackoffInitial;
        this.reconnectBackoffMax = b.reconnectBackoffMax;
        this.maxInFlight = b.maxInFlight;
        this.maxFrameBytes = b.maxFrameBytes;
        this.nativeTransport = b.nativeTransport;
    }

    /** @return a builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the broker's host name or address (default {@value #DEFAULT_HOST}) */
    public String host() {
        return host;
    }

    /** @return the broker's port (default {@value #DEFAULT_PORT}) */
    public int port() {
        return port;
    }

    /** @return the name this client gives the broker in HELLO, for its logs */
    public String clientId() {
        return clientId;
    }

    /** @return the token sent in HELLO ("" for none) */
    public String authToken() {
        return authToken;
    }

    /** @return whether the connection uses TLS */
    public boolean tls() {
        return tls;
    }

    /** @return the PKCS12 trust store the broker's certificate is checked against, or null */
    public Path trustStore() {
        return trustStore;
    }

    /** @return a copy of the trust store's password, or null */
    public char[] trustStorePassword() {
        return trustStorePassword == null ? null : trustStorePassword.clone();
    }

    /** @return certificates trusted as they are (a self-signed broker certificate, a private CA) */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** @return whether TLS checks that the broker's certificate names {@link #host()} (default true) */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** @return how long {@link MemoryStreamerClient#connect} tries to open a session (TCP, TLS and handshake; default 10 s) */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return how long a request waits for its answer, counted from the call, before failing with {@link ClientException#TIMEOUT} (default 30 s) */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return the first pause before reconnecting after the connection is lost (default 100 ms) */
    public Duration reconnectBackoffInitial() {
        return reconnectBackoffInitial;
    }

    /** @return the longest pause between reconnection attempts; the pause doubles up to it (default 10 s) */
    public Duration reconnectBackoffMax() {
        return reconnectBackoffMax;
    }

    /** @return the most requests awaiting an answer on the connection; the broker's own limit applies too (default 1024) */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return the largest frame accepted from the broker before it announces its limit (default 16 MiB) */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** @return whether the native epoll transport is used when it is on the class path and works (default true) */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    @Override
    public String toString() {
        return "ClientConfig{" + host + ":" + port + ", clientId=" + clientId + ", authToken=" + (authToken.isEmpty() ? "none" : "set")
                + ", tls=" + tls + ", requestTimeout=" + requestTimeout + "}";
    }

    /**
     * Builds a {@link ClientConfig}. Not thread-safe; may build several.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String clientId = "memorystreamer-java";
        private String authToken = "";
        private boolean tls;
        private Path trustStore;
        private char[] trustStorePassword;
        private final List<X509Certificate> trustedCertificates = new ArrayList<>();
        private boolean hostnameVerification = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration reconnectBackoffInitial = Duration.ofMillis(100);
        private Duration reconnectBackoffMax = Duration.ofSeconds(10);
        private int maxInFlight = 1024;
        private int maxFrameBytes = Protocol.DEFAULT_MAX_FRAME_BYTES;
        private boolean nativeTransport = true;

        private Builder() {
        }

        /**
         * @param host the broker's host name or address
         * @param port its port, 1 to 65535
         * @return this builder
         */
        public Builder bootstrap(String host, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a port is 1 to 65535, not " + port);
            }
            this.host = requireText(host, "host");
            this.port = port;
            return this;
        }

        /**
         * @param clientId a name for this client in the broker's logs ("" for none)
         * @return this builder
         */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /**
         * @param token the token the broker requires, or null or "" for none
         * @return this builder
         */
        public Builder authToken(String token) {
            this.authToken = token == null ? "" : token;
            return this;
        }

        /**
         * Turns TLS on, trusting the JDK's default certificate authorities unless a trust store or
         * certificates are given too.
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Turns TLS on and checks the broker's certificate against a PKCS12 trust store.
         *
         * @param file the trust store
         * @param password its password, or null for none
         * @return this builder
         */
        public Builder tlsTrustStore(Path file, char[] password) {
            this.tls = true;
            this.trustStore = Objects.requireNonNull(file, "file");
            this.trustStorePassword = password == null ? null : password.clone();
            return this;
        }

        /**
         * Turns TLS on and trusts a certificate as it is (the broker's own self-signed certificate,
         * or the CA that signed it). May be called several times.
         *
         * @param certificate the certificate
         * @return this builder
         */
        public Builder tlsTrustCertificate(X509Certificate certificate) {
            this.tls = true;
            this.trustedCertificates.add(Objects.requireNonNull(certificate, "certificate"));
            return this;
        }

        /**
         * @param verify whether TLS checks that the broker's certificate names the host connected to
         *     (default true; turn it off only for tests)
         * @return this builder
         */
        public Builder tlsHostnameVerification(boolean verify) {
            this.hostnameVerification = verify;
            return this;
        }

        /**
         * @param timeout how long {@link MemoryStreamerClient#connect} tries to open a session, more than 0
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout how long a request waits for its answer, more than 0
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * @param initial the first pause before reconnecting, more than 0
         * @param max the longest pause, at least {@code initial}
         * @return this builder
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            positive(initial, "initial reconnect backoff");
            positive(max, "max reconnect backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("the longest reconnect pause " + max + " is shorter than the first " + initial);
            }
            this.reconnectBackoffInitial = initial;
            this.reconnectBackoffMax = max;
            return this;
        }

        /**
         * @param requests the most requests awaiting an answer on the connection, 1 or more
         * @return this builder
         */
        public Builder maxInFlight(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("maxInFlight is 1 or more, not " + requests);
            }
            this.maxInFlight = requests;
            return this;
        }

        /**
         * @param bytes the largest frame accepted from the broker until it announces its own limit,
         *     {@value Protocol#MIN_MAX_FRAME_BYTES} to {@value Protocol#MAX_MAX_FRAME_BYTES}
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < Protocol.MIN_MAX_FRAME_BYTES || bytes > Protocol.MAX_MAX_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes is " + Protocol.MIN_MAX_FRAME_BYTES + " to " + Protocol.MAX_MAX_FRAME_BYTES
                        + ", not " + bytes);
            }
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * @param use whether to use Netty's native epoll transport when it is on the class path and
         *     works (default true); NIO otherwise
         * @return this builder
         */
        public Builder nativeTransport(boolean use) {
            this.nativeTransport = use;
            return this;
        }

        /** @return the configuration */
        public ClientConfig build() {
            return new ClientConfig(this);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " is empty");
            }
            return value;
        }
    }

    static Duration positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is more than 0, not " + value);
        }
        return value;
    }
}
