package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/** ms:config over the real ConfigAdmin. */
@ExtendWith(ServiceExtension.class)
class ConfigCommandTest {

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    @Test
    void showsCurrentValuesAndFollowsUpdates() throws Exception {
        Configuration configuration = configAdmin.getConfiguration("io.memorystreamer.itest.sample", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("retention.ms", 60_000L);
        properties.put("name", "orders");
        configuration.update(properties);
        try (Gogo gogo = new Gogo(processor)) {
            String text = gogo.print("ms:config io.memorystreamer.itest.sample");
            assertTrue(text.contains("PID:     io.memorystreamer.itest.sample"), text);
            assertTrue(text.contains("retention.ms = 60000"), text);
            assertTrue(text.contains("source:  (set at run time)"), text);

            properties.put("retention.ms", 120_000L);
            configuration.update(properties);
            assertEquals("120000", gogo.execute("(ms:config io.memorystreamer.itest.sample) get retention.ms"));

            assertTrue(gogo.print("ms:config").contains("io.memorystreamer.itest.sample"));
        } finally {
            configuration.delete();
        }
    }

    @Test
    void unknownPidIsAClearError() {
        try (Gogo gogo = new Gogo(processor)) {
            Exception e = assertThrows(Exception.class, () -> gogo.execute("ms:config no.such.pid"));
            assertTrue(e.getMessage().contains("no configuration with PID 'no.such.pid'"), e.getMessage());
        }
    }
}
