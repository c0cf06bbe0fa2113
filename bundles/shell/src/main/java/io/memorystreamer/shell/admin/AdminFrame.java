package io.memorystreamer.shell.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * One frame of the local administration protocol, and its codec.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                   magic 0x4D534144 ("MSAD")                   |  0
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     type      |   status (END frames, else 0) |  4
 *  +---------------+---------------+-------------------------------+
 *  |                   body length in bytes (0..limit)             |  8
 *  +---------------------------------------------------------------+
 *  |        CRC32C of header bytes 4..11 followed by the body      | 12
 *  +---------------------------------------------------------------+
 *  |                     body: UTF-8 text ...                      | 16
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p>All integers are big-endian. A conversation: the client sends {@link #HELLO} with the
 * secret token read from {@code data/admin.token}; the server answers {@link #END} with
 * {@link #STATUS_OK}, or with {@link #STATUS_AUTH_FAILED} and closes. Then, for each
 * {@link #COMMAND}, the server sends zero or more {@link #OUTPUT} frames and one {@link #END}
 * whose status says whether the command succeeded and whose body holds the error message, if any.
 *
 * <p>Instances are immutable. The static codec methods are thread-safe; a stream must not be
 * written by two threads at once.
 */
public record AdminFrame(int type, int status, String body) {

    /** "MSAD": MemoryStreamer ADministration. */
    public static final int MAGIC = 0x4D534144;
    /** The only protocol version so far. A peer refuses any other. */
    public static final int VERSION = 1;
    /** Header size in bytes. */
    public static final int HEADER_LENGTH = 16;
    /** Largest body accepted from a peer (16 MiB). */
    public static final int MAX_BODY_LENGTH = 16 * 1024 * 1024;

    /** Client to server: body is the secret token. */
    public static final int HELLO = 1;
    /** Client to server: body is one Gogo command line. */
    public static final int COMMAND = 2;
    /** Server to client: a chunk of the command's output. */
    public static final int OUTPUT = 3;
    /** Server to client: the command (or the hello) is complete; status says how it went. */
    public static final int END = 4;

    /** The command ran (or the client is authenticated). */
    public static final int STATUS_OK = 0;
    /** The command failed; the body says why. */
    public static final int STATUS_COMMAND_FAILED = 1;
    /** The request was not understood. */
    public static final int STATUS_BAD_REQUEST = 2;
    /** The token did not match; the connection is closed. */
    public static final int STATUS_AUTH_FAILED = 3;
    /** Too many administration sessions are open; try again later. */
    public static final int STATUS_BUSY = 4;

    private static final int OFFSET_VERSION = 4;
    private static final int OFFSET_TYPE = 5;
    private static final int OFFSET_STATUS = 6;
    private static final int OFFSET_LENGTH = 8;
    private static final int OFFSET_CRC = 12;

    /** A frame with an empty body. */
    public static AdminFrame of(int type, int status) {
        return new AdminFrame(type, status, "");
    }

    /**
     * Writes one frame and flushes the stream.
     *
     * @throws IOException when the stream fails
     */
    public static void write(DataOutputStream out, int type, int status, String body) throws IOException {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.putInt(0, MAGIC);
        header.put(OFFSET_VERSION, (byte) VERSION);
        header.put(OFFSET_TYPE, (byte) type);
        header.putShort(OFFSET_STATUS, (short) status);
        header.putInt(OFFSET_LENGTH, payload.length);
        header.putInt(OFFSET_CRC, checksum(header.array(), payload));
        out.write(header.array());
        out.write(payload);
        out.flush();
    }

    /**
     * Reads one frame.
     *
     * @return the frame, or {@code null} when the peer closed the stream cleanly between frames
     * @throws AdminProtocolException when the bytes are not a valid frame (wrong magic, version,
     *     length or checksum): the connection must then be closed
     * @throws IOException when the stream fails or ends inside a frame
     */
    public static AdminFrame read(DataInputStream in) throws IOException {
        byte[] header = new byte[HEADER_LENGTH];
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        in.readFully(header, 1, HEADER_LENGTH - 1);
        ByteBuffer view = ByteBuffer.wrap(header);
        int magic = view.getInt(0);
        if (magic != MAGIC) {
            throw new AdminProtocolException(String.format(
                    "not a MemoryStreamer administration frame (magic 0x%08X, expected 0x%08X)", magic, MAGIC));
        }
        int version = view.get(OFFSET_VERSION) & 0xFF;
        if (version != VERSION) {
            throw new AdminProtocolException("unsupported administration protocol version " + version
                    + " (this side speaks version " + VERSION + ")");
        }
        int length = view.getInt(OFFSET_LENGTH);
        if (length < 0 || length > MAX_BODY_LENGTH) {
            throw new AdminProtocolException("frame body length " + length + " outside 0.." + MAX_BODY_LENGTH);
        }
        byte[] payload = new byte[length];
        try {
            in.readFully(payload);
        } catch (EOFException e) {
            throw new AdminProtocolException("connection closed inside a frame body of " + length + " bytes");
        }
        int expected = view.getInt(OFFSET_CRC);
        int actual = checksum(header, payload);
        if (expected != actual) {
            throw new AdminProtocolException(String.format(
                    "frame checksum mismatch (CRC32C 0x%08X, computed 0x%08X)", expected, actual));
        }
        int type = view.get(OFFSET_TYPE) & 0xFF;
        int status = view.getShort(OFFSET_STATUS) & 0xFFFF;
        return new AdminFrame(type, status, new String(payload, StandardCharsets.UTF_8));
    }

    private static int checksum(byte[] header, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(header, OFFSET_VERSION, OFFSET_CRC - OFFSET_VERSION);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }
}
