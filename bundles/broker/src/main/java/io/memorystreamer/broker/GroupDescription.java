package io.memorystreamer.broker;

import java.util.List;

/**
 * A consumer group as it stands: members, which lanes each holds, and per stream the committed
 * offset and the lag behind the stream's end.
 *
 * @param name the group
 * @param topic the topic it consumes
 * @param lanesPerShard how many lanes each shard is cut into
 * @param members the members, by join order
 * @param lanes every lane with its owner and committed log position
 * @param streams the streams, with committed offsets and lag (may be cut short on huge topics)
 * @param totalLag the sum of all streams' lag
 */
public record GroupDescription(String name, String topic, int lanesPerShard, List<Member> members, List<Lane> lanes,
        List<StreamLag> streams, long totalLag) {
    /**
     * @param id the member id
     * @param lanes its lanes as {@code shard.lane}
     * @param millisSinceHeartbeat how long ago it last proved alive
     * @param delivered messages delivered to it
     */
    public record Member(String id, List<String> lanes, long millisSinceHeartbeat, long delivered) {
    }

    /**
     * @param shard the shard
     * @param lane the lane in the shard
     * @param owner the member holding it, or null
     * @param committedPosition the log position up to which the group has processed the lane
     */
    public record Lane(int shard, int lane, String owner, long committedPosition) {
    }

    /**
     * @param key the stream key
     * @param lane the lane as {@code shard.lane}
     * @param committedOffset the next offset the group will process
     * @param endOffset the stream's next offset
     * @param lag messages published and not yet committed
     */
    public record StreamLag(String key, String lane, long committedOffset, long endOffset, long lag) {
    }
}
