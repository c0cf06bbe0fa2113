package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.Subscriptions;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TLS with a keystore made by the JDK's keytool, and a client that trusts its certificate. */
class TransportTlsTest extends TransportFixture {
    private static final String PASSWORD = "changeit-too";

    private Path keystore() throws Exception {
        Path file = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "memorystreamer", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool finishes");
        assertEquals(0, process.exitValue(), output);
        return file;
    }

    private static SslContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        X509Certificate certificate = (X509Certificate) store.getCertificate("memorystreamer");
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(certificate).build();
    }

    @Test
    void aClientTrustingTheServersCertificateTalksOverTls() throws Exception {
        Path keystore = keystore();
        start(s -> s.withTls(keystore, PASSWORD));
        assertTrue(server.tlsEnabled());
        TestClient client = connect(trusting(keystore), 0);
        Handshake.HelloOk ok = client.hello();
        assertEquals(1, ok.version());
        createTopic(client, "secure", 1, Durability.BATCH, 0);
        client.ok(produce("secure", List.of(Out.of("k", "over tls"))));
        client.ok(new Subscriptions.Subscribe(1, "secure", Subscriptions.Kind.TOPIC, "", Subscriptions.StartKind.EARLIEST, 0, 10));
        assertEquals("[k@0=over tls]", client.receive(1).toString());

        TestClient plain = connect();
        plain.send(new Handshake.Hello(1, 1, "plain", ""));
        plain.awaitClosed();

        TestClient untrusting = connect(SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build(), 0);
        untrusting.send(new Handshake.Hello(1, 1, "untrusting", ""));
        untrusting.awaitClosed();
        assertTrue(client.isOpen());
        client.ok(new FrameBody.Empty(Protocol.METADATA));
    }

    @Test
    void aKeystoreThatDoesNotOpenIsRefusedNamingItsKey() throws Exception {
        Path keystore = keystore();
        TransportSettings wrongPassword = TransportSettings.defaults().withTls(keystore, "wrong");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerSecurity.load(wrongPassword));
        assertTrue(e.getMessage().startsWith("tls.keystore.file = " + keystore), e.getMessage());
        TransportSettings missing = TransportSettings.defaults().withTls(dir.resolve("nope.p12"), PASSWORD);
        e = assertThrows(IllegalArgumentException.class, () -> ServerSecurity.load(missing));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }
}
