package io.memorystreamer.client.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes and decodes a message's header block, the broker's format
 * ({@code io.memorystreamer.broker.MessageHeaders}, drawn in {@code docs/formats.md}), duplicated
 * here so the client needs no broker bundle. Little-endian, unlike the rest of the protocol:
 *
 * <pre>
 * +-------------------------------+
 * |          count (u16)          |   number of headers that follow
 * +---------------+---------------+-------------------------------+
 * | name len (u8) |  name (UTF-8, 1..255 bytes, no control chars) ...
 * +---------------+-----------------------------------------------+
 * |                      value length (u32)                       |
 * +---------------------------------------------------------------+
 * |                     value (bytes) ...                         |
 * +---------------------------------------------------------------+
 *   ... repeated count times; the block ends exactly after the last value
 * </pre>
 *
 * An empty block (zero bytes) means no headers. Stateless; any thread.
 */
public final class HeaderBlock {
    /** Most headers one message may carry. */
    public static final int MAX_COUNT = 0xFFFF;
    private static final byte[] EMPTY = new byte[0];

    private HeaderBlock() {
    }

    /**
     * @param headers names to values (UTF-8), in iteration order; null or empty for none
     * @return the block (empty for none)
     * @throws IllegalArgumentException for an empty, too long or control-character name, or too many headers
     */
    public static byte[] encode(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        if (headers.size() > MAX_COUNT) {
            throw new IllegalArgumentException("a message carries at most " + MAX_COUNT + " headers, not " + headers.size());
        }
        byte[][] names = new byte[headers.size()][];
        byte[][] values = new byte[headers.size()][];
        long length = 2;
        int i = 0;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey() == null) {
                throw new IllegalArgumentException("a header name is null");
            }
            byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > 255) {
                throw new IllegalArgumentException("a header name has 1 to 255 bytes of UTF-8, not " + name.length + ": '" + header.getKey() + "'");
            }
            for (byte b : name) {
                int c = b & 0xFF;
                if (c < 0x20 || c == 0x7F) {
                    throw new IllegalArgumentException("header name '" + header.getKey() + "' has control character 0x" + Integer.toHexString(c));
                }
            }
            byte[] value = header.getValue() == null ? EMPTY : header.getValue().getBytes(StandardCharsets.UTF_8);
            names[i] = name;
            values[i] = value;
            length += 1 + name.length + 4 + value.length;
            i++;
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the headers take " + length + " bytes, more than a message can carry");
        }
        ByteBuffer out = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) headers.size());
        for (int h = 0; h < names.length; h++) {
            out.put((byte) names[h].length).put(names[h]).putInt(values[h].length).put(values[h]);
        }
        return out.array();
    }

    /**
     * @param block a block (empty: none)
     * @return names to values (read as UTF-8), in block order
     * @throws IllegalArgumentException when the block is malformed
     */
    public static Map<String, String> decode(byte[] block) {
        if (block.length == 0) {
            return Collections.emptyMap();
        }
        ByteBuffer in = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        if (block.length < 2) {
            throw new IllegalArgumentException("malformed headers: " + block.length + " byte(s) cannot hold the 2-byte header count");
        }
        int count = in.getShort() & 0xFFFF;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            if (in.remaining() < 1) {
                throw new IllegalArgumentException("malformed headers: header " + i + " of " + count + " is missing");
            }
            int nameLength = in.get() & 0xFF;
            if (nameLength == 0 || in.remaining() < nameLength + 4) {
                throw new IllegalArgumentException("malformed headers: header " + i + " has an empty name or runs past the end");
            }
            String name = new String(block, in.position(), nameLength, StandardCharsets.UTF_8);
            in.position(in.position() + nameLength);
            long valueLength = in.getInt() & 0xFFFFFFFFL;
            if (valueLength > in.remaining()) {
                throw new IllegalArgumentException("malformed headers: the value of header " + i + " runs past the end of the block");
            }
            headers.put(name, new String(block, in.position(), (int) valueLength, StandardCharsets.UTF_8));
            in.position(in.position() + (int) valueLength);
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("malformed headers: " + in.remaining() + " byte(s) follow the last of " + count + " header(s)");
        }
        return headers;
    }
}
