package io.memorystreamer.broker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memorystreamer.broker.MessageHandler;
import io.memorystreamer.broker.MessageView;
import io.memorystreamer.multiplexing.TopicSettings;
import io.memorystreamer.wal.LogAppender;
import io.memorystreamer.wal.RecordBatch;
import io.memorystreamer.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Test support for delivery and groups: a real topic over real files, appended to directly (as
 * the writer would: registry id, append, registry advance), and a handler that records what it
 * got. Appends come from one thread at a time.
 */
final class DeliveryFixture {
    final Path dir;
    final BrokerConfig config;
    Topic topic;
    private LogAppender[] appenders;

    DeliveryFixture(Path dir, int shards, int lanesPerShard) throws IOException {
        this.dir = dir;
        this.config = BrokerConfig.defaults(dir).withSegmentBytes(1 << 20).withPreallocate(false).withLanesPerShard(lanesPerShard);
        this.topic = Topic.open(0, dir.resolve("topics").resolve("t"), TopicSettings.builder("t").shardCount(shards).build(), config, 0);
        this.appenders = appenders(topic);
    }

    private static LogAppender[] appenders(Topic topic) {
        LogAppender[] result = new LogAppender[topic.shards.length];
        for (Shard shard : topic.shards) {
            result[shard.index] = shard.log.appender();
        }
        return result;
    }

    /** Closes and opens the topic again (a broker restart). */
    void reopen() throws IOException {
        topic.close();
        topic = Topic.open(0, dir.resolve("topics").resolve("t"), TopicSettings.builder("t").shardCount(topic.shards.length).build(), config, 0);
        appenders = appenders(topic);
    }

    int shardOf(String key) {
        return topic.placement.shard(key, topic.shards.length);
    }

    /** Appends one message as its own frame. @return its stream offset */
    long append(String key, String payload, long timestamp) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long id = topic.registry.lookupOrCreate(k, 0, k.length, timestamp);
        long offset = topic.registry.nextOffset(k, 0, k.length);
        int shard = shardOf(key);
        long position = appenders[shard].append(id, offset, timestamp, k, null, payload.getBytes(StandardCharsets.UTF_8));
        assertTrue(position >= 0, "appended");
        topic.registry.advance(k, 0, k.length, offset + 1, position, timestamp);
        return offset;
    }

    long append(String key, String payload) {
        return append(key, payload, System.currentTimeMillis());
    }

    /** Appends messages of keys that are all on one shard as one frame (one batch). */
    void appendBatch(List<String> keys, String payloadPrefix, long timestamp) {
        int shard = shardOf(keys.get(0));
        RecordBatch batch = new RecordBatch(4096);
        List<byte[]> encoded = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        Map<String, Long> next = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            assertEquals(shard, shardOf(key), "a batch is on one shard");
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            long id = topic.registry.lookupOrCreate(k, 0, k.length, timestamp);
            long offset = next.computeIfAbsent(key, x -> topic.registry.nextOffset(k, 0, k.length));
            next.put(key, offset + 1);
            batch.add(id, offset, timestamp, k, null, (payloadPrefix + i).getBytes(StandardCharsets.UTF_8));
            encoded.add(k);
            offsets.add(offset);
        }
        long position = appenders[shard].append(batch);
        assertTrue(position >= 0, "appended");
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = encoded.get(i);
            if (topic.registry.nextOffset(k, 0, k.length) <= offsets.get(i)) {
                topic.registry.advance(k, 0, k.length, offsets.get(i) + 1, position, timestamp);
            }
        }
    }

    /** Waits until every shard's flusher has seen every append (published position, timestamps for positionOfTimestamp). */
    void settle() {
        for (Shard shard : topic.shards) {
            await(() -> shard.log.publishedPosition() == shard.log.tailPosition(), "shard " + shard.index + " is published");
        }
    }

    WriteAheadLog log(int shard) {
        return topic.shards[shard].log;
    }

    /** @return keys {@code prefix0..prefix(n-1)} that all land on one shard */
    List<String> keysOnShard(String prefix, int shard, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < count; i++) {
            if (shardOf(prefix + i) == shard) {
                keys.add(prefix + i);
            }
        }
        return keys;
    }

    void close() {
        topic.close();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records {@code key@offset=payload} of each message, in delivery order. */
    static class Recorder implements MessageHandler {
        final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onMessage(MessageView message) {
            messages.add(message.keyAsString() + "@" + message.streamOffset() + "=" + message.payloadAsString());
        }

        int size() {
            return messages.size();
        }

        List<String> snapshot() {
            synchronized (messages) {
                return new ArrayList<>(messages);
            }
        }

        /** @return the messages as {@code key@offset} only */
        List<String> ids() {
            List<String> ids = new ArrayList<>();
            for (String message : snapshot()) {
                ids.add(message.substring(0, message.indexOf('=')));
            }
            return ids;
        }
    }
}
