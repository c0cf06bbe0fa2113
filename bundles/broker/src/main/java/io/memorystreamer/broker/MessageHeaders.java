package io.memorystreamer.broker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header block of a message: named binary values, encoded as below (little-endian). An empty
 * block (zero bytes) means no headers. The broker validates the structure of every block it is
 * given and stores it as it came.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
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
 * <p>Stateless; any thread.
 */
public final class MessageHeaders {
    /** Most headers one message may carry. */
    public static final int MAX_COUNT = 0xFFFF;

    private MessageHeaders() {
    }

    /**
     * Encodes headers (names and UTF-8 values) in iteration order.
     *
     * @param headers names to values; null or empty for none
     * @return the block (empty for none)
     * @throws IllegalArgumentException for an empty or too long name, or too many headers
     */
    public static byte[] encode(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return new byte[0];
        }
        if (headers.size() > MAX_COUNT) {
            throw new IllegalArgumentException("a message carries at most " + MAX_COUNT + " headers, not " + headers.size());
        }
        int length = 2;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            length += 1 + header.getKey().getBytes(StandardCharsets.UTF_8).length + 4
                    + (header.getValue() == null ? 0 : header.getValue().getBytes(StandardCharsets.UTF_8).length);
        }
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) headers.size());
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length == 0 || name.length > 255) {
                throw new IllegalArgumentException("a header name has 1 to 255 bytes, not " + name.length + ": '" + header.getKey() + "'");
            }
            byte[] value = header.getValue() == null ? new byte[0] : header.getValue().getBytes(StandardCharsets.UTF_8);
            out.put((byte) name.length).put(name).putInt(value.length).put(value);
        }
        String problem = problem(out.array(), 0, length);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return out.array();
    }

    /**
     * Checks a block without copying or allocating.
     *
     * @param block the block's bytes, from its position to its limit (not moved); null for none
     * @return null when well formed, otherwise what is wrong
     */
    public static String problem(ByteBuffer block) {
        if (block == null || !block.hasRemaining()) {
            return null;
        }
        int start = block.position();
        int end = block.limit();
        if (end - start < 2) {
            return "malformed headers: " + (end - start) + " byte(s) cannot hold the 2-byte header count";
        }
        int count = u16(block, start);
        int at = start + 2;
        for (int i = 0; i < count; i++) {
            if (at + 1 > end) {
                return "malformed headers: header " + i + " of " + count + " is missing (the block ends at byte " + (end - start) + ")";
            }
            int nameLength = block.get(at) & 0xFF;
            if (nameLength == 0) {
                return "malformed headers: header " + i + " has an empty name";
            }
            if (at + 1 + nameLength + 4 > end) {
                return "malformed headers: header " + i + " runs past the end of the block";
            }
            for (int b = 0; b < nameLength; b++) {
                int c = block.get(at + 1 + b) & 0xFF;
                if (c < 0x20 || c == 0x7F) {
                    return "malformed headers: header " + i + " has control character 0x" + Integer.toHexString(c) + " in its name";
                }
            }
            at += 1 + nameLength;
            long valueLength = intLe(block, at) & 0xFFFFFFFFL;
            at += 4;
            if (at + valueLength > end) {
                return "malformed headers: the value of header " + i + " (" + valueLength + " bytes) runs past the end of the block";
            }
            at += (int) valueLength;
        }
        if (at != end) {
            return "malformed headers: " + (end - at) + " byte(s) follow the last of " + count + " header(s)";
        }
        return null;
    }

    /**
     * @param block an array holding a block
     * @param offset where it starts
     * @param length its length
     * @return null when well formed, otherwise what is wrong
     */
    public static String problem(byte[] block, int offset, int length) {
        return problem(ByteBuffer.wrap(block, offset, length).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Decodes a block for people and tests (allocates; values read as UTF-8).
     *
     * @param block the block's bytes, from its position to its limit (not moved)
     * @return names to values in block order
     * @throws IllegalArgumentException when the block is malformed
     */
    public static Map<String, String> decode(ByteBuffer block) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (block == null || !block.hasRemaining()) {
            return headers;
        }
        String problem = problem(block);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int count = u16(block, block.position());
        int at = block.position() + 2;
        for (int i = 0; i < count; i++) {
            int nameLength = block.get(at) & 0xFF;
            byte[] name = new byte[nameLength];
            block.get(at + 1, name);
            at += 1 + nameLength;
            int valueLength = intLe(block, at);
            at += 4;
            byte[] value = new byte[valueLength];
            block.get(at, value);
            at += valueLength;
            headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
        }
        return headers;
    }

    /**
     * @param block an array holding a block
     * @return names to values in block order
     */
    public static Map<String, String> decode(byte[] block) {
        return decode(block == null ? null : ByteBuffer.wrap(block));
    }

    private static int u16(ByteBuffer block, int at) {
        return (block.get(at) & 0xFF) | (block.get(at + 1) & 0xFF) << 8;
    }

    private static int intLe(ByteBuffer block, int at) {
        return (block.get(at) & 0xFF) | (block.get(at + 1) & 0xFF) << 8 | (block.get(at + 2) & 0xFF) << 16 | (block.get(at + 3) & 0xFF) << 24;
    }
}
