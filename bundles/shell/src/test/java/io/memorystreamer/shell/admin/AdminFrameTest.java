package io.memorystreamer.shell.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AdminFrameTest {

    private static byte[] encode(int type, int status, String body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AdminFrame.write(new DataOutputStream(bytes), type, status, body);
        return bytes.toByteArray();
    }

    private static AdminFrame decode(byte[] bytes) throws IOException {
        return AdminFrame.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void roundTripsTypeStatusAndUnicodeBody() throws IOException {
        byte[] bytes = encode(AdminFrame.END, AdminFrame.STATUS_COMMAND_FAILED, "échec: ms:status ✓");
        assertEquals(AdminFrame.HEADER_LENGTH + "échec: ms:status ✓".getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                bytes.length);
        assertEquals(new AdminFrame(AdminFrame.END, AdminFrame.STATUS_COMMAND_FAILED, "échec: ms:status ✓"), decode(bytes));
    }

    @Test
    void cleanEndOfStreamBetweenFramesIsNull() throws IOException {
        assertNull(decode(new byte[0]));
    }

    @Test
    void rejectsWrongMagic() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "lb");
        bytes[0] = 'G';
        AdminProtocolException e = assertThrows(AdminProtocolException.class, () -> decode(bytes));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void rejectsOtherVersion() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "lb");
        bytes[4] = 2;
        AdminProtocolException e = assertThrows(AdminProtocolException.class, () -> decode(bytes));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void rejectsFlippedBodyByte() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "ms:status");
        bytes[bytes.length - 1] ^= 0x01;
        AdminProtocolException e = assertThrows(AdminProtocolException.class, () -> decode(bytes));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void rejectsFlippedTypeByteThroughTheChecksum() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "ms:status");
        bytes[5] = AdminFrame.HELLO;
        assertThrows(AdminProtocolException.class, () -> decode(bytes));
    }

    @Test
    void rejectsOversizedAndNegativeLengthsBeforeAllocating() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "x");
        ByteBuffer.wrap(bytes).putInt(8, AdminFrame.MAX_BODY_LENGTH + 1);
        assertThrows(AdminProtocolException.class, () -> decode(bytes));
        ByteBuffer.wrap(bytes).putInt(8, -5);
        assertThrows(AdminProtocolException.class, () -> decode(bytes));
    }

    @Test
    void rejectsTruncatedFrames() throws IOException {
        byte[] bytes = encode(AdminFrame.COMMAND, 0, "ms:status");
        assertThrows(IOException.class, () -> decode(Arrays.copyOf(bytes, 7)));
        assertThrows(AdminProtocolException.class, () -> decode(Arrays.copyOf(bytes, bytes.length - 2)));
    }
}
