package io.memorystreamer.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes the primitive encodings of frame bodies, big-endian:
 *
 * <pre>
 *   u8, u16, u32, i32, i64   fixed width, big-endian
 *   string                   u16 length, then that many bytes of UTF-8
 *   bytes                    i32 length, then that many bytes; -1 = absent (read as empty)
 * </pre>
 *
 * <p>Readers consume from the body's reader index and check every bound first: anything that does
 * not fit the bytes left, or is not what the field allows, throws a {@link ProtocolException} with
 * {@link ProtocolError#MALFORMED_FRAME} naming the field ({@code "topic: string length 70000 exceeds
 * the 12 bytes left in the body"}). They never read past the body's writer index and never allocate
 * more than the bytes present. Writers append at the writer index and throw
 * {@link IllegalArgumentException} for a value the encoding cannot hold (the caller's bug, not the
 * peer's).
 *
 * <p>Stateless; any thread (a given buffer is owned by one thread at a time, as always in Netty).
 */
public final class Codec {
    /** Longest string, in UTF-8 bytes. */
    public static final int MAX_STRING_BYTES = 0xFFFF;
    /** The length a {@code bytes} field carries when absent. */
    public static final int ABSENT = -1;

    private Codec() {
    }

    // ---------------------------------------------------------------- reading

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return an unsigned byte
     * @throws ProtocolException when the body has no byte left
     */
    public static int readU8(ByteBuf body, String field) {
        need(body, 1, field);
        return body.readUnsignedByte();
    }

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return an unsigned 16-bit integer
     * @throws ProtocolException when fewer than 2 bytes are left
     */
    public static int readU16(ByteBuf body, String field) {
        need(body, 2, field);
        return body.readUnsignedShort();
    }

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return an unsigned 32-bit integer
     * @throws ProtocolException when fewer than 4 bytes are left
     */
    public static long readU32(ByteBuf body, String field) {
        need(body, 4, field);
        return body.readUnsignedInt();
    }

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return a signed 32-bit integer
     * @throws ProtocolException when fewer than 4 bytes are left
     */
    public static int readI32(ByteBuf body, String field) {
        need(body, 4, field);
        return body.readInt();
    }

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return a signed 64-bit integer
     * @throws ProtocolException when fewer than 8 bytes are left
     */
    public static long readI64(ByteBuf body, String field) {
        need(body, 8, field);
        return body.readLong();
    }

    /**
     * Reads a u32 that is a size, count or index: version 1 bounds all of them by 2^31 - 1.
     *
     * @param body a body
     * @param field the field's name, for the error message
     * @return the value, 0 to {@link Integer#MAX_VALUE}
     * @throws ProtocolException when fewer than 4 bytes are left or the value exceeds 2^31 - 1
     */
    public static int readSize(ByteBuf body, String field) {
        long value = readU32(body, field);
        if (value > Integer.MAX_VALUE) {
            throw malformed(field + ": " + value + " exceeds the largest size or count, " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /**
     * Reads a u32 element count and checks that that many elements can fit in the bytes left, so a
     * caller may size a collection by it without trusting the peer.
     *
     * @param body a body
     * @param minBytesEach the fewest bytes one element takes (at least 1)
     * @param field the field's name, for the error message
     * @return the count
     * @throws ProtocolException when the count cannot fit
     */
    public static int readCount(ByteBuf body, int minBytesEach, String field) {
        long count = readU32(body, field);
        long least = count * Math.max(1, minBytesEach);
        if (least > body.readableBytes()) {
            throw malformed(field + ": count " + count + " needs at least " + least + " bytes but " + body.readableBytes()
                    + " are left in the body");
        }
        return (int) count;
    }

    /**
     * @param body a body
     * @param field the field's name, for the error message
     * @return a u8 that must be 0 (false) or 1 (true)
     * @throws ProtocolException for any other value
     */
    public static boolean readBoolean(ByteBuf body, String field) {
        int value = readU8(body, field);
        if (value > 1) {
            throw malformed(field + ": " + value + " is not a boolean (0 or 1)");
        }
        return value == 1;
    }

    /**
     * Reads a string: u16 length, then UTF-8, which must be well formed.
     *
     * @param body a body
     * @param field the field's name, for the error message
     * @return the string
     * @throws ProtocolException when the length runs past the body or the bytes are not UTF-8
     */
    public static String readString(ByteBuf body, String field) {
        int length = readU16(body, field);
        if (length > body.readableBytes()) {
            throw malformed(field + ": string length " + length + " exceeds the " + body.readableBytes() + " bytes left in the body");
        }
        int start = body.readerIndex();
        String value = utf8(body, start, length, field);
        body.skipBytes(length);
        return value;
    }

    /**
     * Reads the length prefix of a {@code bytes} field and checks it against the bytes left, leaving
     * the reader index at the field's first data byte (for walks that skip the data).
     *
     * @param body a body
     * @param field the field's name, for the error message
     * @return the data's length (0 when absent)
     * @throws ProtocolException for a length below -1 or past the end of the body
     */
    public static int readBytesLength(ByteBuf body, String field) {
        int length = readI32(body, field);
        if (length == ABSENT) {
            return 0;
        }
        if (length < 0) {
            throw malformed(field + ": bytes length " + length + " is negative (only -1, absent, is allowed)");
        }
        if (length > body.readableBytes()) {
            throw malformed(field + ": bytes length " + length + " exceeds the " + body.readableBytes() + " bytes left in the body");
        }
        return length;
    }

    /**
     * Reads a {@code bytes} field as a slice of the body: no copy, and valid only while the body is
     * (retain it to keep it longer).
     *
     * @param body a body
     * @param field the field's name, for the error message
     * @return the data (empty when absent)
     * @throws ProtocolException for a length below -1 or past the end of the body
     */
    public static ByteBuf readBytes(ByteBuf body, String field) {
        return body.readSlice(readBytesLength(body, field));
    }

    /**
     * Skips a {@code bytes} field, checking its bounds.
     *
     * @param body a body
     * @param field the field's name, for the error message
     * @return the data's length (0 when absent)
     * @throws ProtocolException for a length below -1 or past the end of the body
     */
    public static int skipBytes(ByteBuf body, String field) {
        int length = readBytesLength(body, field);
        body.skipBytes(length);
        return length;
    }

    /**
     * Checks that a body was read to its end.
     *
     * @param body a body after its last field was read
     * @param what the body's name, for the error message ({@code "HELLO"})
     * @throws ProtocolException when bytes are left
     */
    public static void requireFullyRead(ByteBuf body, String what) {
        if (body.isReadable()) {
            throw malformed(what + ": " + body.readableBytes() + " trailing byte(s) after the last field");
        }
    }

    /**
     * @param detail what is wrong
     * @return a {@link ProtocolError#MALFORMED_FRAME} exception (correlation id unknown: 0)
     */
    public static ProtocolException malformed(String detail) {
        return new ProtocolException(ProtocolError.MALFORMED_FRAME, 0, detail);
    }

    private static void need(ByteBuf body, int bytes, String field) {
        if (body.readableBytes() < bytes) {
            throw malformed(field + ": needs " + bytes + " byte(s) but " + body.readableBytes() + " are left in the body");
        }
    }

    private static String utf8(ByteBuf body, int start, int length, String field) {
        boolean ascii = true;
        for (int i = 0; i < length; i++) {
            if (body.getByte(start + i) < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return body.toString(start, length, StandardCharsets.US_ASCII);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(body.nioBuffer(start, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed(field + ": the string's " + length + " bytes are not well-formed UTF-8");
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * @param out where to append
     * @param value 0 to 255
     * @throws IllegalArgumentException when out of range
     */
    public static void writeU8(ByteBuf out, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException("a u8 is 0 to 255, not " + value);
        }
        out.writeByte(value);
    }

    /**
     * @param out where to append
     * @param value 0 to 65535
     * @throws IllegalArgumentException when out of range
     */
    public static void writeU16(ByteBuf out, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException("a u16 is 0 to 65535, not " + value);
        }
        out.writeShort(value);
    }

    /**
     * @param out where to append
     * @param value 0 to 2^32 - 1
     * @throws IllegalArgumentException when out of range
     */
    public static void writeU32(ByteBuf out, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a u32 is 0 to 4294967295, not " + value);
        }
        out.writeInt((int) value);
    }

    /**
     * Writes a size, count or index (a u32 that version 1 bounds by 2^31 - 1).
     *
     * @param out where to append
     * @param value 0 or more
     * @throws IllegalArgumentException when negative
     */
    public static void writeSize(ByteBuf out, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("a size or count is 0 or more, not " + value);
        }
        out.writeInt(value);
    }

    /**
     * @param out where to append
     * @param value any int
     */
    public static void writeI32(ByteBuf out, int value) {
        out.writeInt(value);
    }

    /**
     * @param out where to append
     * @param value any long
     */
    public static void writeI64(ByteBuf out, long value) {
        out.writeLong(value);
    }

    /**
     * @param out where to append
     * @param value written as u8 1 or 0
     */
    public static void writeBoolean(ByteBuf out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    /**
     * Writes a string: u16 length, then UTF-8 (an unpaired surrogate becomes {@code ?}).
     *
     * @param out where to append
     * @param value the string, at most {@value #MAX_STRING_BYTES} bytes of UTF-8
     * @throws IllegalArgumentException when it is longer
     * @throws NullPointerException when null (the protocol has no absent string; send "")
     */
    public static void writeString(ByteBuf out, String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        if (length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("a string has at most " + MAX_STRING_BYTES + " bytes of UTF-8, not " + length);
        }
        out.writeShort(length);
        ByteBufUtil.reserveAndWriteUtf8(out, value, length);
    }

    /**
     * Writes a {@code bytes} field from a buffer's readable bytes, without moving its reader index.
     *
     * @param out where to append (may be a {@link io.netty.buffer.CompositeByteBuf})
     * @param source the data, or null for absent
     */
    public static void writeBytes(ByteBuf out, ByteBuf source) {
        if (source == null) {
            out.writeInt(ABSENT);
            return;
        }
        int length = source.readableBytes();
        out.writeInt(length);
        out.writeBytes(source, source.readerIndex(), length);
    }

    /**
     * Writes a {@code bytes} field from a region of a buffer, by absolute index (its reader and
     * writer indexes do not move). With a buffer that wraps a log segment once, this copies a
     * message's parts into a frame without allocating anything.
     *
     * @param out where to append
     * @param source the buffer holding the data
     * @param index where the data starts in it
     * @param length how many bytes
     * @throws IndexOutOfBoundsException when the region is not inside the buffer
     */
    public static void writeBytes(ByteBuf out, ByteBuf source, int index, int length) {
        if (index < 0 || length < 0 || index > source.capacity() - length) {
            throw new IndexOutOfBoundsException("region " + index + "+" + length + " is not inside a buffer of " + source.capacity() + " bytes");
        }
        out.writeInt(length);
        out.writeBytes(source, index, length);
    }

    /**
     * Writes a {@code bytes} field from an array.
     *
     * @param out where to append
     * @param source the data, or null for absent
     */
    public static void writeBytes(ByteBuf out, byte[] source) {
        if (source == null) {
            out.writeInt(ABSENT);
            return;
        }
        out.writeInt(source.length);
        out.writeBytes(source);
    }

    /**
     * Writes a {@code bytes} field from a region of a NIO buffer (a mapped log segment, say), by
     * absolute index: the source's position and limit do not move, so a buffer shared read-only
     * between threads stays untouched. A direct source costs one small view object per call; to
     * allocate nothing, wrap the segment in a {@link ByteBuf} once and use
     * {@link #writeBytes(ByteBuf, ByteBuf, int, int)}.
     *
     * @param out where to append
     * @param source the buffer holding the data
     * @param index where the data starts in it
     * @param length how many bytes
     * @throws IndexOutOfBoundsException when the region is not inside the buffer
     */
    public static void writeBytes(ByteBuf out, ByteBuffer source, int index, int length) {
        if (index < 0 || length < 0 || index > source.capacity() - length) {
            throw new IndexOutOfBoundsException("region " + index + "+" + length + " is not inside a buffer of " + source.capacity() + " bytes");
        }
        out.writeInt(length);
        if (source.hasArray()) {
            out.writeBytes(source.array(), source.arrayOffset() + index, length);
        } else {
            out.writeBytes(source.slice(index, length));
        }
    }

    /**
     * Writes an absent {@code bytes} field (length -1).
     *
     * @param out where to append
     */
    public static void writeAbsent(ByteBuf out) {
        out.writeInt(ABSENT);
    }

    /**
     * @param value a string
     * @return its length in UTF-8, as {@link #writeString} counts it
     */
    public static int utf8Length(String value) {
        return ByteBufUtil.utf8Bytes(value);
    }
}
