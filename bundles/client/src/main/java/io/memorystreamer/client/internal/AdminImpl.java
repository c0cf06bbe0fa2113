package io.memorystreamer.client.internal;

import io.memorystreamer.client.Admin;
import io.memorystreamer.client.BrokerMetadata;
import io.memorystreamer.client.ClientException;
import io.memorystreamer.client.Durability;
import io.memorystreamer.client.TopicDescription;
import io.memorystreamer.client.TopicOptions;
import io.memorystreamer.client.protocol.FrameBody;
import io.memorystreamer.client.protocol.Handshake;
import io.memorystreamer.client.protocol.Protocol;
import io.memorystreamer.client.protocol.TopicAdmin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link Admin} over the client's connection: each call is one request, awaited on the calling
 * thread. Stateless apart from the core; thread-safe.
 */
public final class AdminImpl implements Admin {
    private final ClientCore core;

    /**
     * @param core the client's connection
     */
    public AdminImpl(ClientCore core) {
        this.core = core;
    }

    @Override
    public TopicDescription createTopic(String name, TopicOptions options) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        TopicAdmin.CreateTopic request = new TopicAdmin.CreateTopic(name, options.shards(), toWire(options.durability()),
                options.retention().toMillis(), options.retentionBytesPerShard(), options.maxMessageBytes());
        return single(ClientCore.await(core.request(request)), "CREATE_TOPIC");
    }

    @Override
    public TopicDescription describeTopic(String name) {
        Objects.requireNonNull(name, "name");
        return single(read(new TopicAdmin.DescribeTopic(name)), "DESCRIBE_TOPIC");
    }

    @Override
    public List<TopicDescription> listTopics() {
        TopicAdmin.TopicsInfo topics = (TopicAdmin.TopicsInfo) read(new FrameBody.Empty(Protocol.LIST_TOPICS));
        List<TopicDescription> result = new ArrayList<>(topics.topics().size());
        for (TopicAdmin.TopicInfo topic : topics.topics()) {
            result.add(fromWire(topic));
        }
        return List.copyOf(result);
    }

    @Override
    public boolean deleteTopic(String name) {
        Objects.requireNonNull(name, "name");
        return ((TopicAdmin.Deleted) ClientCore.await(core.request(new TopicAdmin.DeleteTopic(name)))).existed();
    }

    @Override
    public BrokerMetadata metadata() {
        Handshake.MetadataOk m = (Handshake.MetadataOk) read(new FrameBody.Empty(Protocol.METADATA));
        Session session = core.current();
        int negotiated = session == null || session.hello() == null ? Protocol.MAX_VERSION : session.hello().version();
        return new BrokerMetadata(m.brokerVersion(), m.minVersion(), m.maxVersion(), negotiated, m.maxFrameBytes(), m.maxInFlight(),
                m.maxMessageBytesDefault(), m.topicCount());
    }

    /** Sends a request that only reads, again once if the connection dropped under it (it changed nothing). */
    private FrameBody read(FrameBody request) {
        try {
            return ClientCore.await(core.request(request));
        } catch (ClientException e) {
            if (e.code() != ClientException.CONNECTION_LOST) {
                throw e;
            }
            return ClientCore.await(core.request(request));
        }
    }

    private static TopicDescription single(FrameBody body, String request) {
        List<TopicAdmin.TopicInfo> topics = ((TopicAdmin.TopicsInfo) body).topics();
        if (topics.size() != 1) {
            throw new ClientException(ClientException.PROTOCOL_VIOLATION, "the broker answered " + request + " with " + topics.size()
                    + " topics instead of one");
        }
        return fromWire(topics.get(0));
    }

    /**
     * @param durability the API's durability
     * @return the wire's
     */
    static TopicAdmin.Durability toWire(Durability durability) {
        switch (durability) {
            case NONE:
                return TopicAdmin.Durability.NONE;
            case SYNC:
                return TopicAdmin.Durability.SYNC;
            default:
                return TopicAdmin.Durability.BATCH;
        }
    }

    /**
     * @param topic a topic from a TOPICS answer
     * @return it for the application
     */
    static TopicDescription fromWire(TopicAdmin.TopicInfo topic) {
        Durability durability;
        switch (topic.durability()) {
            case NONE:
                durability = Durability.NONE;
                break;
            case SYNC:
                durability = Durability.SYNC;
                break;
            default:
                durability = Durability.BATCH;
                break;
        }
        return new TopicDescription(topic.name(), topic.shards(), durability, Duration.ofMillis(Math.max(0, topic.retentionMs())),
                topic.retentionBytesPerShard(), topic.maxMessageBytes(), topic.streams(), topic.bytesOnDisk());
    }
}
