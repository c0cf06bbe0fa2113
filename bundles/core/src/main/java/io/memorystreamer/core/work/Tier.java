package io.memorystreamer.core.work;

/**
 * The priority tiers of work; each has its own pool of threads and its own queue, so a flood of
 * background work never delays the message path and nothing delays replication.
 *
 * <p>Threading: an enum, immutable. Invariant: declared from most to least urgent.
 */
public enum Tier {
    /** Replication and cluster heartbeats: a stall here takes the node down. */
    CRITICAL("critical"),
    /** Publishing: routing and appending messages. */
    MESSAGE_PATH("messagePath"),
    /** Pushing messages to subscribers. */
    DELIVERY("delivery"),
    /** Retention, compaction, index building: may wait. */
    BACKGROUND("background");

    private final String key;

    Tier(String key) {
        this.key = key;
    }

    /**
     * @return the tier's name in configuration keys, counter names and thread names, e.g.
     *         {@code messagePath} in {@code messagePath.threads}
     */
    public String key() {
        return key;
    }
}
