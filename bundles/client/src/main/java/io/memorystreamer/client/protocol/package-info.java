/**
 * The MemoryStreamer wire protocol, version 1: length-prefixed, checksummed, big-endian frames over
 * TCP (drawn in {@link io.memorystreamer.client.protocol.Protocol} and specified in
 * {@code docs/protocol.md}), and the codec both ends share.
 *
 * <ul>
 * <li>{@link io.memorystreamer.client.protocol.FrameDecoder} cuts a byte stream into
 * {@link io.memorystreamer.client.protocol.Frame}s (header fields and a zero-copy body), refusing
 * anything malformed with a {@link io.memorystreamer.client.protocol.ProtocolException};
 * {@link io.memorystreamer.client.protocol.FrameWriter} writes one.</li>
 * <li>{@link io.memorystreamer.client.protocol.Codec} reads and writes the primitive encodings of
 * bodies, checking every bound.</li>
 * <li>The typed bodies, one record per frame type, grouped by family:
 * {@link io.memorystreamer.client.protocol.Handshake}, {@link io.memorystreamer.client.protocol.TopicAdmin},
 * {@link io.memorystreamer.client.protocol.Publishing}, {@link io.memorystreamer.client.protocol.Subscriptions},
 * {@link io.memorystreamer.client.protocol.Groups}, and {@link io.memorystreamer.client.protocol.FrameBody}
 * (empty bodies and ERROR). {@link io.memorystreamer.client.protocol.FrameBody#read} reads any of them.</li>
 * </ul>
 *
 * <p>The package depends on Netty's buffers and codec base only, so it works on a plain class path
 * as well as in OSGi.
 */
@Export
@Version("0.1.0")
package io.memorystreamer.client.protocol;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
