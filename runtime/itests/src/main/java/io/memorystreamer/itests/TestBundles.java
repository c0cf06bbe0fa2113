package io.memorystreamer.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Builds minimal bundles (a manifest only) for tests that install, drop or break bundles. */
final class TestBundles {
    private TestBundles() {
    }

    /** @return the bytes of a bundle jar with the given symbolic name and extra headers (name, value pairs) */
    static byte[] bytes(String symbolicName, String... headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            main.putValue(headers[i], headers[i + 1]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.flush();
        }
        return bytes.toByteArray();
    }

    /** @return a stream over such a bundle, for BundleContext.installBundle */
    static InputStream bundle(String symbolicName, String... headers) throws IOException {
        return new ByteArrayInputStream(bytes(symbolicName, headers));
    }
}
