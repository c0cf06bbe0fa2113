package io.memorystreamer.broker;

import io.memorystreamer.multiplexing.TopicSettings;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The broker, in process: topics and their streams, publishing, subscriptions and consumer
 * groups. Registered as an OSGi service by the broker bundle; the network transport and the shell
 * are thin layers over it.
 *
 * <p>Thread-safe. Administrative calls (topics, groups) may block briefly on disk; publishing
 * ({@link Publisher}) never does.
 */
@ProviderType
public interface Broker {
    /**
     * Creates a topic and persists it.
     *
     * @param settings its settings
     * @return the new topic
     * @throws BrokerException {@link ErrorCode#TOPIC_EXISTS}, or {@link ErrorCode#INVALID_REQUEST}
     */
    TopicDescription createTopic(TopicSettings settings);

    /**
     * Changes a topic's durability, retention or maximum message size, and persists them.
     *
     * @param settings the new settings (same name, shard count and placement)
     * @return the changed topic
     * @throws BrokerException {@link ErrorCode#UNKNOWN_TOPIC}, or {@link ErrorCode#UNSUPPORTED_CHANGE}
     *     for a shard count or placement change
     */
    TopicDescription alterTopic(TopicSettings settings);

    /**
     * Deletes a topic with its streams, logs and groups. Messages in flight fail with
     * {@link ErrorCode#CLOSED}; subscriptions to it are closed.
     *
     * @param name the topic
     * @return whether it existed
     */
    boolean deleteTopic(String name);

    /** @return every topic, by name */
    List<TopicDescription> topics();

    /**
     * @param name a topic name
     * @return the topic, if it exists
     */
    Optional<TopicDescription> topic(String name);

    /**
     * @param topic the topic
     * @param pattern a key pattern ({@code orders/*}), or null for all
     * @param limit the most streams to return
     * @return streams in registry order
     * @throws BrokerException {@link ErrorCode#UNKNOWN_TOPIC} or {@link ErrorCode#INVALID_REQUEST}
     */
    List<StreamDescription> streams(String topic, String pattern, int limit);

    /**
     * @param listener told the outcome of every message the publisher's non-future calls accept
     * @return a publisher for the calling thread
     */
    Publisher publisher(PublishListener listener);

    /**
     * Installs a topic's interceptor chain, replacing the one before (empty by default). Takes
     * effect for the next publish call; calls under way finish with the chain they started with.
     *
     * @param topic the topic
     * @param chain the chain, in order (copied)
     * @throws BrokerException {@link ErrorCode#UNKNOWN_TOPIC}
     */
    void installInterceptors(String topic, PublishInterceptor... chain);

    /**
     * @param request what to subscribe to and from where
     * @param handler receives the messages on a broker delivery thread
     * @return the live subscription
     * @throws BrokerException {@link ErrorCode#UNKNOWN_TOPIC} or {@link ErrorCode#INVALID_REQUEST}
     */
    Subscription subscribe(SubscriptionRequest request, MessageHandler handler);

    /**
     * Joins (or creates) a consumer group.
     *
     * @param request the group, topic and member
     * @param handler receives the messages of the member's lanes
     * @return the member
     * @throws BrokerException {@link ErrorCode#UNKNOWN_TOPIC}, or {@link ErrorCode#INVALID_REQUEST}
     *     (for instance a group that consumes another topic)
     */
    GroupMember joinGroup(GroupRequest request, MessageHandler handler);

    /** @return every consumer group */
    List<GroupDescription> groups();

    /**
     * @param name a group
     * @return the group, if it exists
     */
    Optional<GroupDescription> group(String name);

    /**
     * Deletes a group's committed offsets; refused while it has members.
     *
     * @param name the group
     * @return whether it existed
     * @throws BrokerException {@link ErrorCode#INVALID_REQUEST} while members remain
     */
    boolean deleteGroup(String name);
}
