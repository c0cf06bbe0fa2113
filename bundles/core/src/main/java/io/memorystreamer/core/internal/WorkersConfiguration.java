package io.memorystreamer.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The settings of configuration PID {@value WorkersSettings#PID}, declared for Metatype so that
 * tools can list, document and validate them. {@link WorkersSettings#parse} does the reading and
 * the validation (with messages naming the key); this type only describes them.
 *
 * <p>Threading: an annotation type, immutable. Property names follow the OSGi mapping of method
 * names: {@code critical_threads} is the key {@code critical.threads}.
 */
@ObjectClassDefinition(id = WorkersSettings.PID, name = "MemoryStreamer worker pools",
        description = "Threads, queues, CPU pinning and stall detection of the priority worker pools.")
public @interface WorkersConfiguration {
    /** @return threads of the CRITICAL tier (replication, heartbeats) */
    @AttributeDefinition(name = "Critical threads", min = "1", max = "256",
            description = "Worker threads of the CRITICAL tier (replication, heartbeats).")
    int critical_threads() default 1;

    /** @return threads of the MESSAGE_PATH tier */
    @AttributeDefinition(name = "Message path threads", min = "1", max = "256",
            description = "Worker threads of the MESSAGE_PATH tier (publishing).")
    int messagePath_threads() default 1;

    /** @return threads of the DELIVERY tier */
    @AttributeDefinition(name = "Delivery threads", min = "1", max = "256",
            description = "Worker threads of the DELIVERY tier (pushing to subscribers).")
    int delivery_threads() default 1;

    /** @return threads of the BACKGROUND tier */
    @AttributeDefinition(name = "Background threads", min = "1", max = "256",
            description = "Worker threads of the BACKGROUND tier (retention, compaction, indexes).")
    int background_threads() default 1;

    /** @return slots of each tier's queue */
    @AttributeDefinition(name = "Queue capacity", min = "2", max = "1073741824",
            description = "Slots in each tier's task queue; a power of two. A full queue answers"
                    + " QUEUE_FULL to submitters.")
    int queue_capacity() default WorkersSettings.DEFAULT_QUEUE_CAPACITY;

    /** @return the stall threshold in milliseconds */
    @AttributeDefinition(name = "Stall threshold (ms)", min = "1",
            description = "A worker or agent busy with one task or cycle for longer is reported"
                    + " STALLED by the health monitor.")
    long stall_threshold_ms() default WorkersSettings.DEFAULT_STALL_THRESHOLD_MS;

    /** @return the stall threshold of background tasks in milliseconds */
    @AttributeDefinition(name = "Background stall threshold (ms)", min = "1",
            description = "Stall threshold for BACKGROUND workers, whose tasks may be long.")
    long background_stall_threshold_ms() default WorkersSettings.DEFAULT_BACKGROUND_STALL_THRESHOLD_MS;

    /** @return how long a shutdown waits for queues to drain, in milliseconds */
    @AttributeDefinition(name = "Shutdown timeout (ms)", min = "1",
            description = "How long stopping the pools waits for queued tasks to run before"
                    + " discarding the rest.")
    long shutdown_timeout_ms() default WorkersSettings.DEFAULT_SHUTDOWN_TIMEOUT_MS;

    /** @return CPUs of the CRITICAL workers */
    @AttributeDefinition(name = "Critical CPUs", required = false,
            description = "CPU list such as 0-1,3 the CRITICAL workers pin themselves to; empty: unpinned.")
    String critical_cpus() default "";

    /** @return CPUs of the MESSAGE_PATH workers */
    @AttributeDefinition(name = "Message path CPUs", required = false,
            description = "CPU list the MESSAGE_PATH workers pin themselves to; empty: unpinned.")
    String messagePath_cpus() default "";

    /** @return CPUs of the DELIVERY workers */
    @AttributeDefinition(name = "Delivery CPUs", required = false,
            description = "CPU list the DELIVERY workers pin themselves to; empty: unpinned.")
    String delivery_cpus() default "";

    /** @return CPUs of the BACKGROUND workers */
    @AttributeDefinition(name = "Background CPUs", required = false,
            description = "CPU list the BACKGROUND workers pin themselves to; empty: unpinned.")
    String background_cpus() default "";
}
