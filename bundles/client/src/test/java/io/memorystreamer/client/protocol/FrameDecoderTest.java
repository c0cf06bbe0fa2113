package io.memorystreamer.client.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.client.protocol.Protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The frame decoder on whole, split, corrupt, oversized and out-of-place input. */
class FrameDecoderTest {
    static {
        LeakDetection.install();
    }

    private static final int SMALL_MAX = 4096;

    /** A few frames of different shapes, one with a body of some hundreds of bytes. */
    private static List<byte[]> someFrames(Direction direction, long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        int[] types = Samples.types(direction);
        for (int i = 0; i < 4; i++) {
            int type = types[random.nextInt(types.length)];
            frames.add(Wire.frame(Samples.random(random, type), Samples.correlationId(random, type)));
        }
        ByteBuf big = Unpooled.buffer();
        int countIndex = Subscriptions.Messages.beginMessages(big, 1);
        Subscriptions.Messages.appendMessage(big, Unpooled.wrappedBuffer(new byte[] {'k'}), 0, 0, 0, -1, 0, 0, null,
                Unpooled.wrappedBuffer(new byte[700]));
        Subscriptions.Messages.endMessages(big, countIndex, 1);
        if (direction == Direction.SERVER_TO_CLIENT) {
            frames.add(Wire.frame(Subscriptions.Messages.read(big), 0));
        }
        big.release();
        return frames;
    }

    private static void assertSameFrames(List<byte[]> expected, List<Frame> actual, String context) {
        assertEquals(expected.size(), actual.size(), context);
        for (int i = 0; i < expected.size(); i++) {
            Frame frame = actual.get(i);
            ByteBuf again = Unpooled.buffer();
            int start = FrameWriter.begin(again, frame.version(), frame.type(), frame.flags(), frame.correlationId());
            again.writeBytes(frame.body(), frame.body().readerIndex(), frame.body().readableBytes());
            FrameWriter.end(again, start);
            assertArrayEquals(expected.get(i), ByteBufUtil.getBytes(again), context + ", frame " + i);
            again.release();
        }
    }

    /** Releases frames, checking each gave up exactly its one reference (its body may share the input's count). */
    private static void release(List<Frame> frames) {
        for (Frame frame : frames) {
            int before = frame.refCnt();
            frame.release();
            assertEquals(before - 1, frame.refCnt());
        }
    }

    @Test
    void framesSplitAtEveryPointDecodeTheSame() {
        for (Direction direction : Direction.values()) {
            List<byte[]> frames = someFrames(direction, direction.ordinal());
            byte[] stream = Wire.concat(frames.toArray(new byte[0][]));
            for (int split = 0; split <= stream.length; split++) {
                Wire.Feed feed = new Wire.Feed(direction, Protocol.DEFAULT_MAX_FRAME_BYTES);
                List<Frame> decoded = new ArrayList<>();
                assertNull(feed.write(stream, 0, split, split % 2 == 0));
                decoded.addAll(feed.frames());
                assertNull(feed.write(stream, split, stream.length, split % 3 == 0));
                decoded.addAll(feed.frames());
                assertSameFrames(frames, decoded, direction + ", split at " + split);
                release(decoded);
                assertNull(feed.finish());
                assertEquals(0, feed.unreleased(), "split at " + split);
            }
        }
    }

    @Test
    void framesSplitAtEveryPairOfPointsDecodeTheSame() {
        byte[] stream = Wire.concat(Wire.frame(new Handshake.Hello(1, 1, "client", ""), 1),
                Wire.frame(new Subscriptions.Credit(3, 100), 4), Wire.frame(new FrameBody.Empty(Protocol.METADATA), 2));
        List<byte[]> expected = List.of(Wire.frame(new Handshake.Hello(1, 1, "client", ""), 1), Wire.frame(new Subscriptions.Credit(3, 100), 4),
                Wire.frame(new FrameBody.Empty(Protocol.METADATA), 2));
        for (int first = 0; first <= stream.length; first++) {
            for (int second = first; second <= stream.length; second++) {
                Wire.Feed feed = new Wire.Feed(Direction.CLIENT_TO_SERVER, SMALL_MAX);
                assertNull(feed.write(stream, 0, first, false));
                assertNull(feed.write(stream, first, second, true));
                assertNull(feed.write(stream, second, stream.length, false));
                List<Frame> decoded = feed.frames();
                assertSameFrames(expected, decoded, "splits at " + first + " and " + second);
                release(decoded);
                feed.finish();
                assertEquals(0, feed.unreleased());
            }
        }
    }

    @Test
    void framesFedByteByByteDecodeTheSame() {
        List<byte[]> frames = someFrames(Direction.SERVER_TO_CLIENT, 99);
        byte[] stream = Wire.concat(frames.toArray(new byte[0][]));
        Wire.Feed feed = new Wire.Feed(Direction.SERVER_TO_CLIENT, SMALL_MAX);
        List<Frame> decoded = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            assertNull(feed.write(stream, i, i + 1, false));
            decoded.addAll(feed.frames());
        }
        assertSameFrames(frames, decoded, "byte by byte");
        release(decoded);
        feed.finish();
        assertEquals(0, feed.unreleased());
    }

    @Test
    void aLengthBelowTheMinimumIsRefusedAsSoonAsItsFourBytesArrive() {
        Wire.Feed feed = new Wire.Feed(Direction.CLIENT_TO_SERVER, SMALL_MAX);
        assertNull(feed.write(new byte[] {0, 0, 0}));
        RuntimeException e = feed.write(new byte[] {19});
        ProtocolException refused = assertInstanceOf(ProtocolException.class, e);
        assertEquals(ProtocolError.MALFORMED_FRAME, refused.error());
        assertEquals(0, refused.correlationId());
        assertEquals("frame length 19 is below the minimum 20", refused.detail());
        feed.finish();
        assertEquals(0, feed.unreleased());
    }

    @Test
    void anOversizedLengthIsRefusedAfterTheHeaderWithoutBufferingTheBody() {
        byte[] header = header(0x7FFF_FFF0, Protocol.PRODUCE, 0, 1234);
        Wire.Feed feed = new Wire.Feed(Direction.CLIENT_TO_SERVER, SMALL_MAX);
        assertNull(feed.write(header, 0, 19, false), "nothing to say before the header is in");
        ProtocolException refused = assertInstanceOf(ProtocolException.class, feed.write(header, 19, 20, false));
        assertEquals(ProtocolError.FRAME_TOO_LARGE, refused.error());
        assertEquals(1234, refused.correlationId(), "the magic matched, so the correlation id is reported");
        assertEquals("frame length 2147483632 exceeds the maximum 4096 (PRODUCE (0x10))", refused.detail());
        assertTrue(feed.allocator.largestCapacity() < 256, "allocated " + feed.allocator.largestCapacity());
        assertTrue(feed.decoder.hasFailed());
        feed.finish();
        assertEquals(0, feed.unreleased());
    }

    @Test
    void anAllowedButUnfinishedFrameIsNeverAllocatedAtItsAnnouncedLength() {
        byte[] header = header(Protocol.DEFAULT_MAX_FRAME_BYTES, Protocol.PRODUCE, 0, 1);
        Wire.Feed feed = new Wire.Feed(Direction.CLIENT_TO_SERVER, Protocol.DEFAULT_MAX_FRAME_BYTES);
        assertNull(feed.write(header));
        for (int i = 0; i < 10; i++) {
            assertNull(feed.write(new byte[1000]));
        }
        assertTrue(feed.frames().isEmpty());
        assertTrue(feed.allocator.largestCapacity() <= 32 * 1024, "the decoder buffered only what it received, not 16 MiB: "
                + feed.allocator.largestCapacity());
        feed.finish();
        assertEquals(0, feed.unreleased());
    }

    @Test
    void theLimitIsInclusive() {
        byte[] exactly = Wire.frame(new Subscriptions.Subscribed(1), 5);
        int length = exactly.length - 4;
        FrameDecoder atLimit = new FrameDecoder(Direction.SERVER_TO_CLIENT, length);
        Frame frame = atLimit.tryDecode(Unpooled.wrappedBuffer(exactly));
        assertNotNull(frame);
        frame.release();
        FrameDecoder belowLimit = new FrameDecoder(Direction.SERVER_TO_CLIENT, length - 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> belowLimit.tryDecode(Unpooled.wrappedBuffer(exactly)));
        assertEquals(ProtocolError.FRAME_TOO_LARGE, e.error());
        assertThrows(IllegalArgumentException.class, () -> belowLimit.maxFrameBytes(19));
        assertThrows(IllegalArgumentException.class, () -> belowLimit.maxFrameBytes(Protocol.MAX_MAX_FRAME_BYTES + 1));
    }

    @Test
    void badMagicIsMalformed() {
        byte[] frame = Wire.frame(new Subscriptions.Subscribed(1), 5);
        frame[5] = 'X';
        ProtocolException e = decodeFails(Direction.SERVER_TO_CLIENT, frame);
        assertEquals(ProtocolError.MALFORMED_FRAME, e.error());
        assertEquals(0, e.correlationId());
        assertEquals("bad magic 0x4D58, expected 0x4D53 (\"MS\")", e.detail());
    }

    @Test
    void anHttpOrTlsClientIsToldWhatItLooksLike() {
        ProtocolException http = decodeFails(Direction.CLIENT_TO_SERVER, "GET / HTTP/1.1\r\nHost: broker\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(http.detail().contains("starts with the text \"GET \""), http.detail());
        byte[] tls = new byte[64];
        tls[0] = 0x16;
        tls[1] = 0x03;
        tls[2] = 0x01;
        tls[3] = 0x02;
        ProtocolException handshake = decodeFails(Direction.CLIENT_TO_SERVER, tls);
        assertTrue(handshake.detail().contains("TLS handshake"), handshake.detail());
    }

    @Test
    void aFlippedBitAnywhereAfterTheLengthFailsTheCrc() {
        byte[] good = Wire.frame(new Handshake.Hello(1, 1, "client", "token"), 9);
        for (int bit = (Protocol.MAGIC_OFFSET + 2) * 8; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            ProtocolException e = decodeFails(Direction.CLIENT_TO_SERVER, bad);
            assertEquals(ProtocolError.MALFORMED_FRAME, e.error(), "bit " + bit);
            assertEquals(0, e.correlationId(), "an unchecked header's correlation id is not trusted");
            assertTrue(e.detail().startsWith("CRC32C mismatch"), e.detail());
        }
    }

    @Test
    void aNonZeroReservedFieldIsMalformed() {
        byte[] frame = Wire.raw(1, Protocol.SUBSCRIBED, Protocol.FLAG_RESPONSE, 0x0100, 31, b -> b.writeInt(1));
        ProtocolException e = decodeFails(Direction.SERVER_TO_CLIENT, frame);
        assertEquals(ProtocolError.MALFORMED_FRAME, e.error());
        assertEquals(31, e.correlationId());
        assertEquals("SUBSCRIBED (0xA0): the reserved header field is 0x0100, must be 0", e.detail());
    }

    @Test
    void flagsMustMatchTheDirection() {
        ProtocolException unknown = decodeFails(Direction.SERVER_TO_CLIENT, Wire.raw(1, Protocol.OK, 0x8001, 0, 1, b -> { }));
        assertEquals("OK (0xB1): unknown flag bits 0x8000 are set", unknown.detail());
        ProtocolException missing = decodeFails(Direction.SERVER_TO_CLIENT, Wire.raw(1, Protocol.OK, 0, 0, 1, b -> { }));
        assertEquals(ProtocolError.MALFORMED_FRAME, missing.error());
        ProtocolException extra = decodeFails(Direction.CLIENT_TO_SERVER, Wire.raw(1, Protocol.METADATA, 1, 0, 1, b -> { }));
        assertEquals(ProtocolError.MALFORMED_FRAME, extra.error());
    }

    @Test
    void unknownTypesAndTypesOfTheOtherDirectionAreRefused() {
        ProtocolException unknown = decodeFails(Direction.CLIENT_TO_SERVER, Wire.raw(1, 0x55, 0, 0, 8, b -> { }));
        assertEquals(ProtocolError.UNKNOWN_TYPE, unknown.error());
        assertEquals(8, unknown.correlationId());
        assertEquals("frame type 0x55 (unknown)", unknown.detail());
        ProtocolException wrongWay = decodeFails(Direction.CLIENT_TO_SERVER, Wire.raw(1, Protocol.OK, 1, 0, 8, b -> { }));
        assertEquals(ProtocolError.UNKNOWN_TYPE, wrongWay.error());
        assertEquals("OK (0xB1) travels from server to client, this end only receives requests", wrongWay.detail());
    }

    @Test
    void correlationIdsMustFitTheirType() {
        ProtocolException request = decodeFails(Direction.CLIENT_TO_SERVER, Wire.raw(1, Protocol.CREDIT, 0, 0, 0, b -> b.writeInt(1).writeLong(5)));
        assertEquals("CREDIT (0x21): correlation id 0 is reserved for pushes and connection errors; requests and their answers carry another",
                request.detail());
        ProtocolException push = decodeFails(Direction.SERVER_TO_CLIENT, Wire.raw(1, Protocol.MESSAGES, 1, 0, 9, b -> b.writeInt(1).writeInt(0)));
        assertEquals("MESSAGES (0x40): a push carries correlation id 0, not 9", push.detail());
        assertEquals(9, push.correlationId());
        for (long id : new long[] {0, 12}) {
            Frame error = new FrameDecoder(Direction.SERVER_TO_CLIENT, SMALL_MAX)
                    .tryDecode(Unpooled.wrappedBuffer(Wire.frame(FrameBody.ErrorBody.of(ProtocolError.CLOSED, "bye"), id)));
            assertEquals(id, error.correlationId(), "ERROR may carry 0 or a request's id");
            error.release();
        }
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.begin(out, Protocol.HELLO, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.begin(out, Protocol.MESSAGES, 3));
        assertEquals(0, out.writerIndex());
        out.release();
    }

    @Test
    void anyVersionPassesUntilOneIsNegotiated() {
        FrameDecoder decoder = new FrameDecoder(Direction.CLIENT_TO_SERVER, SMALL_MAX);
        Frame hello = decoder.tryDecode(Unpooled.wrappedBuffer(Wire.raw(7, Protocol.HELLO, 0, 0, 1, b -> new Handshake.Hello(1, 7, "", "").write(b))));
        assertEquals(7, hello.version());
        hello.release();
        decoder.negotiatedVersion(1);
        Frame good = decoder.tryDecode(Unpooled.wrappedBuffer(Wire.raw(1, Protocol.METADATA, 0, 0, 2, b -> { })));
        assertNotNull(good);
        good.release();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> decoder.tryDecode(Unpooled.wrappedBuffer(Wire.raw(2, Protocol.METADATA, 0, 0, 3, b -> { }))));
        assertEquals(ProtocolError.UNSUPPORTED_VERSION, e.error());
        assertEquals(3, e.correlationId());
        assertEquals("METADATA (0x02) carries version 2 but the session speaks version 1", e.detail());
    }

    @Test
    void afterAnErrorEarlierFramesArriveAndLaterBytesAreDiscarded() {
        byte[] good = Wire.frame(new FrameBody.Empty(Protocol.METADATA), 1);
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        Wire.Feed feed = new Wire.Feed(Direction.CLIENT_TO_SERVER, SMALL_MAX);
        assertInstanceOf(ProtocolException.class, feed.write(Wire.concat(good, bad, good)));
        List<Frame> frames = feed.frames();
        assertEquals(1, frames.size(), "the frame before the bad one was delivered");
        release(frames);
        assertNull(feed.write(good), "later input is discarded quietly");
        assertTrue(feed.frames().isEmpty());
        assertNull(feed.finish());
        assertEquals(0, feed.unreleased());
    }

    @Test
    void aFrameWrittenIntoACompositeBufferIsDecodedInPlace() {
        ByteBuf payload = Unpooled.directBuffer(5000);
        payload.writeBytes(new byte[5000]);
        CompositeByteBuf out = Unpooled.compositeBuffer();
        int start = FrameWriter.begin(out, Protocol.PRODUCE, 3);
        int countIndex = Publishing.Produce.beginMessages(out, "t", 0);
        out.writeLong(0);
        Codec.writeBytes(out, new byte[] {'k'});
        Codec.writeAbsent(out);
        out.writeInt(payload.readableBytes());
        out.addComponent(true, payload);
        Publishing.Produce.endMessages(out, countIndex, 1);
        FrameWriter.end(out, start);
        assertTrue(out.nioBufferCount() > 1, "the payload was added, not copied");

        Frame frame = new FrameDecoder(Direction.CLIENT_TO_SERVER, Protocol.DEFAULT_MAX_FRAME_BYTES).tryDecode(out);
        assertNotNull(frame);
        Publishing.Produce produce = Publishing.Produce.read(frame.body());
        Publishing.Produce.Cursor cursor = produce.cursor();
        assertTrue(cursor.next());
        assertEquals(5000, cursor.payloadLength());
        frame.release();
        out.release();
        assertEquals(0, payload.refCnt());
    }

    @Test
    void theDecoderNeverReadsPastTheWriterIndex() {
        byte[] frame = Wire.frame(new Subscriptions.Credit(1, 2), 6);
        ByteBuf backing = Unpooled.wrappedBuffer(Wire.concat(frame, frame));
        for (int end = 0; end < frame.length; end++) {
            ByteBuf part = backing.slice(0, end);
            assertNull(new FrameDecoder(Direction.CLIENT_TO_SERVER, SMALL_MAX).tryDecode(part), "only " + end + " bytes");
            assertEquals(0, part.readerIndex(), "nothing consumed");
        }
    }

    @Test
    void crc32cMatchesTheStandardCheckValue() {
        ByteBuf check = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, Crc32c.of(check, 0, 9));
        CompositeByteBuf parts = Unpooled.compositeBuffer();
        parts.addComponent(true, Unpooled.directBuffer().writeBytes("1234".getBytes(StandardCharsets.US_ASCII)));
        parts.addComponent(true, Unpooled.copiedBuffer("56789", StandardCharsets.US_ASCII));
        assertEquals(0xE3069283, Crc32c.of(parts, 0, 9));
        check.release();
        parts.release();
    }

    @Test
    void theHelloOfTheDocsHasTheseBytes() {
        byte[] hello = Wire.frame(new Handshake.Hello(1, 1, "cli", ""), 1);
        assertEquals("0000001f" + "4d53" + "01" + "01" + "0000" + "0000" + "0000000000000001" + "0001" + "0001" + "0003636c69" + "0000"
                + "27b130a2", ByteBufUtil.hexDump(hello), "checked with an independent CRC32C (bitwise, polynomial 0x82F63B78)");
    }

    @Test
    void writerChecksItsArguments() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.begin(out, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.begin(out, 0x55, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.end(out, 0));
        out.writeByte(7);
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.write(out, new TopicAdmin.DescribeTopic("x".repeat(70_000)), 1));
        assertEquals(1, out.writerIndex(), "a failed write leaves the buffer as it was");
        out.release();
    }

    private static ProtocolException decodeFails(Direction direction, byte[] bytes) {
        Wire.Feed feed = new Wire.Feed(direction, SMALL_MAX);
        RuntimeException e = feed.write(bytes);
        List<Frame> frames = feed.frames();
        release(frames);
        feed.finish();
        assertEquals(0, feed.unreleased());
        return assertInstanceOf(ProtocolException.class, e, "frames: " + frames);
    }

    /** A header announcing {@code length}, with no body or CRC behind it. */
    private static byte[] header(int length, int type, int flags, long correlationId) {
        ByteBuf out = Unpooled.buffer();
        FrameWriter.begin(out, 1, type, flags, correlationId);
        out.setInt(0, length);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }
}
