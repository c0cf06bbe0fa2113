package io.memorystreamer.shell.internal;

import io.memorystreamer.broker.MessageView;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One message {@code ms:tail} received, copied out of the broker's view. Immutable.
 *
 * @param key the stream key
 * @param shard the shard holding it
 * @param offset its offset in its stream
 * @param timestamp when the broker appended it (epoch millis)
 * @param headers its headers, values read as UTF-8
 * @param payload the payload as text when it is UTF-8, otherwise its first bytes in hex
 *     ({@code 0x00ff...})
 * @param payloadBytes the payload's length in bytes
 * @param text whether the payload is UTF-8 text (else {@code payload} is hex)
 */
public record TailedMessage(String key, int shard, long offset, long timestamp, Map<String, String> headers, String payload,
        int payloadBytes, boolean text) implements PeopleFormat {
    /** Most payload bytes shown in hex when the payload is not text. */
    static final int MAX_HEX_BYTES = 64;
    /** Most characters of a payload shown on one line. */
    static final int MAX_LINE_PAYLOAD = 120;

    /** Copies the headers (keeping their order), so the message stays immutable. */
    public TailedMessage {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /**
     * Copies what a message view shows (the view is valid only during the handler's call).
     *
     * @param message the view
     * @return the copy
     */
    static TailedMessage copy(MessageView message) {
        byte[] bytes = message.payloadBytes();
        String text = utf8(bytes);
        String payload = text != null ? text : hex(bytes);
        return new TailedMessage(message.keyAsString(), message.shard(), message.streamOffset(), message.timestamp(),
                message.headers(), payload, bytes.length, text != null);
    }

    /** @return the bytes as UTF-8 text, or null when they are not valid UTF-8 */
    static String utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** @return {@code 0x} and the first {@value #MAX_HEX_BYTES} bytes in hex, then {@code ...} if there are more */
    static String hex(byte[] bytes) {
        int shown = Math.min(bytes.length, MAX_HEX_BYTES);
        return "0x" + HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "..." : "");
    }

    /**
     * @param value a text
     * @param max the most characters to keep
     * @return the text on one line (control characters escaped as in Java source: {@code \n}, {@code \t}, ...),
     *     cut to {@code max} characters with {@code ...} and the length when longer
     */
    static String oneLine(String value, int max) {
        StringBuilder line = new StringBuilder();
        int i = 0;
        for (; i < value.length() && line.length() < max; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        return i == value.length() ? line.toString() : line.substring(0, Math.min(line.length(), max)) + "... (" + value.length() + " chars)";
    }

    /** @return the headers as {@code name=value, name=value}, or {@code -} for none */
    String headersLine() {
        if (headers.isEmpty()) {
            return "-";
        }
        StringBuilder line = new StringBuilder();
        headers.forEach((name, value) -> line.append(line.length() == 0 ? "" : ", ").append(name).append('=').append(value));
        return oneLine(line.toString(), MAX_LINE_PAYLOAD);
    }

    /** @return the payload on one line, marked when it is hex or empty */
    String payloadLine() {
        if (payloadBytes == 0) {
            return "(empty)";
        }
        return text ? oneLine(payload, MAX_LINE_PAYLOAD) : payload + " (" + payloadBytes + " bytes, not UTF-8)";
    }

    @Override
    public String formatFull() {
        StringBuilder full = new StringBuilder();
        full.append("stream ").append(key).append(", offset ").append(offset).append(" (shard ").append(shard).append(")\n");
        full.append("  time:     ").append(Units.time(timestamp)).append('\n');
        headers.forEach((name, value) -> full.append("  header:   ").append(name).append('=').append(value).append('\n'));
        full.append("  payload:  ").append(payloadBytes).append(payloadBytes == 1 ? " byte" : " bytes")
                .append(text ? "" : ", not UTF-8 (hex)").append('\n');
        if (payloadBytes > 0) {
            full.append(payload).append(payload.endsWith("\n") ? "" : "\n");
        }
        return full.toString();
    }

    @Override
    public String formatLine() {
        return key + "@" + offset + "  " + Units.time(timestamp) + "  " + (headers.isEmpty() ? "" : headersLine() + "  ") + payloadLine();
    }
}
