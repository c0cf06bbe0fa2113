package io.memorystreamer.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.Publishing.Produce;
import io.memorystreamer.client.protocol.Subscriptions.Messages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every body type survives write, frame, decode and read unchanged, and reads refuse trailing bytes. */
class BodiesRoundTripTest {
    static {
        LeakDetection.install();
    }

    @Test
    void everyBodyTypeRoundTripsThroughAFrame() {
        Random random = new Random(42);
        for (int type : Samples.TYPES) {
            for (int i = 0; i < 50; i++) {
                FrameBody body = Samples.random(random, type);
                assertEquals(type, body.type(), Protocol.typeName(type));
                long correlationId = Samples.correlationId(random, type);
                ByteBuf wire = Unpooled.buffer();
                int size = FrameWriter.write(wire, body, correlationId);
                assertEquals(wire.readableBytes(), size);
                byte[] sent = ByteBufUtil.getBytes(wire);

                Frame frame = new FrameDecoder(Protocol.direction(type), Protocol.DEFAULT_MAX_FRAME_BYTES).tryDecode(wire);
                try {
                    assertNotNull(frame, Protocol.typeName(type));
                    assertFalse(wire.isReadable(), "the decoder consumed the whole frame");
                    assertEquals(Protocol.VERSION_1, frame.version());
                    assertEquals(type, frame.type());
                    assertEquals(Protocol.flagsFor(type), frame.flags());
                    assertEquals(correlationId, frame.correlationId());
                    FrameBody read = FrameBody.read(frame);
                    assertEquals(body, read, Protocol.typeName(type));
                    assertFalse(frame.body().isReadable(), "read consumed the body");

                    ByteBuf again = Unpooled.buffer();
                    FrameWriter.write(again, read, correlationId);
                    assertArrayEquals(sent, ByteBufUtil.getBytes(again), "re-encoding " + Protocol.typeName(type) + " gives the same bytes");
                    again.release();
                } finally {
                    wire.release();
                    if (frame != null) {
                        frame.release();
                        assertEquals(0, frame.refCnt(), "the frame held one reference, which it gave up");
                    }
                }
            }
        }
    }

    @Test
    void everyBodyRefusesATrailingByte() {
        Random random = new Random(7);
        for (int type : Samples.TYPES) {
            ByteBuf body = Unpooled.buffer();
            Samples.random(random, type).write(body);
            body.writeByte(0x5A);
            ProtocolException e = assertThrows(ProtocolException.class, () -> FrameBody.read(type, body), Protocol.typeName(type));
            assertEquals(ProtocolError.MALFORMED_FRAME, e.error());
            assertTrue(e.detail().contains("trailing byte"), e.detail());
            body.release();
        }
    }

    @Test
    void everyTruncatedBodyIsMalformed() {
        Random random = new Random(11);
        for (int type : Samples.TYPES) {
            for (int i = 0; i < 20; i++) {
                ByteBuf body = Unpooled.buffer();
                Samples.random(random, type).write(body);
                int full = body.readableBytes();
                for (int cut = 0; cut < full; cut++) {
                    ByteBuf part = body.slice(0, cut);
                    try {
                        FrameBody.read(type, part);
                        // A shorter prefix may still parse when a count or length happens to fit; then it
                        // must have consumed exactly the prefix.
                        assertFalse(part.isReadable());
                    } catch (ProtocolException e) {
                        assertEquals(ProtocolError.MALFORMED_FRAME, e.error(), e.getMessage());
                    }
                }
                body.release();
            }
        }
    }

    @Test
    void aBodyErrorCarriesTheFramesCorrelationId() {
        ByteBuf wire = Unpooled.buffer();
        int start = FrameWriter.begin(wire, Protocol.HELLO, 77);
        wire.writeShort(1).writeShort(1).writeShort(5).writeByte('x');
        FrameWriter.end(wire, start);
        Frame frame = new FrameDecoder(Protocol.Direction.CLIENT_TO_SERVER, Protocol.DEFAULT_MAX_FRAME_BYTES).tryDecode(wire);
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameBody.read(frame));
        assertEquals(77, e.correlationId());
        assertEquals("HELLO clientId: string length 5 exceeds the 1 bytes left in the body", e.detail());
        frame.release();
        wire.release();
    }

    @Test
    void produceCursorWalksMessagesWithoutCopying() {
        ByteBuf out = Unpooled.buffer();
        int countIndex = Produce.beginMessages(out, "orders", 9);
        Produce.appendMessage(out, 0, bytes("k1"), null, bytes("first"));
        Produce.appendMessage(out, 1, Unpooled.wrappedBuffer(bytes("k2")), Unpooled.wrappedBuffer(new byte[] {0, 0}),
                Unpooled.wrappedBuffer(bytes("second")));
        Produce.endMessages(out, countIndex, 2);

        Produce produce = Produce.read(out);
        assertEquals("orders", produce.topic());
        assertEquals(9, produce.producerId());
        assertEquals(2, produce.count());
        Produce.Cursor cursor = produce.cursor();
        assertTrue(cursor.next());
        assertEquals(0, cursor.index());
        assertEquals(0, cursor.sequence());
        assertEquals("k1", cursor.key().toString(StandardCharsets.UTF_8));
        assertEquals(0, cursor.headersLength());
        assertEquals("first", cursor.payload().toString(StandardCharsets.UTF_8));
        cursor.buffer().setByte(cursor.payloadIndex(), 'F');
        assertTrue(out.toString(0, out.writerIndex(), StandardCharsets.UTF_8).contains("First"), "the payload is a view of the received bytes");
        assertTrue(cursor.next());
        assertEquals(1, cursor.sequence());
        assertEquals(2, cursor.headersLength());
        assertEquals("second", cursor.buffer().toString(cursor.payloadIndex(), cursor.payloadLength(), StandardCharsets.UTF_8));
        assertFalse(cursor.next());
        cursor.reset();
        assertTrue(cursor.next());
        assertEquals("k1", cursor.key().toString(StandardCharsets.UTF_8));
        out.release();
    }

    @Test
    void messagesAreAppendedFromANioBufferWithoutMovingIt() {
        ByteBuffer log = ByteBuffer.allocateDirect(64);
        log.put(bytes("key-1")).put(new byte[] {1, 0}).put(bytes("payload!"));
        log.position(3).limit(40);
        ByteBuffer readOnly = log.asReadOnlyBuffer();

        ByteBuf out = Unpooled.buffer();
        int countIndex = Messages.beginMessages(out, -5);
        Messages.appendMessage(out, readOnly, 0, 5, 41, 1_700_000_000_000L, 3, 200, 4096, 7, 5, 2, 7, 8);
        Messages.appendMessage(out, Unpooled.wrappedBuffer(bytes("key-2")), 42, 1_700_000_000_001L, 4, Messages.NO_LANE, 8192, 0, null, null);
        ByteBuf segment = Unpooled.wrappedBuffer(log.duplicate().clear()); // whole: indexes are the segment's
        Messages.appendMessage(out, segment, 0, 5, 43, 1_700_000_000_002L, 5, 0, Long.MAX_VALUE, Integer.MAX_VALUE, 5, 2, 7, 8);
        assertEquals(0, segment.readerIndex());
        Messages.endMessages(out, countIndex, 3);
        assertEquals(3, readOnly.position(), "the source's position did not move");
        assertEquals(40, readOnly.limit());

        Messages messages = Messages.read(out);
        assertEquals(-5, messages.subscriptionId());
        Messages.Cursor cursor = messages.cursor();
        assertTrue(cursor.next());
        assertEquals("key-1", cursor.key().toString(StandardCharsets.UTF_8));
        assertEquals(41, cursor.streamOffset());
        assertEquals(1_700_000_000_000L, cursor.timestamp());
        assertEquals(3, cursor.shard());
        assertEquals(200, cursor.lane());
        assertEquals(4096, cursor.framePosition());
        assertEquals(7, cursor.indexInFrame());
        assertArrayEquals(new byte[] {1, 0}, ByteBufUtil.getBytes(cursor.headers()));
        assertEquals("payload!", cursor.payload().toString(StandardCharsets.UTF_8));
        assertTrue(cursor.next());
        assertEquals(42, cursor.streamOffset());
        assertEquals(Messages.NO_LANE, cursor.lane());
        assertEquals(8192, cursor.framePosition());
        assertEquals(0, cursor.indexInFrame());
        assertEquals(0, cursor.headersLength());
        assertEquals(0, cursor.payloadLength());
        assertTrue(cursor.next());
        assertEquals(43, cursor.streamOffset());
        assertEquals(0, cursor.lane());
        assertEquals(Long.MAX_VALUE, cursor.framePosition());
        assertEquals(Integer.MAX_VALUE, cursor.indexInFrame());
        assertEquals("key-1", cursor.key().toString(StandardCharsets.UTF_8));
        assertEquals("payload!", cursor.payload().toString(StandardCharsets.UTF_8));
        assertFalse(cursor.next());
        out.release();
    }

    @Test
    void messagesRefuseALaneBelowMinusOneAndAnIndexAboveTheSizeLimit() {
        ByteBuf out = Unpooled.buffer();
        int countIndex = Messages.beginMessages(out, 1);
        Messages.appendMessage(out, Unpooled.wrappedBuffer(bytes("k")), 0, 0, 0, 3, 0, 0, null, null);
        Messages.endMessages(out, countIndex, 1);
        ByteBuf badLane = out.copy();
        badLane.setInt(4 + 4 + 4 + 1 + 8 + 8 + 4, -2);
        ProtocolException lane = assertThrows(ProtocolException.class, () -> Messages.read(badLane));
        assertEquals("MESSAGES message 0 of 1: lane -2 is neither a lane (0 or more) nor -1 (outside a group)", lane.detail());
        ByteBuf badIndex = out.copy();
        badIndex.setInt(4 + 4 + 4 + 1 + 8 + 8 + 4 + 4 + 8, -1);
        assertThrows(ProtocolException.class, () -> Messages.read(badIndex));
        assertThrows(IllegalArgumentException.class, () -> Messages.appendMessage(out, Unpooled.wrappedBuffer(bytes("k")), 0, 0, 0, -2, 0, 0, null, null));
        out.release();
        badLane.release();
        badIndex.release();
    }

    @Test
    void commitCarriesOnePositionPerLane() {
        Groups.Commit commit = new Groups.Commit(7, java.util.List.of(new Groups.Position(3, 1024, 2), new Groups.Position(70, 0, 0)));
        ByteBuf out = Unpooled.buffer();
        commit.write(out);
        assertEquals(4 + 4 + 2 * Groups.Commit.POSITION_BYTES, out.readableBytes());
        assertEquals("00000007" + "00000002" + "00000003" + "0000000000000400" + "00000002" + "00000046" + "0000000000000000" + "00000000",
                ByteBufUtil.hexDump(out));
        assertEquals(commit, Groups.Commit.read(out.duplicate()));
        assertEquals(new Groups.Commit(7, java.util.List.of()), Groups.Commit.read(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 7, 0, 0, 0, 0})));
        ByteBuf negative = out.copy();
        negative.setInt(8, -1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Groups.Commit.read(negative));
        assertEquals("COMMIT position 0: lane -1 and framePosition 1024 are 0 or more", e.detail());
        ByteBuf tooMany = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 0});
        assertThrows(ProtocolException.class, () -> Groups.Commit.read(tooMany));
        assertThrows(IllegalArgumentException.class, () -> new Groups.Position(0, -1, 0));
        out.release();
        negative.release();
    }

    @Test
    void produceRefusesACountItsBytesCannotHold() {
        ByteBuf body = Unpooled.buffer();
        Codec.writeString(body, "t");
        body.writeLong(0).writeInt(1_000_000);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Produce.read(body));
        assertEquals("PRODUCE count: count 1000000 needs at least 20000000 bytes but 0 are left in the body", e.detail());
        body.release();
    }

    @Test
    void produceNamesTheMessageThatIsMalformed() {
        ByteBuf body = Unpooled.buffer();
        int countIndex = Produce.beginMessages(body, "t", 0);
        Produce.appendMessage(body, 0, bytes("a"), null, bytes("x"));
        body.writeLong(1).writeInt(1).writeByte('b').writeInt(-1).writeInt(500).writeByte(1);
        Produce.endMessages(body, countIndex, 2);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Produce.read(body));
        assertEquals("PRODUCE message 1 of 2: payload: bytes length 500 exceeds the 1 bytes left in the body", e.detail());
        body.release();
    }

    @Test
    void wireEnumsRefuseUnknownNumbers() {
        ByteBuf body = Unpooled.buffer();
        new TopicAdmin.CreateTopic("t", 1, TopicAdmin.Durability.SYNC, 0, 0, 0).write(body);
        body.setByte(2 + 1 + 2, 3);
        ProtocolException e = assertThrows(ProtocolException.class, () -> TopicAdmin.CreateTopic.read(body));
        assertEquals("CREATE_TOPIC durability: 3 is not a durability (0 none, 1 batch, 2 sync)", e.detail());
        body.release();
    }

    @Test
    void helloNegotiatesTheHighestCommonVersion() {
        assertEquals(1, new Handshake.Hello(1, 3, "", "").negotiate(1, 1));
        assertEquals(2, new Handshake.Hello(1, 3, "", "").negotiate(1, 2));
        assertEquals(0, new Handshake.Hello(2, 3, "", "").negotiate(1, 1));
        assertEquals(0, new Handshake.Hello(3, 1, "", "").negotiate(1, 5), "an empty client range");
        assertFalse(new Handshake.Hello(1, 1, "me", "secret").toString().contains("secret"), "toString hides the token");
    }

    @Test
    void errorBodyNamesKnownAndUnknownCodes() {
        FrameBody.ErrorBody known = FrameBody.ErrorBody.of(ProtocolError.UNKNOWN_TOPIC, "no topic 'x'");
        assertEquals(ProtocolError.UNKNOWN_TOPIC, known.error().orElseThrow());
        assertEquals("ErrorBody{UNKNOWN_TOPIC (2): no topic 'x'}", known.toString());
        FrameBody.ErrorBody unknown = new FrameBody.ErrorBody(4711, "from the future");
        assertTrue(unknown.error().isEmpty());
        assertEquals(FrameBody.ErrorBody.MAX_MESSAGE_CHARS, FrameBody.ErrorBody.of(ProtocolError.CLOSED, "x".repeat(10_000)).message().length());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
