package io.memorystreamer.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import io.memorystreamer.client.protocol.Leaks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a broker whose key pair {@code keytool -genkeypair} made for the test. */
class TlsTest {

    static {
        Leaks.install();
    }

    @org.junit.jupiter.api.BeforeAll
    static void forgetEarlierLeaks() {
        Leaks.clear();
    }

    @org.junit.jupiter.api.AfterAll
    static void nothingLeaked() throws InterruptedException {
        List<String> leaks = Leaks.collect();
        org.junit.jupiter.api.Assertions.assertTrue(leaks.isEmpty(), "Netty reported leaks: " + leaks);
    }
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static Path serverStore;
    private static Path trustStore;
    private static X509Certificate certificate;
    private static FakeBroker broker;

    @BeforeAll
    static void makeKeysAndStart() throws Exception {
        serverStore = dir.resolve("broker.p12");
        trustStore = dir.resolve("trust.p12");
        Path pem = dir.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", serverStore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "broker", "-file", pem.toString(), "-keystore", serverStore.toString(), "-storepass", "changeit");
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", pem.toString(), "-storetype", "PKCS12", "-keystore", trustStore.toString(),
                "-storepass", "changeit");
        try (InputStream in = Files.newInputStream(pem)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SslContext ssl = SslContextBuilder.forServer(factory).build();
        broker = new FakeBroker(ssl);
        broker.requiredToken = "t0ken";
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, process.exitValue(), "keytool " + String.join(" ", args) + ": " + output);
    }

    @Test
    void connectsTrustingAPkcs12TrustStoreAndSendsTheToken() {
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().tlsTrustStore(trustStore, PASSWORD).authToken("t0ken").build())) {
            assertEquals("fake-1.0", client.admin().metadata().brokerVersion());
            assertEquals("t0ken", broker.hellos.get(broker.hellos.size() - 1).authToken());
        }
    }

    @Test
    void connectsTrustingTheCertificateItself() {
        try (MemoryStreamerClient client = MemoryStreamerClient.connect(broker.config().tlsTrustCertificate(certificate).authToken("t0ken").build())) {
            assertEquals(0, client.admin().listTopics().size());
        }
    }

    @Test
    void aBrokerCertificateNobodyTrustsFailsTheConnect() {
        long start = System.nanoTime();
        ClientException e = assertThrows(ClientException.class, () -> MemoryStreamerClient.connect(broker.config().tls().authToken("t0ken").build()));
        assertEquals(ClientException.CONNECT_FAILED, e.code());
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "at once, not after the connect timeout");
    }

    @Test
    void aPlainClientCannotTalkToATlsBroker() {
        ClientException e = assertThrows(ClientException.class,
                () -> MemoryStreamerClient.connect(broker.config().connectTimeout(Duration.ofMillis(500)).authToken("t0ken").build()));
        assertEquals(ClientException.CONNECT_FAILED, e.code());
    }

    @Test
    void aMissingTokenIsRefusedOverTlsToo() {
        ClientException e = assertThrows(ClientException.class, () -> MemoryStreamerClient.connect(broker.config().tlsTrustCertificate(certificate).build()));
        assertEquals(104, e.code());
    }
}
