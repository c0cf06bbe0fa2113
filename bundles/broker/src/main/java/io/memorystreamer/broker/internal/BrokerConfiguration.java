package io.memorystreamer.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The broker's settings (PID {@value BrokerComponent#PID}, file
 * {@code conf/io.memorystreamer.broker.cfg}), declared for Metatype. Every one of them is read
 * when the broker starts; a change takes effect at the next start (the broker says so in its log).
 *
 * <p>Threading: an annotation type, immutable. Property names follow the OSGi mapping of method
 * names: {@code segment_bytes} is the key {@code segment.bytes}.
 */
@ObjectClassDefinition(id = BrokerComponent.PID, name = "MemoryStreamer broker",
        description = "Where the broker keeps its topics and groups, and how it writes them. Read at start; changes need a restart.")
public @interface BrokerConfiguration {
    /** @return the size of each shard's log segments */
    @AttributeDefinition(name = "Segment size", min = "65536", max = "1073741824",
            description = "Bytes per log segment of every shard (a multiple of 16). A message, with its key and headers, must fit in one.")
    int segment_bytes() default BrokerConfig.DEFAULT_SEGMENT_BYTES;

    /** @return whether segments are allocated up front */
    @AttributeDefinition(name = "Preallocate segments", description = "Allocate each segment on disk when it is created (steadier latency).")
    boolean preallocate() default true;

    /** @return writer threads */
    @AttributeDefinition(name = "Writer threads", min = "1", max = "64",
            description = "Threads that append to the logs; topics are spread over them, each topic has one.")
    int writer_threads() default 1;

    /** @return inbox room per writer */
    @AttributeDefinition(name = "Inbox size", min = "65536", max = "1073741824",
            description = "Bytes of publish calls each writer can hold before publishers are back-pressured (a power of two)."
                    + " A topic's maximum message size must fit in half of it.")
    int inbox_bytes() default BrokerConfig.DEFAULT_INBOX_BYTES;

    /** @return the per-shard back-pressure bound */
    @AttributeDefinition(name = "Most unflushed bytes per shard", min = "65536",
            description = "Appends wait (and publishers are back-pressured) while more than this many bytes of a shard are not yet durable.")
    long max_unflushed_bytes() default 256L * 1024 * 1024;

    /** @return the group-commit interval */
    @AttributeDefinition(name = "Flush interval (ms)", min = "1", description = "The longest a shard with batch durability waits before an fsync.")
    long flush_interval_ms() default 5;

    /** @return lanes per shard */
    @AttributeDefinition(name = "Lanes per shard", min = "1", max = "256",
            description = "How many lanes a consumer group cuts each shard into: the unit a group assigns to its members."
                    + " More lanes spread a topic over more members.")
    int lanes_per_shard() default BrokerConfig.DEFAULT_LANES_PER_SHARD;

    /** @return registry sizing per topic */
    @AttributeDefinition(name = "Streams per topic", min = "1024",
            description = "How many streams each topic's stream registry is sized for when the topic is created (it holds up to four"
                    + " times as many). Past that, publishing to a new stream fails with a clear error; existing streams carry on.")
    long streams_per_topic() default BrokerConfig.DEFAULT_STREAMS_PER_TOPIC;

    /** @return whether threads busy-spin */
    @AttributeDefinition(name = "Busy spin",
            description = "Writer and delivery threads spin when idle instead of backing off: lowest latency, one core each.")
    boolean busy_spin() default false;
}
