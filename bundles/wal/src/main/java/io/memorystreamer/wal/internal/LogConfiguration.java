package io.memorystreamer.wal.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The settings of one write-ahead log opened from a factory configuration of PID
 * {@value LogSettings#FACTORY_PID}, declared for Metatype so that tools can list, document and
 * validate them. {@link LogSettings#parse} does the reading and the validation (with messages
 * naming the key); this type only describes them. The defaults are those of
 * {@link io.memorystreamer.wal.LogConfig.Builder} (a unit test keeps them equal).
 *
 * <p>Threading: an annotation type, immutable. Property names follow the OSGi mapping of method
 * names: {@code segment_size} is the key {@code segment.size}.
 */
@ObjectClassDefinition(id = LogSettings.FACTORY_PID, name = "MemoryStreamer write-ahead log",
        description = "One write-ahead log, opened from a directory and registered as a WriteAheadLog service"
                + " (service property log.name). Until topics exist, this is how a log is opened by hand.")
public @interface LogConfiguration {
    /** @return the log's name */
    @AttributeDefinition(name = "Name", required = false,
            description = "The log's name in the shell (ms:wal) and in the broker's log: letters, digits, '.', '_' and '-',"
                    + " at most 100 characters, unique in the broker. Default: the configuration's own name (orders for"
                    + " conf/io.memorystreamer.wal.log-orders.cfg).")
    String name() default "";

    /** @return the directory of segments */
    @AttributeDefinition(name = "Directory", required = false,
            description = "The directory of the log's segment files, created if missing. A relative path resolves against"
                    + " the broker's data directory (system property ms.data.dir, default data). Default: <data>/wal/<name>.")
    String directory() default "";

    /** @return when appends count as durable */
    @AttributeDefinition(name = "Durability",
            description = "When an append counts as durable: NONE (written to the page cache, never fsynced by the log),"
                    + " BATCH (fsync in groups, by bytes or time) or SYNC (fsync as soon as a writer waits for it).",
            options = {
                @Option(value = "NONE", label = "NONE: page cache only"),
                @Option(value = "BATCH", label = "BATCH: group commit"),
                @Option(value = "SYNC", label = "SYNC: fsync per waiting batch")
            })
    String durability() default "BATCH";

    /** @return bytes per segment file */
    @AttributeDefinition(name = "Segment size (bytes)", min = "65536", max = "1073741824",
            description = "Bytes per segment file: a multiple of 16 from 65536 (64 KiB) to 1073741824 (1 GiB)."
                    + " Applies to segments created from now on.")
    int segment_size() default LogSettings.DEFAULT_SEGMENT_SIZE;

    /** @return the largest frame accepted */
    @AttributeDefinition(name = "Largest record (bytes)", min = "64", max = "1073741824",
            description = "The largest frame (one record, or one batch, with its headers) an append accepts; at most the"
                    + " segment size. Default: 1048576 (1 MiB), or the segment size when that is smaller.")
    int max_record_size() default LogSettings.DEFAULT_MAX_RECORD_SIZE;

    /** @return BATCH mode: fsync once this many bytes wait */
    @AttributeDefinition(name = "Flush after bytes", min = "1",
            description = "BATCH mode: fsync as soon as this many bytes wait to become durable.")
    long flush_bytes() default LogSettings.DEFAULT_FLUSH_BYTES;

    /** @return BATCH mode: fsync at least this often while bytes wait, in milliseconds */
    @AttributeDefinition(name = "Flush interval (ms)", min = "1", max = "86400000",
            description = "BATCH mode: fsync at least this often while bytes wait to become durable.")
    long flush_interval_ms() default LogSettings.DEFAULT_FLUSH_INTERVAL_MS;

    /** @return the back-pressure bound on bytes not yet durable */
    @AttributeDefinition(name = "Most unflushed bytes", min = "64",
            description = "Appends answer BACK_PRESSURED while more than this many bytes wait to become durable"
                    + " (BATCH and SYNC); at least the largest record.")
    long max_unflushed_bytes() default LogSettings.DEFAULT_MAX_UNFLUSHED_BYTES;

    /** @return retention by age in milliseconds, 0 to keep */
    @AttributeDefinition(name = "Retention age (ms)", min = "0",
            description = "Sealed segments whose newest record is older than this are deleted; 0 keeps them.")
    long retention_age_ms() default 0;

    /** @return retention by size in bytes, 0 to keep */
    @AttributeDefinition(name = "Retention size (bytes)", min = "0",
            description = "The oldest sealed segments are deleted while the log is larger than this; 0 keeps them.")
    long retention_bytes() default 0;

    /** @return whether new segments are filled with zeros when created */
    @AttributeDefinition(name = "Preallocate segments",
            description = "Write zeros over each new segment file when it is created, so a full disk shows then"
                    + " (a clear error) rather than as a crash of a writer later.")
    boolean preallocate() default true;

    /** @return how batches are stored: NONE or LZ4 */
    @AttributeDefinition(name = "Compression", options = {
        @Option(value = "NONE", label = "None"),
        @Option(value = "LZ4", label = "LZ4 (batches of 512 bytes or more)")
    }, description = "LZ4 stores a batch of at least 512 bytes as one compressed block when that makes it smaller;"
            + " readers see no difference.")
    String compression() default "NONE";
}
