package io.memorystreamer.client;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Topic administration and the broker's metadata, over the client's shared connection. Every
 * method blocks until the broker answers or the request timeout passes, and throws a
 * {@link ClientException} carrying the broker's stable error code and message when it refuses.
 *
 * <pre>{@code
 * try (MemoryStreamerClient client = MemoryStreamerClient.connect(ClientConfig.builder().build())) {
 *     Admin admin = client.admin();
 *     admin.createTopic("orders", TopicOptions.builder().shards(4).durability(Durability.SYNC).build());
 *     for (TopicDescription topic : admin.listTopics()) {
 *         System.out.println(topic.name() + ": " + topic.streams() + " streams");
 *     }
 *     System.out.println("broker " + admin.metadata().brokerVersion());
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call it at once; their requests are pipelined on the
 * one connection. While the connection is down, a call waits for the client to reconnect (within
 * its request timeout). When the connection drops while a request awaits its answer, the requests
 * that only read ({@link #describeTopic}, {@link #listTopics}, {@link #metadata}) are sent once
 * more on the next connection; {@link #createTopic} and {@link #deleteTopic} fail with the
 * retriable {@link ClientException#CONNECTION_LOST}, since the broker may have carried them out.
 */
@ProviderType
public interface Admin {
    /**
     * Creates a topic.
     *
     * @param name its name: 1 to 128 characters from {@code A-Z a-z 0-9 . _ -}
     * @param options its settings
     * @return the new topic as the broker describes it
     * @throws ClientException {@code TOPIC_EXISTS}, {@code INVALID_REQUEST} (bad name, shards, retention or limit), or
     *     a client failure
     */
    TopicDescription createTopic(String name, TopicOptions options);

    /**
     * @param name a topic's name
     * @return the topic
     * @throws ClientException {@code UNKNOWN_TOPIC}, or a client failure
     */
    TopicDescription describeTopic(String name);

    /**
     * @return every topic, by name
     * @throws ClientException a client failure, or {@code INVALID_REQUEST} when the broker has more topics than one frame can list
     */
    List<TopicDescription> listTopics();

    /**
     * Deletes a topic: its subscriptions end and its in-flight publishes fail with {@code CLOSED}.
     *
     * @param name a topic's name
     * @return whether it existed (deleting a missing topic is not an error)
     * @throws ClientException a client failure
     */
    boolean deleteTopic(String name);

    /**
     * @return the broker's version, protocol versions and limits
     * @throws ClientException a client failure
     */
    BrokerMetadata metadata();
}
