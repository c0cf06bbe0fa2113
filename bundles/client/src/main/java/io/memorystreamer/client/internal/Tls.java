package io.memorystreamer.client.internal;

import io.memorystreamer.client.ClientConfig;
import io.memorystreamer.client.ClientException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Builds the client's TLS context from its configuration: the JDK's TLS engine, trusting the
 * certificates of a PKCS12 trust store, certificates given as they are, or else the JDK's default
 * authorities; with host-name verification (HTTPS rules) unless turned off. Stateless; any thread.
 */
public final class Tls {
    private Tls() {
    }

    /**
     * @param config the client's configuration
     * @return the context, or null when TLS is off
     * @throws ClientException {@link ClientException#INVALID_ARGUMENT} when the trust store cannot be read
     */
    public static SslContext clientContext(ClientConfig config) {
        if (!config.tls()) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .endpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null)
                    .protocols("TLSv1.3", "TLSv1.2");
            if (config.trustStore() != null || !config.trustedCertificates().isEmpty()) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                if (config.trustStore() != null) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    try (InputStream in = Files.newInputStream(config.trustStore())) {
                        store.load(in, config.trustStorePassword());
                    }
                    int n = 0;
                    for (String alias : java.util.Collections.list(store.aliases())) {
                        java.security.cert.Certificate certificate = store.getCertificate(alias);
                        if (certificate != null) {
                            trusted.setCertificateEntry("store-" + n++, certificate);
                        }
                    }
                    if (n == 0) {
                        throw new ClientException(ClientException.INVALID_ARGUMENT, "the trust store " + config.trustStore() + " holds no certificate");
                    }
                }
                int n = 0;
                for (X509Certificate certificate : config.trustedCertificates()) {
                    trusted.setCertificateEntry("given-" + n++, certificate);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                builder.trustManager(factory);
            }
            return builder.build();
        } catch (SSLException e) {
            throw new ClientException(ClientException.INVALID_ARGUMENT, "cannot set up TLS: " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new ClientException(ClientException.INVALID_ARGUMENT, "cannot read the trust store " + config.trustStore() + ": " + e.getMessage(), e);
        }
    }
}
