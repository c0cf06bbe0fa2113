package io.memorystreamer.client;

/**
 * When the broker counts a publish to a topic as durable, and so when it acknowledges it: an
 * acknowledgement never precedes what the topic's durability promises.
 */
public enum Durability {
    /** Written to the page cache: survives the broker process dying, not the machine. */
    NONE,
    /** Fsynced by the next group commit (the broker's default). */
    BATCH,
    /** Acknowledged only once the batch holding it is fsynced. */
    SYNC
}
