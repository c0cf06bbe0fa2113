package io.memorystreamer.broker;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A member of a consumer group: a subscription to the lanes of the topic the group assigned to
 * it. A topic's streams are spread over lanes (each shard is cut into a fixed number of lanes by a
 * hash of the stream key), and lanes are what a group assigns: a stream's messages stay in order
 * because a stream never leaves its lane. When members join or leave, only the lanes that must
 * move change hands; the others keep flowing.
 *
 * <p>Delivery is at least once: {@link #commit()} records, per lane, that everything delivered so
 * far was processed; after a crash or a move, a lane resumes from its last commit.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface GroupMember extends Subscription {
    /** @return the member's id */
    String memberId();

    /** @return the group's name */
    String group();

    /** Proves this member alive (needed only when the broker does not heartbeat for it). */
    void heartbeat();

    /**
     * Commits what was delivered so far and persists it before returning.
     *
     * @throws BrokerException {@link ErrorCode#UNKNOWN_MEMBER} when the member was removed
     */
    void commit();

    /** @return the lanes assigned to this member now, as {@code shard.lane} */
    List<String> assignment();
}
