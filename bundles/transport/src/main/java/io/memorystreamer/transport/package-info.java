/**
 * The network transport's API: {@link io.memorystreamer.transport.TransportServer}, the service
 * through which the running server says where it listens (tests, the shell and tools find the
 * bound port there, or in {@code data/transport.port}).
 */
@Export
@Version("0.1.0")
package io.memorystreamer.transport;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
