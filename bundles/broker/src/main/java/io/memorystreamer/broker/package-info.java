/**
 * The broker's in-process API: topics, publishing, subscriptions and consumer groups. The network
 * transport and the shell are thin layers over it. Start with {@link io.memorystreamer.broker.Broker}.
 */
@Export
@Version("0.1.0")
package io.memorystreamer.broker;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
