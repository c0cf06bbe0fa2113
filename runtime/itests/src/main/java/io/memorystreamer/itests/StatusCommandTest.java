package io.memorystreamer.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** ms:status in a real framework: every bundle of the profile active, health readable, problems explained. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class StatusCommandTest {

    @InjectService(timeout = 10_000)
    CommandProcessor processor;

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleOfTheProfileIsActive() {
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getHeaders().get("Fragment-Host") == null) {
                assertEquals(Bundle.ACTIVE, bundle.getState(), bundle.getSymbolicName() + " is not active");
            }
        }
    }

    @Test
    void statusIsReadyAndShowsVersionAndHealth() throws Exception {
        try (Gogo gogo = new Gogo(processor)) {
            assertEquals(Boolean.TRUE, Awaits.until(() -> gogo.execute("(ms:status) healthy"), Boolean.TRUE::equals,
                    "ms:status never became healthy"));
            String text = gogo.print("ms:status");
            assertTrue(text.startsWith("MemoryStreamer 0.1.0"), text);
            assertTrue(text.contains("state:    READY"), text);
            assertTrue(text.contains("health:   UP"), text);
            assertTrue(text.contains(" ACTIVE"), text);
            gogo.execute("ms:status --check");
        }
    }

    @Test
    void unresolvedBundleIsReportedWithTheMissingPackage() throws Exception {
        Bundle broken = context.installBundle("itest:broken", TestBundles.bundle("io.memorystreamer.itest.broken",
                "Import-Package", "io.memorystreamer.does.not.exist;version=\"[1.0,2.0)\""));
        try {
            assertThrows(BundleException.class, broken::start);
            try (Gogo gogo = new Gogo(processor)) {
                String text = gogo.print("ms:status");
                assertTrue(text.contains("NOT READY"), text);
                assertTrue(text.contains("io.memorystreamer.itest.broken"), text);
                assertTrue(text.contains("nothing provides package (&(osgi.wiring.package=io.memorystreamer.does.not.exist)"), text);
                Exception failure = assertThrows(Exception.class, () -> gogo.execute("ms:status --check"));
                assertTrue(failure.getMessage().contains("not ready"), failure.getMessage());
            }
        } finally {
            broken.uninstall();
        }
    }
}
