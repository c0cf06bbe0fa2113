package io.memorystreamer.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration's checks: defaults, every key refused with its name and reason, durations, files. */
class TransportSettingsTest {
    @TempDir
    Path home;

    /** A configuration as SCR would hand it over: the defaults of the annotation, with some values changed. */
    private static TransportConfiguration configuration(Map<String, Object> values) {
        return (TransportConfiguration) Proxy.newProxyInstance(TransportConfiguration.class.getClassLoader(),
                new Class<?>[] {TransportConfiguration.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getName().equals("annotationType")) {
                        return TransportConfiguration.class;
                    }
                    return method.getDefaultValue();
                });
    }

    private TransportSettings settings(String key, Object value) {
        Map<String, Object> values = new HashMap<>();
        values.put(key, value);
        return TransportSettings.from(configuration(values), home);
    }

    @Test
    void theDefaultsListenOnLoopbackWithTheDocumentedLimits() {
        TransportSettings settings = TransportSettings.from(configuration(Map.of()), home);
        assertEquals("127.0.0.1", settings.host());
        assertEquals(9510, settings.port());
        assertEquals(2, settings.ioThreads());
        assertEquals(16 * 1024 * 1024, settings.maxFrameBytes());
        assertEquals(1024, settings.maxConnections());
        assertEquals(256, settings.maxInFlight());
        assertEquals(Duration.ofMinutes(10), settings.producerIdleExpiry());
        assertEquals(false, settings.tlsEnabled());
        assertNull(settings.authTokenFile());
        assertEquals(settings, TransportSettings.defaults());
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() {
        String[][] cases = {
            {"port", "70000", "port = 70000: must be from 0 to 65535"},
            {"io_threads", "0", "io.threads = 0: must be from 1 to 64"},
            {"max_frame_bytes", "1000", "max.frame.bytes = 1000: must be from 1048576 to 1073741824"},
            {"max_connections", "0", "max.connections = 0: must be at least 1"},
            {"max_in_flight", "-3", "max.in.flight = -3: must be at least 1"},
            {"max_in_flight", "0", "max.in.flight = 0: must be at least 1"},
            {"producer_max_streams", "5", "producer.max.streams = 5: must be at least 1000"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(c[0], Integer.parseInt(c[1])));
            assertEquals(c[2], e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("producer_idle_expiry", "soon")).getMessage()
                .startsWith("producer.idle.expiry = soon: is not a duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("producer_idle_expiry", "10d")).getMessage()
                .startsWith("producer.idle.expiry = PT240H: must be from 1s to 7d"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings("host", "no-such-host.invalid")).getMessage()
                .startsWith("host = no-such-host.invalid:"));
        assertEquals("tls.keystore.file = : must name a PKCS12 keystore when tls.enabled is true",
                assertThrows(IllegalArgumentException.class, () -> settings("tls_enabled", true)).getMessage());
    }

    @Test
    void durationsAsPeopleWriteThem() {
        assertEquals(Duration.ofMillis(500), TransportSettings.parseDuration("k", "500ms"));
        assertEquals(Duration.ofSeconds(90), TransportSettings.parseDuration("k", "90s"));
        assertEquals(Duration.ofMinutes(10), TransportSettings.parseDuration("k", " 10m "));
        assertEquals(Duration.ofHours(1), TransportSettings.parseDuration("k", "1h"));
        assertEquals(Duration.ofDays(2), TransportSettings.parseDuration("k", "2d"));
        assertEquals(Duration.ofMinutes(10), TransportSettings.parseDuration("k", "PT10M"));
        assertThrows(IllegalArgumentException.class, () -> TransportSettings.parseDuration("k", "600"));
    }

    @Test
    void relativeFilesResolveAgainstTheHomeAndTokenFilesAreRead() throws Exception {
        Files.writeString(home.resolve("token.txt"), "  abc  \nsecond line ignored\n");
        TransportSettings settings = settings("auth_token_file", "token.txt");
        assertEquals(home.resolve("token.txt").toAbsolutePath().normalize(), settings.authTokenFile());
        ServerSecurity security = ServerSecurity.load(settings);
        assertTrue(security.tokenRequired());
        assertTrue(security.accepts("abc"));
        assertTrue(!security.accepts("abc ") && !security.accepts("") && !security.accepts("ab"));
        assertTrue(security.sameAs(ServerSecurity.load(settings)));
        Files.writeString(home.resolve("empty.txt"), "\n");
        assertEquals("auth.token.file = " + home.resolve("empty.txt") + ": holds no token (its first line is empty)",
                assertThrows(IllegalArgumentException.class, () -> ServerSecurity.load(settings("auth_token_file", "empty.txt"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerSecurity.load(settings("auth_token_file", "missing.txt")))
                .getMessage().contains("cannot be read"));
        ServerSecurity none = ServerSecurity.load(TransportSettings.defaults());
        assertTrue(!none.tokenRequired() && none.accepts("anything") && !none.tls());
    }
}
