/**
 * The write-ahead log under every shard: a directory of memory-mapped segments that many
 * producers append to without locks, that a flusher makes durable in groups, that readers tail by
 * position, and that recovers after a crash. Start with {@link io.memorystreamer.wal.WriteAheadLog}.
 */
@Export
@Version("0.2.0")
package io.memorystreamer.wal;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
