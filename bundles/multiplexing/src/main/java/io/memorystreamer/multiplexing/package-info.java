/**
 * Topics and the streams inside them: what a {@linkplain io.memorystreamer.multiplexing.StreamKeys
 * stream key} and a {@linkplain io.memorystreamer.multiplexing.TopicNames topic name} may be, how a
 * stream is placed on a shard ({@link io.memorystreamer.multiplexing.StreamPlacement}, by default
 * {@link io.memorystreamer.multiplexing.JumpHashPlacement}), and a topic's
 * {@linkplain io.memorystreamer.multiplexing.TopicSettings settings} with their persisted
 * {@linkplain io.memorystreamer.multiplexing.TopicSettingsFormat binary form}, and the
 * {@linkplain io.memorystreamer.multiplexing.StreamRegistry registry} of per-stream state.
 */
@Export
@Version("0.1.0")
package io.memorystreamer.multiplexing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
