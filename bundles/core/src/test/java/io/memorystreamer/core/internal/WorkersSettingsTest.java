package io.memorystreamer.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.core.work.Tier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tests of the parsing and validation of PID {@value WorkersSettings#PID}. */
class WorkersSettingsTest {
    @Test
    void defaultsApplyToMissingKeysAndFrameworkKeysAreIgnored() {
        WorkersSettings s = WorkersSettings.parse(Map.of("service.pid", WorkersSettings.PID,
                "component.name", "io.memorystreamer.core", "component.id", 3L));
        for (Tier tier : Tier.values()) {
            assertEquals(1, s.threads(tier));
            assertEquals(0, s.cpus(tier).length);
        }
        assertEquals(1024, s.queueCapacity());
        assertEquals(Duration.ofSeconds(5), s.stallThreshold());
        assertEquals(Duration.ofSeconds(60), s.backgroundStallThreshold());
        assertEquals(Duration.ofSeconds(5), s.shutdownTimeout());
        assertTrue(s.unknownKeys().isEmpty());
    }

    @Test
    void readsNumbersAndTextAsCfgFilesGiveThem() {
        Map<String, Object> p = new HashMap<>();
        p.put("critical.threads", 2);
        p.put("messagePath.threads", "3");
        p.put("delivery.threads", 4L);
        p.put("background.threads", " 1 ");
        p.put("queue.capacity", "4096");
        p.put("stall.threshold.ms", 250L);
        p.put("background.stall.threshold.ms", "120000");
        p.put("shutdown.timeout.ms", 1000);
        p.put("critical.cpus", "0");
        p.put("delivery.cpus", new String[] {"0"});
        p.put("background.cpus", "");
        p.put("critcal.threads", "2");
        WorkersSettings s = WorkersSettings.parse(p);
        assertEquals(2, s.threads(Tier.CRITICAL));
        assertEquals(3, s.threads(Tier.MESSAGE_PATH));
        assertEquals(4, s.threads(Tier.DELIVERY));
        assertEquals(1, s.threads(Tier.BACKGROUND));
        assertEquals(4096, s.queueCapacity());
        assertEquals(Duration.ofMillis(250), s.stallThreshold());
        assertEquals(Duration.ofMinutes(2), s.backgroundStallThreshold());
        assertEquals(Duration.ofSeconds(1), s.shutdownTimeout());
        assertArrayEquals(new int[] {0}, s.cpus(Tier.CRITICAL));
        assertArrayEquals(new int[] {0}, s.cpus(Tier.DELIVERY));
        assertArrayEquals(new int[0], s.cpus(Tier.BACKGROUND));
        assertEquals(List.of("critcal.threads"), s.unknownKeys(), "a typo is reported");
        assertTrue(s.toString().contains("queue.capacity=4096"), s.toString());
    }

    @Test
    void everyBadValueIsRefusedNamingItsKey() {
        assertInvalid("queue.capacity", 1000, "power of two");
        assertInvalid("queue.capacity", "lots", "whole number");
        assertInvalid("queue.capacity", 1, "from 2 to");
        assertInvalid("critical.threads", 0, "from 1 to 256");
        assertInvalid("messagePath.threads", "-2", "from 1 to 256");
        assertInvalid("delivery.threads", 1.5d, "whole number");
        assertInvalid("background.threads", 1000, "from 1 to 256");
        assertInvalid("stall.threshold.ms", 0, "from 1");
        assertInvalid("background.stall.threshold.ms", "soon", "whole number");
        assertInvalid("shutdown.timeout.ms", -1, "from 1");
        assertInvalid("critical.cpus", "0-", "CPU list");
        assertInvalid("messagePath.cpus", "4096", "CPU this machine does not have");
        assertInvalid("delivery.cpus", Boolean.TRUE, "CPU list");
    }

    @Test
    void samePoolsIgnoresOnlyTheDefaultStallThreshold() {
        WorkersSettings a = WorkersSettings.parse(Map.of());
        assertTrue(a.samePools(WorkersSettings.parse(Map.of("stall.threshold.ms", 10))));
        assertFalse(a.samePools(WorkersSettings.parse(Map.of("delivery.threads", 2))));
        assertFalse(a.samePools(WorkersSettings.parse(Map.of("queue.capacity", 64))));
        assertFalse(a.samePools(WorkersSettings.parse(Map.of("critical.cpus", "0"))));
    }

    private static void assertInvalid(String key, Object value, String expected) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> WorkersSettings.parse(Map.of(key, value)), key);
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(WorkersSettings.PID), e.getMessage());
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
