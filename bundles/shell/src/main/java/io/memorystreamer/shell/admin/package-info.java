/**
 * The local administration protocol: how {@code bin/memorystreamer shell} reaches the Gogo
 * shell of a running broker. The frame format is drawn in {@link io.memorystreamer.shell.admin.AdminFrame}
 * and in {@code docs/formats.md}. Everything here uses only {@code java.*}, so this package also
 * runs on a plain class path as the command-line client ({@link io.memorystreamer.shell.admin.AdminClient}).
 */
@Export
@Version("0.1.0")
package io.memorystreamer.shell.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
