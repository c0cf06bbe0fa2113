package io.memorystreamer.broker.internal;

import io.memorystreamer.broker.BrokerException;
import io.memorystreamer.broker.GroupMember;
import io.memorystreamer.broker.GroupRequest;
import io.memorystreamer.broker.PublishListener;
import io.memorystreamer.broker.Publisher;
import io.memorystreamer.multiplexing.TopicSettings;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker that {@link BrokerCrashTest} kills: publishes to a sync-durability topic as fast as
 * it can, printing {@code A <key> <offset>} for each acknowledgement, while a consumer group
 * member processes the messages and commits every 20 ms, printing {@code C <key> <offset>} (the
 * last offset processed before the commit) once each commit returns. It never stops by itself.
 */
public final class BrokerCrashChild {
    static final String TOPIC = "crash";
    static final String GROUP = "g";
    static final int STREAMS = 8;

    private BrokerCrashChild() {
    }

    /**
     * @param args the data directory
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        LocalBroker broker = LocalBroker.open(BrokerCrashTest.config(Path.of(args[0])));
        if (broker.topic(TOPIC).isEmpty()) {
            broker.createTopic(TopicSettings.builder(TOPIC).shardCount(2).durability("sync").maxMessageSize(64 * 1024).build());
        }
        Map<String, Long> processed = new ConcurrentHashMap<>();
        GroupMember member = broker.joinGroup(GroupRequest.of(GROUP, TOPIC).withMemberId("child"),
                message -> processed.merge(message.keyAsString(), message.streamOffset(), Math::max));
        Thread committer = new Thread(() -> {
            while (true) {
                Map<String, Long> snapshot = new HashMap<>(processed);
                member.commit();
                synchronized (out) {
                    snapshot.forEach((key, offset) -> out.println("C " + key + " " + offset));
                    out.flush();
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "committer");
        committer.start();
        PublishListener listener = new PublishListener() {
            @Override
            public void onPublished(long token, int index, long streamOffset) {
                synchronized (out) {
                    out.println("A s" + (token % STREAMS) + " " + streamOffset);
                    out.flush();
                }
            }

            @Override
            public void onFailed(long token, int index, BrokerException error) {
                synchronized (out) {
                    out.println("F " + token + " " + error.getMessage());
                    out.flush();
                }
            }
        };
        Publisher publisher = broker.publisher(listener);
        byte[] payload = new byte[100];
        for (long token = 0;; token++) {
            ByteBuffer key = ByteBuffer.wrap(("s" + (token % STREAMS)).getBytes(StandardCharsets.UTF_8));
            while (publisher.publish(TOPIC, key, null, ByteBuffer.wrap(payload), token) == Publisher.BACK_PRESSURED) {
                Thread.onSpinWait();
            }
        }
    }
}
