package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.PublishInterceptor;
import io.memorystreamer.multiplexing.JumpHashPlacement;
import io.memorystreamer.multiplexing.StreamPlacement;
import io.memorystreamer.multiplexing.StreamRegistries;
import io.memorystreamer.multiplexing.StreamRegistry;
import io.memorystreamer.multiplexing.StreamState;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.Compression;
import io.memorystreamer.wal.LogConfig;
import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open topic: its settings, its shards (one write-ahead log each), its stream registry, the
 * placement that routes a stream key to a shard, and the slot holding its interceptor chain.
 *
 * <p>On disk, under {@code topics/<name>/}: {@code topic.settings} ({@link TopicFiles}),
 * {@code shard-<i>/} (each shard's log), {@code streams/} (the registry) and
 * {@code registry.checkpoint} ({@link RegistryCheckpoint}).
 *
 * <p>Threading: immutable references, plus volatile settings and chain (replaced whole by admin
 * threads, read by publishers). Invariant: the registry's next offset of each stream is one past
 * the highest offset in the logs, once {@link #open} returns (it replays what a crash left
 * between an append and the registry update).
 */
final class Topic {
    private static final Logger LOG = LoggerFactory.getLogger(Topic.class);
    static final PublishInterceptor[] NO_INTERCEPTORS = new PublishInterceptor[0];

    final int id;
    final Path directory;
    final StreamPlacement placement;
    final StreamRegistry registry;
    final Shard[] shards;
    final RegistryCheckpoint checkpoint;
    final int writerIndex;
    volatile TopicSettings settings;
    volatile PublishInterceptor[] interceptors = NO_INTERCEPTORS;
    volatile boolean closed;

    private Topic(int id, Path directory, TopicSettings settings, StreamRegistry registry, RegistryCheckpoint checkpoint, int writerIndex) {
        this.id = id;
        this.directory = directory;
        this.settings = settings;
        this.placement = placement(settings.placement());
        this.registry = registry;
        this.checkpoint = checkpoint;
        this.writerIndex = writerIndex;
        this.shards = new Shard[settings.shardCount()];
    }

    String name() {
        return settings.name();
    }

    /**
     * Opens a topic's directory: its logs (recovering them), registry and checkpoint, then
     * replays log records the registry missed.
     */
    static Topic open(int id, Path directory, TopicSettings settings, BrokerConfig config, int writerIndex) throws IOException {
        StreamRegistry registry = null;
        RegistryCheckpoint checkpoint = null;
        List<WriteAheadLog> opened = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            registry = StreamRegistries.open(directory.resolve("streams"), settings.name(), config.streamsPerTopic());
            checkpoint = RegistryCheckpoint.open(directory.resolve(RegistryCheckpoint.FILE_NAME), settings.shardCount());
            Topic topic = new Topic(id, directory, settings, registry, checkpoint, writerIndex);
            for (int i = 0; i < settings.shardCount(); i++) {
                WriteAheadLog log = WriteAheadLog.open(logConfig(directory.resolve("shard-" + i), settings, config, i));
                opened.add(log);
                topic.shards[i] = new Shard(topic, i, log);
            }
            for (Shard shard : topic.shards) {
                topic.replay(shard);
            }
            return topic;
        } catch (IOException | RuntimeException e) {
            for (WriteAheadLog log : opened) {
                log.close();
            }
            if (checkpoint != null) {
                checkpoint.close();
            }
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    static LogConfig logConfig(Path directory, TopicSettings settings, BrokerConfig config, int shard) {
        LogConfig.Builder builder = LogConfig.builder(directory)
                .name(settings.name() + "-" + shard)
                .segmentSize(config.segmentBytes())
                .maxRecordSize(config.maxFrameBytes())
                .durability(settings.durability())
                .flushInterval(config.flushInterval())
                .maxUnflushedBytes(config.maxUnflushedBytes())
                .retentionBytes(settings.retentionBytesPerShard())
                .preallocate(config.preallocate())
                .compression(Compression.NONE);
        if (settings.retentionAge() != null) {
            builder.retentionAge(settings.retentionAge());
        }
        return builder.build();
    }

    static StreamPlacement placement(String name) {
        if (JumpHashPlacement.NAME.equals(name)) {
            return JumpHashPlacement.INSTANCE;
        }
        throw new IllegalArgumentException("unknown placement '" + name + "'; this broker knows " + JumpHashPlacement.NAME);
    }

    /**
     * Brings the registry up to the log: records appended after the shard's checkpoint whose
     * stream offsets the registry does not know yet (a crash between append and registry update)
     * advance their streams.
     */
    private void replay(Shard shard) {
        long from = Math.max(checkpoint.position(shard.index), shard.log.startPosition());
        LogCursor cursor = shard.log.cursor(shard.log.frameAtOrAfter(from));
        StreamState state = new StreamState();
        long[] replayed = new long[1];
        long end = shard.log.publishedPosition();
        while (cursor.position() < end) {
            int frames = cursor.poll(record -> {
                ByteBuffer key = record.buffer().duplicate().limit(record.keyOffset() + record.keyLength()).position(record.keyOffset());
                long next = record.streamOffset() + 1;
                if (!registry.get(key, state)) {
                    registry.lookupOrCreate(key, record.timestamp());
                    registry.get(key, state);
                }
                if (state.nextOffset() < next) {
                    registry.advance(key, next, record.position(), record.timestamp());
                    replayed[0]++;
                }
            }, 1024);
            if (frames == 0) {
                break;
            }
        }
        checkpoint.update(shard.index, cursor.position());
        if (replayed[0] > 0) {
            LOG.warn("Topic {} shard {}: {} record(s) appended before a crash were missing from the stream registry; replayed from the log",
                    name(), shard.index, replayed[0]);
        }
    }

    /** Closes logs, registry and checkpoint; the writer must no longer touch the topic. */
    void close() {
        closed = true;
        for (Shard shard : shards) {
            if (shard != null) {
                shard.log.close();
            }
        }
        checkpoint.close();
        registry.close();
    }

    @Override
    public String toString() {
        return "Topic[" + name() + ", id " + id + "]";
    }
}
