package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** FileInstall in the runtime: .cfg files become configurations, jars become started bundles. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class HotDeployTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin configAdmin;

    private Path watched() throws Exception {
        Path dir = Path.of(context.getProperty("felix.fileinstall.dir"));
        Files.createDirectories(dir);
        return dir;
    }

    /** Writes a file atomically, as an operator's editor or deploy tool should. */
    private static void writeAtomically(Path target, byte[] content) throws Exception {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Object value(String pid, String key) throws Exception {
        Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        return found == null ? null : found[0].getProperties().get(key);
    }

    @Test
    void cfgFileIsLoadedReloadedAndRemoved() throws Exception {
        Path cfg = watched().resolve("io.memorystreamer.itest.hot.cfg");
        writeAtomically(cfg, "greeting = hello\n".getBytes());
        Awaits.until(() -> value("io.memorystreamer.itest.hot", "greeting"), "hello"::equals, "the .cfg was never loaded");
        writeAtomically(cfg, "greeting = bonjour\n".getBytes());
        Awaits.until(() -> value("io.memorystreamer.itest.hot", "greeting"), "bonjour"::equals, "the change was never applied");
        Files.delete(cfg);
        Awaits.until(() -> configAdmin.listConfigurations("(service.pid=io.memorystreamer.itest.hot)") == null,
                Boolean.TRUE::equals, "deleting the .cfg never removed the configuration");
    }

    @Test
    void droppedJarStartsAndRemovedJarStops() throws Exception {
        Path jar = watched().resolve("itest-dropped.jar");
        writeAtomically(jar, TestBundles.bytes("io.memorystreamer.itest.dropped"));
        Bundle dropped = Awaits.until(() -> find("io.memorystreamer.itest.dropped"),
                bundle -> bundle != null && bundle.getState() == Bundle.ACTIVE, "the dropped jar never became active");
        assertEquals("1.0.0", dropped.getVersion().toString());
        Files.delete(jar);
        Awaits.until(() -> find("io.memorystreamer.itest.dropped"), bundle -> bundle == null, "the removed jar was never uninstalled");
    }

    private Bundle find(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        return null;
    }
}
