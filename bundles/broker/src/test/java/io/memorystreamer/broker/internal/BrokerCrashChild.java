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

/**
 * The broker that {@link BrokerCrashTest} kills: publishes to a sync-durability topic as fast as
 * it can, printing {@code A <key> <offset>} for each acknowledgement, while a consumer group
 * member processes the messages and commits every 20 ms the exact positions it processed,
 * printing {@code C <key> <offset>} (the last offset each commit covers) before the commit. It
 * never stops by itself.
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
        // What the member processed: per stream the last offset, per lane the position after the
        // last message. Both change together under the lock, so a snapshot is consistent.
        Map<String, Long> processed = new HashMap<>();
        Map<Integer, long[]> lanes = new HashMap<>();
        Object lock = new Object();
        GroupMember member = broker.joinGroup(GroupRequest.of(GROUP, TOPIC).withMemberId("child"), message -> {
            synchronized (lock) {
                processed.merge(message.keyAsString(), message.streamOffset(), Math::max);
                lanes.put(message.lane(), new long[] {message.position(), message.indexInFrame() + 1});
            }
        });
        Thread committer = new Thread(() -> {
            while (true) {
                Map<String, Long> snapshot;
                int[] laneIds;
                long[] frames;
                int[] indexes;
                synchronized (lock) {
                    snapshot = new HashMap<>(processed);
                    laneIds = new int[lanes.size()];
                    frames = new long[lanes.size()];
                    indexes = new int[lanes.size()];
                    int i = 0;
                    for (Map.Entry<Integer, long[]> lane : lanes.entrySet()) {
                        laneIds[i] = lane.getKey();
                        frames[i] = lane.getValue()[0];
                        indexes[i] = (int) lane.getValue()[1];
                        i++;
                    }
                }
                // The intent first: what this commit covers, exactly (explicit positions), so the
                // parent knows an upper bound of what is committed even if the kill lands mid-commit.
                synchronized (out) {
                    snapshot.forEach((key, offset) -> out.println("C " + key + " " + offset));
                    out.flush();
                }
                member.commit(laneIds, frames, indexes);
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
