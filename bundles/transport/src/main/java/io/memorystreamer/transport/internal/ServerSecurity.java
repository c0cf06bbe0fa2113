package io.memorystreamer.transport.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;

/**
 * What the settings' files hold, read once when the settings are applied: the TLS context built
 * from the PKCS12 keystore, and the digest of the authentication token. A token is checked by
 * comparing SHA-256 digests with {@link MessageDigest#isEqual} (constant time, and the token's
 * length does not show either). The token file is read again only when the configuration is
 * applied again.
 *
 * <p>Immutable; any thread.
 */
final class ServerSecurity {
    private final SslContext sslContext;
    private final byte[] tokenDigest;
    private final byte[] fingerprint;

    private ServerSecurity(SslContext sslContext, byte[] tokenDigest, byte[] fingerprint) {
        this.sslContext = sslContext;
        this.tokenDigest = tokenDigest;
        this.fingerprint = fingerprint;
    }

    /**
     * Reads the files the settings name.
     *
     * @param settings the checked settings
     * @return what they hold
     * @throws IllegalArgumentException naming the key whose file cannot be used, and why
     */
    static ServerSecurity load(TransportSettings settings) {
        MessageDigest all = sha256();
        byte[] tokenDigest = null;
        if (settings.authTokenFile() != null) {
            String token = readToken(settings.authTokenFile());
            tokenDigest = sha256().digest(token.getBytes(StandardCharsets.UTF_8));
            all.update(tokenDigest);
        }
        SslContext context = null;
        if (settings.tlsEnabled()) {
            byte[] keystore = readKeystore(settings.keystoreFile());
            all.update(keystore);
            all.update(settings.keystorePassword().getBytes(StandardCharsets.UTF_8));
            context = sslContext(settings.keystoreFile(), keystore, settings.keystorePassword().toCharArray());
        }
        return new ServerSecurity(context, tokenDigest, all.digest());
    }

    private static String readToken(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("auth.token.file = " + file + ": cannot be read (" + e + ")", e);
        }
        int newline = text.indexOf('\n');
        String token = (newline < 0 ? text : text.substring(0, newline)).trim();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("auth.token.file = " + file + ": holds no token (its first line is empty)");
        }
        if (token.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
            throw new IllegalArgumentException("auth.token.file = " + file + ": the token is longer than a protocol string (65535 bytes)");
        }
        return token;
    }

    private static byte[] readKeystore(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("tls.keystore.file = " + file + ": cannot be read (" + e + ")", e);
        }
    }

    private static SslContext sslContext(Path file, byte[] bytes, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                store.load(in, password);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            return SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("tls.keystore.file = " + file + ": is not a PKCS12 keystore with a private key that"
                    + " tls.keystore.password opens (" + e.getMessage() + ")", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** @return whether HELLO must carry a token */
    boolean tokenRequired() {
        return tokenDigest != null;
    }

    /**
     * @param token the token a HELLO carried
     * @return whether it is the configured one (always true without authentication)
     */
    boolean accepts(String token) {
        if (tokenDigest == null) {
            return true;
        }
        byte[] digest = sha256().digest(token.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, tokenDigest);
    }

    /** @return whether connections speak TLS */
    boolean tls() {
        return sslContext != null;
    }

    /**
     * @param allocator the channel's allocator
     * @return a new TLS handler for a server-side connection
     * @throws IllegalStateException without TLS
     */
    SslHandler newHandler(ByteBufAllocator allocator) {
        if (sslContext == null) {
            throw new IllegalStateException("TLS is off");
        }
        return sslContext.newHandler(allocator);
    }

    /**
     * @param other security read from another application of the configuration
     * @return whether both hold the same token and keystore (so the server need not restart)
     */
    boolean sameAs(ServerSecurity other) {
        return other != null && MessageDigest.isEqual(fingerprint, other.fingerprint);
    }
}
