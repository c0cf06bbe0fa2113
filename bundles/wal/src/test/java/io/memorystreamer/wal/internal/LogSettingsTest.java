package io.memorystreamer.wal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.Durability;
import io.memorystreamer.wal.LogConfig;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
    private static final Path DATA = Path.of("/srv/ms/data");
    private static final String PID = LogSettings.FACTORY_PID + "~orders";

    private static Map<String, Object> properties(Object... pairs) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", PID);
        properties.put("service.factoryPid", LogSettings.FACTORY_PID);
        properties.put("component.name", LogSettings.FACTORY_PID);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            properties.put((String) pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    private static String refusal(Object... pairs) {
        return assertThrows(InvalidLogSettingException.class, () -> LogSettings.parse(properties(pairs), DATA)).getMessage();
    }

    @Test
    void defaultsComeFromTheConfigurationNameAndTheDataDirectory() {
        LogSettings settings = LogSettings.parse(properties(), DATA);
        assertEquals("orders", settings.name());
        assertEquals(Path.of("/srv/ms/data/wal/orders"), settings.directory());
        assertEquals(Durability.BATCH, settings.durability());
        assertNull(settings.maxRecordSize());
        assertNull(settings.retentionAge());
        assertTrue(settings.preallocate());
        assertTrue(settings.unknownKeys().isEmpty());
    }

    @Test
    void metatypeDefaultsAreTheLogsDefaults() throws Exception {
        LogConfig defaults = LogConfig.builder(DATA).build();
        assertEquals(defaults.segmentSize(), defaultOf("segment_size"));
        assertEquals(defaults.maxRecordSize(), defaultOf("max_record_size"));
        assertEquals(defaults.flushBytes(), defaultOf("flush_bytes"));
        assertEquals(defaults.flushInterval().toMillis(), defaultOf("flush_interval_ms"));
        assertEquals(defaults.maxUnflushedBytes(), defaultOf("max_unflushed_bytes"));
        assertEquals(defaults.durability().name(), defaultOf("durability"));
        assertEquals(defaults.preallocate(), defaultOf("preallocate"));
        assertNull(defaults.retentionAge());
        assertEquals(0L, defaultOf("retention_age_ms"));
        assertEquals(defaults.retentionBytes(), defaultOf("retention_bytes"));
    }

    private static Object defaultOf(String method) throws NoSuchMethodException {
        Method attribute = LogConfiguration.class.getMethod(method);
        return attribute.getDefaultValue();
    }

    @Test
    void readsTextAsACfgFileGivesIt() {
        LogSettings settings = LogSettings.parse(properties("name", "audit", "directory", "logs/audit", "durability", "sync",
                "segment.size", "65536", "max.record.size", "4096", "flush.bytes", " 8192 ", "flush.interval.ms", "20",
                "max.unflushed.bytes", "1048576", "retention.age.ms", "3600000", "retention.bytes", "10485760",
                "preallocate", "false"), DATA);
        assertEquals("audit", settings.name());
        assertEquals(Path.of("/srv/ms/data/logs/audit"), settings.directory());
        assertEquals(Durability.SYNC, settings.durability());
        assertEquals(65536, settings.segmentSize());
        assertEquals(4096, settings.maxRecordSize());
        assertEquals(8192, settings.flushBytes());
        assertEquals(Duration.ofMillis(20), settings.flushInterval());
        assertEquals(Duration.ofHours(1), settings.retentionAge());
        assertEquals(10485760, settings.retentionBytes());
        assertFalse(settings.preallocate());
        LogConfig config = settings.logConfig();
        assertEquals("audit", config.name());
        assertEquals(4096, config.maxRecordSize());
    }

    @Test
    void compressionIsOffByDefaultAndLz4IsChosenByName() {
        assertEquals(io.memorystreamer.wal.Compression.NONE, LogSettings.parse(properties(), DATA).logConfig().compression());
        assertEquals(io.memorystreamer.wal.Compression.LZ4,
                LogSettings.parse(properties("compression", "lz4"), DATA).logConfig().compression());
        InvalidLogSettingException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidLogSettingException.class,
                () -> LogSettings.parse(properties("compression", "zip"), DATA));
        assertTrue(e.getMessage().contains("'compression'") && e.getMessage().contains("NONE or LZ4"), e.getMessage());
    }

    @Test
    void absoluteDirectoryStaysAndNumbersMayBeTyped() {
        LogSettings settings = LogSettings.parse(properties("directory", "/var/lib/wal/x/../orders", "segment.size", 131072,
                "flush.bytes", 1L), DATA);
        assertEquals(Path.of("/var/lib/wal/orders"), settings.directory());
        assertEquals(131072, settings.segmentSize());
        assertEquals(65536 * 2, settings.logConfig().segmentSize());
        assertEquals(65536 * 2, settings.logConfig().maxRecordSize(), "the default largest record is capped by the segment");
    }

    @Test
    void nameFallsBackToTheFileInstallFileName() {
        Map<String, Object> properties = properties();
        properties.put("service.pid", LogSettings.FACTORY_PID + ".3f2a");
        properties.put("felix.fileinstall.filename", "file:/opt/ms/conf/io.memorystreamer.wal.log-audit.cfg");
        assertEquals("audit", LogSettings.parse(properties, DATA).name());
        properties.remove("felix.fileinstall.filename");
        String message = assertThrows(InvalidLogSettingException.class, () -> LogSettings.parse(properties, DATA)).getMessage();
        assertTrue(message.contains("'name' is required"), message);
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertEquals("Invalid configuration " + PID + ": 'segment.size' = '100' must be from 65536 to 1073741824",
                refusal("segment.size", "100"));
        assertTrue(refusal("segment.size", "65540").contains("'segment.size' = '65540' must be a multiple of 16"));
        assertTrue(refusal("segment.size", "64k").contains("'segment.size' = '64k' is not a whole number"));
        assertTrue(refusal("durability", "always").contains("'durability' = 'always' must be NONE, BATCH or SYNC"));
        assertTrue(refusal("flush.interval.ms", "0").contains("'flush.interval.ms' = '0' must be from 1 to 86400000"));
        assertTrue(refusal("flush.bytes", 1.5).contains("'flush.bytes' = '1.5' must be a whole number, not a Double"));
        assertTrue(refusal("retention.bytes", "-1").contains("'retention.bytes' = '-1' must be at least 0"));
        assertTrue(refusal("preallocate", "yes").contains("'preallocate' = 'yes' must be true or false"));
        assertTrue(refusal("name", "../etc").contains("'name' = '../etc' must be 1 to 100 letters"));
    }

    @Test
    void checksAcrossSettingsNameOurKeys() {
        String message = refusal("segment.size", "65536", "max.record.size", "131072");
        assertEquals("Invalid configuration " + PID + ": 'max.record.size' must be from 64 to 'segment.size' (65536), not 131072",
                message);
        message = refusal("max.record.size", "1048576", "max.unflushed.bytes", "1000");
        assertTrue(message.contains("'max.unflushed.bytes' must be at least 'max.record.size' (1048576), not 1000"), message);
    }

    @Test
    void unknownKeysAreKeptForAWarningAndDoNotChangeTheLog() {
        LogSettings settings = LogSettings.parse(properties("segment.sise", "65536", "felix.fileinstall.filename", "x.cfg"), DATA);
        assertEquals(List.of("segment.sise"), settings.unknownKeys());
        assertEquals(LogSettings.parse(properties(), DATA).withoutUnknownKeys(), settings.withoutUnknownKeys());
    }
}
