package io.memorystreamer.client.protocol;

import io.memorystreamer.client.protocol.FrameBody.Empty;
import io.memorystreamer.client.protocol.FrameBody.ErrorBody;
import io.memorystreamer.client.protocol.Groups.Assignment;
import io.memorystreamer.client.protocol.Groups.Commit;
import io.memorystreamer.client.protocol.Groups.Heartbeat;
import io.memorystreamer.client.protocol.Groups.JoinGroup;
import io.memorystreamer.client.protocol.Groups.Joined;
import io.memorystreamer.client.protocol.Groups.LeaveGroup;
import io.memorystreamer.client.protocol.Handshake.Hello;
import io.memorystreamer.client.protocol.Handshake.HelloOk;
import io.memorystreamer.client.protocol.Handshake.MetadataOk;
import io.memorystreamer.client.protocol.Publishing.Ack;
import io.memorystreamer.client.protocol.Publishing.AckStatus;
import io.memorystreamer.client.protocol.Publishing.Produce;
import io.memorystreamer.client.protocol.Publishing.ProduceAck;
import io.memorystreamer.client.protocol.Publishing.ProducerId;
import io.memorystreamer.client.protocol.Subscriptions.Credit;
import io.memorystreamer.client.protocol.Subscriptions.Kind;
import io.memorystreamer.client.protocol.Subscriptions.Messages;
import io.memorystreamer.client.protocol.Subscriptions.StartKind;
import io.memorystreamer.client.protocol.Subscriptions.Subscribe;
import io.memorystreamer.client.protocol.Subscriptions.Subscribed;
import io.memorystreamer.client.protocol.Subscriptions.SubscriptionEnded;
import io.memorystreamer.client.protocol.Subscriptions.Unsubscribe;
import io.memorystreamer.client.protocol.Subscriptions.Unsubscribed;
import io.memorystreamer.client.protocol.TopicAdmin.CreateTopic;
import io.memorystreamer.client.protocol.TopicAdmin.Deleted;
import io.memorystreamer.client.protocol.TopicAdmin.DeleteTopic;
import io.memorystreamer.client.protocol.TopicAdmin.DescribeTopic;
import io.memorystreamer.client.protocol.TopicAdmin.Durability;
import io.memorystreamer.client.protocol.TopicAdmin.TopicInfo;
import io.memorystreamer.client.protocol.TopicAdmin.TopicsInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random, valid bodies of every frame type, from a seeded {@link Random}, for round trips and the
 * fuzz test. Buffers they hold wrap arrays (no release needed).
 */
final class Samples {
    /** Every type code version 1 defines. */
    static final int[] TYPES = knownTypes();

    private static final String[] ODD_TEXT = {"", "orders", "orders/customer-42", "caf\u00e9", "\u4e2d\u6587", "\ud83d\ude80 rocket", "a b\tc"};

    private Samples() {
    }

    private static int[] knownTypes() {
        List<Integer> types = new ArrayList<>();
        for (int type = 0; type < 256; type++) {
            if (Protocol.isKnownType(type)) {
                types.add(type);
            }
        }
        return types.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] types(Protocol.Direction direction) {
        return java.util.Arrays.stream(TYPES).filter(t -> Protocol.direction(t) == direction).toArray();
    }

    /** @return a correlation id the type allows: 0 for pushes, sometimes 0 for ERROR, else a random non-zero id */
    static long correlationId(Random r, int type) {
        if (Protocol.isPush(type) || type == Protocol.ERROR && r.nextBoolean()) {
            return 0;
        }
        long id = r.nextInt(3) == 0 ? 1 + r.nextInt(100) : r.nextLong();
        return id == 0 ? 1 : id;
    }

    static FrameBody random(Random r, int type) {
        switch (type) {
            case Protocol.HELLO:
                return new Hello(1 + r.nextInt(3), 1 + r.nextInt(5), text(r), text(r));
            case Protocol.HELLO_OK:
                return new HelloOk(1, text(r), r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE));
            case Protocol.METADATA_OK:
                return new MetadataOk(text(r), r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(Integer.MAX_VALUE), r.nextInt(1000),
                        r.nextInt(Integer.MAX_VALUE), r.nextInt(Integer.MAX_VALUE));
            case Protocol.METADATA:
            case Protocol.LIST_TOPICS:
            case Protocol.INIT_PRODUCER:
            case Protocol.OK:
                return new Empty(type);
            case Protocol.CREATE_TOPIC:
                return new CreateTopic(text(r), r.nextInt(0x10000), pick(r, Durability.values()), r.nextLong(), r.nextLong(), r.nextInt());
            case Protocol.DESCRIBE_TOPIC:
                return new DescribeTopic(text(r));
            case Protocol.DELETE_TOPIC:
                return new DeleteTopic(text(r));
            case Protocol.TOPICS: {
                List<TopicInfo> topics = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    topics.add(new TopicInfo(text(r), r.nextInt(0x10000), pick(r, Durability.values()), r.nextLong(), r.nextLong(), r.nextInt(),
                            r.nextLong(), r.nextLong()));
                }
                return new TopicsInfo(topics);
            }
            case Protocol.DELETED:
                return new Deleted(r.nextBoolean());
            case Protocol.PRODUCER:
                return new ProducerId(r.nextLong());
            case Protocol.PRODUCE:
                return produce(r);
            case Protocol.PRODUCE_ACK: {
                List<Ack> acks = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    acks.add(new Ack(r.nextLong(), pick(r, AckStatus.values())));
                }
                return new ProduceAck(acks);
            }
            case Protocol.SUBSCRIBE:
                return new Subscribe(r.nextInt(), text(r), pick(r, Kind.values()), text(r), pick(r, StartKind.values()), r.nextLong(), r.nextLong());
            case Protocol.SUBSCRIBED:
                return new Subscribed(r.nextInt());
            case Protocol.CREDIT:
                return new Credit(r.nextInt(), r.nextLong());
            case Protocol.UNSUBSCRIBE:
                return new Unsubscribe(r.nextInt());
            case Protocol.UNSUBSCRIBED:
                return new Unsubscribed(r.nextInt());
            case Protocol.MESSAGES:
                return messages(r);
            case Protocol.SUBSCRIPTION_ENDED:
                return new SubscriptionEnded(r.nextInt(), r.nextInt(0x10000), text(r));
            case Protocol.JOIN_GROUP:
                return new JoinGroup(r.nextInt(), text(r), text(r), text(r), pick(r, StartKind.values()), r.nextLong(), r.nextInt(), r.nextLong());
            case Protocol.JOINED:
                return new Joined(r.nextInt(), text(r), lanes(r));
            case Protocol.ASSIGNMENT:
                return new Assignment(r.nextInt(), lanes(r));
            case Protocol.HEARTBEAT:
                return new Heartbeat(r.nextInt());
            case Protocol.COMMIT:
                return new Commit(r.nextInt(), positions(r));
            case Protocol.LEAVE_GROUP:
                return new LeaveGroup(r.nextInt());
            case Protocol.ERROR:
                return new ErrorBody(r.nextInt(0x10000), text(r));
            default:
                throw new IllegalArgumentException("no sample for " + Protocol.typeName(type));
        }
    }

    static Produce produce(Random r) {
        ByteBuf out = Unpooled.buffer();
        try {
            int countIndex = Produce.beginMessages(out, text(r), r.nextInt(3) == 0 ? 0 : r.nextLong());
            int count = r.nextInt(5);
            for (int i = 0; i < count; i++) {
                Produce.appendMessage(out, r.nextLong(), bytes(r, false), bytes(r, true), bytes(r, true));
            }
            Produce.endMessages(out, countIndex, count);
            return Produce.read(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(out)));
        } finally {
            out.release();
        }
    }

    static Messages messages(Random r) {
        ByteBuf out = Unpooled.buffer();
        try {
            int countIndex = Messages.beginMessages(out, r.nextInt());
            int count = r.nextInt(5);
            for (int i = 0; i < count; i++) {
                byte[] key = bytes(r, false);
                byte[] headers = bytes(r, true);
                byte[] payload = bytes(r, true);
                Messages.appendMessage(out, key == null ? null : Unpooled.wrappedBuffer(key), r.nextLong(), r.nextLong(), r.nextInt(1024),
                        r.nextInt(3) == 0 ? Messages.NO_LANE : r.nextInt(1 << 20), r.nextLong(), r.nextInt(Integer.MAX_VALUE),
                        headers == null ? null : Unpooled.wrappedBuffer(headers), payload == null ? null : Unpooled.wrappedBuffer(payload));
            }
            Messages.endMessages(out, countIndex, count);
            return Messages.read(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(out)));
        } finally {
            out.release();
        }
    }

    private static List<Groups.Position> positions(Random r) {
        List<Groups.Position> positions = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            positions.add(new Groups.Position(r.nextInt(Integer.MAX_VALUE), r.nextLong() & Long.MAX_VALUE, r.nextInt(Integer.MAX_VALUE)));
        }
        return positions;
    }

    private static List<String> lanes(Random r) {
        List<String> lanes = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            lanes.add(r.nextInt(1024) + "." + r.nextInt(64));
        }
        return lanes;
    }

    static String text(Random r) {
        if (r.nextInt(3) == 0) {
            return ODD_TEXT[r.nextInt(ODD_TEXT.length)];
        }
        StringBuilder text = new StringBuilder();
        for (int i = r.nextInt(24); i > 0; i--) {
            text.append((char) (' ' + r.nextInt(95)));
        }
        return text.toString();
    }

    /** @return random bytes, empty, or (when allowed) null for absent */
    static byte[] bytes(Random r, boolean mayBeAbsent) {
        int shape = r.nextInt(8);
        if (shape == 0 && mayBeAbsent) {
            return null;
        }
        byte[] bytes = new byte[shape == 1 ? 0 : r.nextInt(shape == 2 ? 600 : 40)];
        r.nextBytes(bytes);
        return bytes;
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }
}
