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

    /**
     * Commits explicit positions, as a remote consumer does for what it has actually processed:
     * for each lane, everything before {@code (framePositions[i], nextIndexes[i])} (a frame
     * position and the index in that frame of the next record to process: after a message,
     * {@code (view.position(), view.indexInFrame() + 1)}). A position beyond what was delivered to
     * this member is cut back to it; lanes the member no longer holds are skipped. Persisted before
     * returning.
     *
     * @param lanes topic-wide lane ids ({@link MessageView#lane()})
     * @param framePositions per lane, the frame holding the next record to process
     * @param nextIndexes per lane, that record's index in its frame
     * @return how many lanes were committed
     * @throws BrokerException {@link ErrorCode#UNKNOWN_MEMBER} when the member was removed,
     *     {@link ErrorCode#INVALID_REQUEST} when the arrays differ in length
     */
    int commit(int[] lanes, long[] framePositions, int[] nextIndexes);

    /** @return the lanes assigned to this member now, as {@code shard.lane} */
    List<String> assignment();
}
