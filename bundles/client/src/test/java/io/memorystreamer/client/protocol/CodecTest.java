package io.memorystreamer.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The primitive encodings, their bounds and their messages; the error codes. */
class CodecTest {
    static {
        LeakDetection.install();
    }

    @Test
    void integersAreBigEndian() {
        ByteBuf out = Unpooled.buffer();
        Codec.writeU8(out, 0xAB);
        Codec.writeU16(out, 0xCDEF);
        Codec.writeU32(out, 0xFFFF_FFFEL);
        Codec.writeI32(out, -2);
        Codec.writeI64(out, 0x0102030405060708L);
        assertEquals("abcdeffffffffefffffffe0102030405060708", io.netty.buffer.ByteBufUtil.hexDump(out));
        assertEquals(0xAB, Codec.readU8(out, "a"));
        assertEquals(0xCDEF, Codec.readU16(out, "b"));
        assertEquals(0xFFFF_FFFEL, Codec.readU32(out, "c"));
        assertEquals(-2, Codec.readI32(out, "d"));
        assertEquals(0x0102030405060708L, Codec.readI64(out, "e"));
        Codec.requireFullyRead(out, "it");
        out.release();
    }

    @Test
    void aShortBodyIsMalformedAndNamesTheField() {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[] {1, 2});
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readI64(body, "PRODUCER producerId"));
        assertEquals(ProtocolError.MALFORMED_FRAME, e.error());
        assertEquals("PRODUCER producerId: needs 8 byte(s) but 2 are left in the body", e.detail());
        assertEquals("MALFORMED_FRAME (100): PRODUCER producerId: needs 8 byte(s) but 2 are left in the body", e.getMessage());
        assertEquals(0, body.readerIndex(), "nothing consumed");
    }

    @Test
    void stringsAreLengthPrefixedUtf8() {
        ByteBuf out = Unpooled.buffer();
        Codec.writeString(out, "caf\u00e9 \ud83d\ude80");
        assertEquals(2 + 5 + 1 + 4, out.readableBytes());
        assertEquals("caf\u00e9 \ud83d\ude80", Codec.readString(out, "s"));
        Codec.writeString(out, "");
        assertEquals("", Codec.readString(out, "s"));
        assertThrows(IllegalArgumentException.class, () -> Codec.writeString(out, "\u00e9".repeat(40_000)));
        Codec.writeString(out, "x".repeat(Codec.MAX_STRING_BYTES));
        assertEquals(Codec.MAX_STRING_BYTES, Codec.readString(out, "s").length());
        out.release();
    }

    @Test
    void aStringLongerThanTheBodyIsMalformed() {
        ByteBuf body = Unpooled.buffer().writeShort(60_000).writeBytes(new byte[12]);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readString(body, "CREATE_TOPIC name"));
        assertEquals("CREATE_TOPIC name: string length 60000 exceeds the 12 bytes left in the body", e.detail());
        body.release();
    }

    @Test
    void malformedUtf8IsRefused() {
        for (byte[] bad : List.of(new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xFF})) {
            ByteBuf body = Unpooled.buffer().writeShort(bad.length).writeBytes(bad);
            ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readString(body, "HELLO clientId"));
            assertTrue(e.detail().endsWith("are not well-formed UTF-8"), e.detail());
            body.release();
        }
    }

    @Test
    void bytesMayBeAbsentButNotOtherwiseNegative() {
        ByteBuf out = Unpooled.buffer();
        Codec.writeBytes(out, (byte[]) null);
        Codec.writeBytes(out, new byte[] {7});
        Codec.writeBytes(out, (ByteBuf) null);
        assertEquals(0, Codec.readBytes(out, "a").readableBytes(), "absent reads as empty");
        assertEquals(7, Codec.readBytes(out, "b").readByte());
        assertEquals(0, Codec.skipBytes(out, "c"));
        out.writeInt(-2);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readBytes(out, "MESSAGES payload"));
        assertEquals("MESSAGES payload: bytes length -2 is negative (only -1, absent, is allowed)", e.detail());
        out.release();
    }

    @Test
    void bytesFromANioBufferRegionLeaveTheBufferAsItWas() {
        ByteBuffer source = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}).asReadOnlyBuffer();
        source.position(4);
        ByteBuf out = Unpooled.buffer();
        Codec.writeBytes(out, source, 1, 3);
        assertEquals(4, source.position());
        assertEquals("00000003020304", io.netty.buffer.ByteBufUtil.hexDump(out));
        assertThrows(IndexOutOfBoundsException.class, () -> Codec.writeBytes(out, source, 3, 3));
        out.release();
    }

    @Test
    void countsAreCheckedAgainstTheBytesLeftBeforeAnythingIsAllocated() {
        ByteBuf body = Unpooled.buffer().writeInt(-1).writeBytes(new byte[30]);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readCount(body, 9, "PRODUCE_ACK count"));
        assertEquals("PRODUCE_ACK count: count 4294967295 needs at least 38654705655 bytes but 30 are left in the body", e.detail());
        body.release();
        ByteBuf ok = Unpooled.buffer().writeInt(3).writeBytes(new byte[27]);
        assertEquals(3, Codec.readCount(ok, 9, "n"));
        ok.release();
    }

    @Test
    void sizesAboveTwoToTheThirtyOneAreMalformed() {
        ByteBuf body = Unpooled.buffer().writeInt(0x8000_0000);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Codec.readSize(body, "HELLO_OK maxFrameBytes"));
        assertEquals("HELLO_OK maxFrameBytes: 2147483648 exceeds the largest size or count, 2147483647", e.detail());
        body.release();
    }

    @Test
    void booleansAreZeroOrOne() {
        ByteBuf body = Unpooled.buffer().writeByte(1).writeByte(0).writeByte(2);
        assertTrue(Codec.readBoolean(body, "a"));
        assertFalse(Codec.readBoolean(body, "b"));
        assertThrows(ProtocolException.class, () -> Codec.readBoolean(body, "c"));
        body.release();
    }

    @Test
    void writersRefuseValuesTheirEncodingCannotHold() {
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> Codec.writeU8(out, 256));
        assertThrows(IllegalArgumentException.class, () -> Codec.writeU16(out, -1));
        assertThrows(IllegalArgumentException.class, () -> Codec.writeU32(out, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> Codec.writeSize(out, -1));
        assertEquals(0, out.writerIndex());
        out.release();
    }

    @Test
    void errorCodesAreUniqueAndTheBrokersMatchItsNumbers() {
        Set<Integer> codes = new TreeSet<>();
        for (ProtocolError error : ProtocolError.values()) {
            assertTrue(codes.add(error.code()), "duplicate code " + error.code());
            assertEquals(error, ProtocolError.of(error.code()));
            assertEquals(error.code() < 100, error.isBrokerError());
        }
        // io.memorystreamer.broker.ErrorCode, copied: the client does not depend on the broker.
        String[] broker = {"INVALID_REQUEST", "UNKNOWN_TOPIC", "TOPIC_EXISTS", "MESSAGE_TOO_LARGE", "REJECTED", "UNKNOWN_GROUP", "UNKNOWN_MEMBER",
            "CLOSED", "STORAGE_FAILURE", "UNSUPPORTED_CHANGE", "BACK_PRESSURED"};
        for (int i = 0; i < broker.length; i++) {
            assertEquals(broker[i], ProtocolError.of(i + 1).name());
        }
        assertTrue(ProtocolError.find(4711).isEmpty());
        assertEquals("4711 (unknown)", ProtocolError.describe(4711));
        assertThrows(IllegalArgumentException.class, () -> ProtocolError.of(4711));
        assertTrue(ProtocolError.FRAME_TOO_LARGE.closesConnection());
        assertFalse(ProtocolError.TOO_MANY_IN_FLIGHT.closesConnection());
    }

    @Test
    void typeCodesKnowTheirDirection() {
        assertEquals(Protocol.Direction.CLIENT_TO_SERVER, Protocol.direction(Protocol.HELLO));
        assertEquals(Protocol.Direction.SERVER_TO_CLIENT, Protocol.direction(Protocol.ERROR));
        assertEquals(Protocol.FLAG_RESPONSE, Protocol.flagsFor(Protocol.MESSAGES));
        assertTrue(Protocol.expectsResponse(Protocol.PRODUCE));
        assertFalse(Protocol.expectsResponse(Protocol.CREDIT));
        assertFalse(Protocol.expectsResponse(Protocol.OK));
        assertEquals("0x55 (unknown)", Protocol.typeName(0x55));
        assertEquals(29, Samples.TYPES.length, "every type of version 1");
        assertEquals(20, Protocol.MIN_FRAME_LENGTH);
    }
}
