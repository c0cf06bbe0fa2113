package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.Broker;
import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.ErrorCode;
import io.memorystreamer.broker.GroupDescription;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.broker.StreamDescription;
import io.memorystreamer.broker.Subscription;
import io.memorystreamer.broker.SubscriptionRequest;
import io.memorystreamer.broker.TopicDescription;
import io.memorystreamer.core.agent.AgentRunner;
import io.memorystreamer.core.agent.BusySpinIdleStrategy;
import io.memorystreamer.multiplexing.StreamKeys;
import io.memorystreamer.multiplexing.TopicNames;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.LogStats;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker in one process: opens the topics found under its data directory, runs the writer
 * threads, and answers the {@link Broker} API. Plain Java (no OSGi), so tests and benchmarks run
 * it directly; {@link BrokerComponent} runs it in the framework.
 *
 * <p>Threading: thread-safe. Topic creation, change and deletion are serialized by a lock (admin
 * path, never the publish path); writer threads never take it, since deletion waits for them. Publishers read the name map and the id array without locks.
 * Invariant: a topic is in {@link #byName} only while open; its id is never reused.
 */
public final class LocalBroker implements Broker, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBroker.class);
    private static final Duration SHUTDOWN_DRAIN = Duration.ofSeconds(10);

    private final BrokerConfig config;
    private final Object adminLock = new Object();
    /** Guards the publisher slots only; writer threads take it (never while holding anything else). */
    private final Object publishersLock = new Object();
    private final Map<String, Topic> byName = new ConcurrentHashMap<>();
    private volatile Topic[] byId = new Topic[16];
    private int nextTopicId;
    private final Writer[] writers;
    private final AgentRunner[] writerRunners;
    private volatile PublisherImpl[] publishers = new PublisherImpl[16];
    private final DeliveryService delivery;
    private final GroupCoordinator groups;
    private volatile boolean closed;

    private LocalBroker(BrokerConfig config) {
        this.config = config;
        this.writers = new Writer[config.writerThreads()];
        this.writerRunners = new AgentRunner[config.writerThreads()];
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new Writer(i, this, config.inboxBytes(), config.maxFrameBytes());
        }
        this.delivery = new DeliveryService(config);
        this.groups = new GroupCoordinator(config, delivery, this::topicOrThrow);
    }

    /**
     * Opens the broker: every topic under the data directory (recovering its logs), then the
     * writer threads.
     *
     * @param config the settings
     * @return the running broker
     * @throws IOException when the data directory cannot be used or a topic cannot be opened
     */
    public static LocalBroker open(BrokerConfig config) throws IOException {
        Files.createDirectories(config.topicsDirectory());
        Files.createDirectories(config.groupsDirectory());
        LocalBroker broker = new LocalBroker(config);
        try {
            broker.openTopics();
            for (int i = 0; i < broker.writers.length; i++) {
                broker.writerRunners[i] = AgentRunner.builder(broker.writers[i])
                        .idleStrategy(config.busySpin() ? new BusySpinIdleStrategy() : broker.writers[i].idle)
                        .threadName("ms-writer-" + i)
                        .build()
                        .start();
            }
            return broker;
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private void openTopics() throws IOException {
        List<Path> directories = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(config.topicsDirectory())) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(".deleting")) {
                    LOG.info("Finishing the deletion of {}", entry);
                    TopicFiles.removeTree(entry);
                } else if (Files.isDirectory(entry) && TopicFiles.exists(entry)) {
                    directories.add(entry);
                } else if (Files.isDirectory(entry)) {
                    LOG.warn("Ignoring {}: it has no {} (not a topic, or one whose creation did not finish)", entry, TopicFiles.SETTINGS_FILE);
                }
            }
        }
        directories.sort(Comparator.comparing(Path::toString));
        for (Path directory : directories) {
            TopicSettings settings = TopicFiles.read(directory);
            if (!settings.name().equals(directory.getFileName().toString())) {
                throw new IOException("topic directory " + directory + " holds the settings of topic '" + settings.name() + "'");
            }
            register(Topic.open(nextTopicId++, directory, settings, config, writerFor(nextTopicId - 1)));
            LOG.info("Opened topic {}", settings);
        }
    }

    private int writerFor(int topicId) {
        return topicId % writers.length;
    }

    private void register(Topic topic) {
        Topic[] ids = byId;
        if (topic.id >= ids.length) {
            ids = Arrays.copyOf(ids, Math.max(ids.length * 2, topic.id + 1));
        } else {
            ids = ids.clone();
        }
        ids[topic.id] = topic;
        byId = ids;
        byName.put(topic.name(), topic);
    }

    // ---- what the writer and publishers use ----

    Topic topicById(int id) {
        Topic[] ids = byId;
        return id >= 0 && id < ids.length ? ids[id] : null;
    }

    Topic[] topicsSnapshot() {
        return byId;
    }

    Topic topicOrThrow(String name) {
        if (name == null) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "no topic named");
        }
        Topic topic = byName.get(name);
        if (topic == null) {
            if (closed) {
                throw new BrokerException(ErrorCode.CLOSED, "the broker is closed");
            }
            throw new BrokerException(ErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist");
        }
        return topic;
    }

    Writer writer(Topic topic) {
        return writers[topic.writerIndex];
    }

    /** Writer threads: frames were appended; subscribers may have something to read. */
    void appended() {
        delivery.messagesAppended();
    }

    void complete(int publisherId, int flags, long token, int index, long streamOffset) {
        PublisherImpl publisher = publisherById(publisherId);
        if (publisher != null) {
            try {
                publisher.complete(flags, token, index, streamOffset);
            } catch (RuntimeException e) {
                LOG.warn("A publish listener threw; the broker carries on", e);
            }
        }
    }

    void fail(int publisherId, int flags, long token, int index, BrokerException error) {
        PublisherImpl publisher = publisherById(publisherId);
        if (publisher != null) {
            try {
                publisher.fail(flags, token, index, error);
            } catch (RuntimeException e) {
                LOG.warn("A publish listener threw; the broker carries on", e);
            }
        }
    }

    private PublisherImpl publisherById(int id) {
        PublisherImpl[] all = publishers;
        return id >= 0 && id < all.length ? all[id] : null;
    }

    /** Frees a closed publisher's slot once nothing is owed to it. */
    void release(PublisherImpl publisher) {
        synchronized (publishersLock) {
            PublisherImpl[] all = publishers;
            if (publisher.id < all.length && all[publisher.id] == publisher) {
                PublisherImpl[] copy = all.clone();
                copy[publisher.id] = null;
                publishers = copy;
            }
        }
    }

    // ---- Broker ----

    @Override
    public TopicDescription createTopic(TopicSettings settings) {
        checkOpen();
        if (settings == null) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "no topic settings given");
        }
        checkFits(settings);
        synchronized (adminLock) {
            if (byName.containsKey(settings.name())) {
                throw new BrokerException(ErrorCode.TOPIC_EXISTS, "topic '" + settings.name() + "' exists already");
            }
            try {
                Topic.placement(settings.placement());
            } catch (IllegalArgumentException e) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, "invalid topic setting for '" + settings.name() + "': " + e.getMessage());
            }
            Path directory = config.topicsDirectory().resolve(settings.name());
            try {
                if (Files.exists(directory)) {
                    TopicFiles.deleteTree(directory); // left over by a creation that crashed midway
                }
                Files.createDirectories(directory);
                int id = nextTopicId++;
                Topic topic = Topic.open(id, directory, settings, config, writerFor(id));
                TopicFiles.write(directory, settings);
                register(topic);
                LOG.info("Created topic {}", settings);
                return describe(topic);
            } catch (IOException | RuntimeException e) {
                throw new BrokerException(ErrorCode.STORAGE_FAILURE, "could not create topic '" + settings.name() + "' in " + directory + ": " + e, e);
            }
        }
    }

    private void checkFits(TopicSettings settings) {
        int inboxRoom = config.inboxBytes() / 2 - 64 - InboxFormat.CALL_HEADER_LENGTH - InboxFormat.MESSAGE_HEADER_LENGTH;
        int frameRoom = config.maxFrameBytes() - 128;
        if (settings.maxMessageSize() > Math.min(inboxRoom, frameRoom)) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "invalid topic setting for '" + settings.name() + "': maxMessageSize "
                    + settings.maxMessageSize() + " exceeds what this broker can carry (" + Math.min(inboxRoom, frameRoom)
                    + " bytes, bounded by its inboxBytes " + config.inboxBytes() + " and segmentBytes " + config.segmentBytes() + ")");
        }
    }

    @Override
    public TopicDescription alterTopic(TopicSettings settings) {
        checkOpen();
        synchronized (adminLock) {
            Topic topic = topicOrThrow(settings.name());
            TopicSettings current = topic.settings;
            if (settings.shardCount() != current.shardCount()) {
                throw new BrokerException(ErrorCode.UNSUPPORTED_CHANGE, "topic '" + settings.name() + "' has " + current.shardCount()
                        + " shards; the shard count of a live topic cannot change (streams would move and lose their order)");
            }
            if (!settings.placement().equals(current.placement())) {
                throw new BrokerException(ErrorCode.UNSUPPORTED_CHANGE, "topic '" + settings.name() + "' places streams with "
                        + current.placement() + "; the placement of a live topic cannot change");
            }
            if (settings.durability() != current.durability() || !java.util.Objects.equals(settings.retentionAge(), current.retentionAge())
                    || settings.retentionBytesPerShard() != current.retentionBytesPerShard()) {
                throw new BrokerException(ErrorCode.UNSUPPORTED_CHANGE, "topic '" + settings.name()
                        + "': durability and retention are fixed when the topic is created in this version; only maxMessageSize can change live");
            }
            checkFits(settings);
            try {
                TopicFiles.write(topic.directory, settings);
            } catch (IOException e) {
                throw new BrokerException(ErrorCode.STORAGE_FAILURE, "could not persist the settings of topic '" + settings.name() + "': " + e, e);
            }
            topic.settings = settings;
            LOG.info("Changed topic {}", settings);
            return describe(topic);
        }
    }

    @Override
    public boolean deleteTopic(String name) {
        checkOpen();
        synchronized (adminLock) {
            Topic topic = byName.get(name);
            if (topic == null) {
                return false;
            }
            byName.remove(name);
            topic.closed = true;
            CompletableFuture<Void> forgotten = new CompletableFuture<>();
            writer(topic).execute(() -> {
                writer(topic).forget(topic);
                forgotten.complete(null);
            });
            try {
                forgotten.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("The writer did not confirm it dropped topic {} in time; deleting anyway", name, e);
            }
            delivery.closeSubscriptionsOf(topic);
            groups.topicDeleted(name);
            Topic[] ids = byId.clone();
            ids[topic.id] = null;
            byId = ids;
            topic.close();
            try {
                TopicFiles.deleteTree(topic.directory);
            } catch (IOException e) {
                throw new BrokerException(ErrorCode.STORAGE_FAILURE, "topic '" + name + "' is closed but its files in " + topic.directory
                        + " could not all be deleted: " + e, e);
            }
            LOG.info("Deleted topic {}", name);
            return true;
        }
    }

    @Override
    public List<TopicDescription> topics() {
        List<TopicDescription> all = new ArrayList<>();
        for (Topic topic : byName.values()) {
            all.add(describe(topic));
        }
        all.sort(Comparator.comparing(TopicDescription::name));
        return all;
    }

    @Override
    public Optional<TopicDescription> topic(String name) {
        Topic topic = name == null ? null : byName.get(name);
        return topic == null ? Optional.empty() : Optional.of(describe(topic));
    }

    private static TopicDescription describe(Topic topic) {
        List<TopicDescription.Shard> shards = new ArrayList<>();
        for (Shard shard : topic.shards) {
            LogStats stats = shard.log.stats();
            shards.add(new TopicDescription.Shard(shard.index, stats.startPosition(), stats.publishedPosition(), stats.durablePosition(),
                    stats.segments(), stats.bytes()));
        }
        return new TopicDescription(topic.settings, topic.registry.size(), List.copyOf(shards));
    }

    @Override
    public List<StreamDescription> streams(String topicName, String pattern, int limit) {
        Topic topic = topicOrThrow(topicName);
        List<StreamDescription> streams = new ArrayList<>();
        if (limit <= 0) {
            return streams;
        }
        io.memorystreamer.multiplexing.StreamVisitor visitor = (key, state) -> {
            streams.add(new StreamDescription(key, state.streamId(), topic.placement.shard(key, topic.shards.length), state.nextOffset(),
                    state.lastPosition(), state.lastActivityMillis()));
            return streams.size() < limit;
        };
        try {
            if (pattern == null || pattern.isEmpty()) {
                topic.registry.forEach(visitor);
            } else {
                topic.registry.forEach(pattern, visitor);
            }
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, e.getMessage(), e);
        }
        return streams;
    }

    @Override
    public Publisher publisher(PublishListener listener) {
        checkOpen();
        synchronized (publishersLock) {
            PublisherImpl[] all = publishers;
            int id = -1;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == null) {
                    id = i;
                    break;
                }
            }
            if (id < 0) {
                id = all.length;
                all = Arrays.copyOf(all, all.length * 2);
            } else {
                all = all.clone();
            }
            PublisherImpl publisher = new PublisherImpl(this, id, listener);
            all[id] = publisher;
            publishers = all;
            return publisher;
        }
    }

    @Override
    public void installInterceptors(String topic, PublishInterceptor... chain) {
        Topic open = topicOrThrow(topic);
        PublishInterceptor[] copy = chain == null || chain.length == 0 ? Topic.NO_INTERCEPTORS : chain.clone();
        for (PublishInterceptor interceptor : copy) {
            if (interceptor == null) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, "an interceptor chain cannot hold null");
            }
        }
        open.interceptors = copy;
    }

    @Override
    public Subscription subscribe(SubscriptionRequest request, MessageHandler handler) {
        checkOpen();
        if (request == null || handler == null) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "a subscription needs a request and a handler");
        }
        Topic topic = topicOrThrow(request.topic());
        if (request.key() != null && !StreamKeys.isValid(request.key())) {
            try {
                StreamKeys.requireValid(request.key());
            } catch (IllegalArgumentException e) {
                throw new BrokerException(ErrorCode.INVALID_REQUEST, "invalid stream key to subscribe to: " + e.getMessage(), e);
            }
        }
        try {
            return delivery.subscribe(topic, request, handler);
        } catch (IllegalArgumentException e) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, e.getMessage(), e);
        }
    }

    @Override
    public GroupMember joinGroup(GroupRequest request, MessageHandler handler) {
        checkOpen();
        if (request == null || handler == null) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "joining a group needs a request and a handler");
        }
        if (!TopicNames.isValid(request.group())) {
            throw new BrokerException(ErrorCode.INVALID_REQUEST, "invalid group name: " + describeName(request.group()));
        }
        return groups.join(topicOrThrow(request.topic()), request, handler);
    }

    private static String describeName(String name) {
        try {
            TopicNames.requireValid(name);
            return name;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public List<GroupDescription> groups() {
        return groups.describeAll();
    }

    @Override
    public Optional<GroupDescription> group(String name) {
        return groups.describe(name);
    }

    @Override
    public boolean deleteGroup(String name) {
        return groups.delete(name);
    }

    /** @return the broker's settings */
    public BrokerConfig config() {
        return config;
    }

    /** @return frames and messages appended, and back-pressure waits, summed over writers */
    public long[] writerCounters() {
        long frames = 0;
        long messages = 0;
        long waits = 0;
        for (Writer writer : writers) {
            frames += writer.appendedFrames();
            messages += writer.appendedMessages();
            waits += writer.backPressureWaits();
        }
        return new long[] {frames, messages, waits};
    }

    boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new BrokerException(ErrorCode.CLOSED, "the broker is closed");
        }
    }

    /**
     * Stops taking publishes, lets the writers append and acknowledge what they accepted (up to
     * 10 s), closes subscriptions and groups, then every topic.
     */
    @Override
    public void close() {
        synchronized (adminLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + SHUTDOWN_DRAIN.toNanos();
        for (int i = 0; i < writers.length; i++) {
            if (writerRunners[i] != null) {
                Writer writer = writers[i];
                CompletableFuture<Void> drained = new CompletableFuture<>();
                writer.execute(() -> {
                    writer.drain(deadline);
                    drained.complete(null);
                });
                try {
                    drained.get(SHUTDOWN_DRAIN.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warn("Writer {} did not drain in time", i, e);
                }
                writerRunners[i].close();
            }
        }
        try {
            groups.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the consumer groups failed", e);
        }
        delivery.close();
        for (Topic topic : byName.values()) {
            try {
                topic.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing topic {} failed", topic.name(), e);
            }
        }
        byName.clear();
    }
}
