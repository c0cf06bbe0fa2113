package io.memorystreamer.broker.internal;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A consumer group's committed lane positions, in {@code groups/<group>.offsets}: one file per
 * group, rewritten whole on every commit, durably and atomically (temporary file, fsync, rename,
 * directory fsync: {@link TopicFiles#writeAtomically}), so a crash leaves the old or the new
 * commit, never a mix. Little-endian:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  magic 0x4F47534D ("MSGO")                    |
 * +-------------------------------+-------------------------------+
 * |         version (u16) = 1     |    topic name length (u16)    |
 * +-------------------------------+-------------------------------+
 * |                      shard count (u32)                        |
 * +---------------------------------------------------------------+
 * |                    lanes per shard (u32)                      |
 * +---------------------------------------------------------------+
 * |              topic name (ASCII, length bytes) ...             |
 * +---------------------------------------------------------------+
 * |  shard count x lanes per shard entries, by lane id            |
 * |  (shard * lanesPerShard + lane), 12 bytes each:               |
 * |  +-------------------------------------------------------+    |
 * |  |  frame position (i64): the frame holding the lane's   |    |
 * |  |  next record to process; -1 = nothing committed       |    |
 * |  +-------------------------------------------------------+    |
 * |  |  index in frame (u32): records of that frame already  |    |
 * |  |  processed (a frame holds a batch of records)         |    |
 * |  +-------------------------------------------------------+    |
 * +---------------------------------------------------------------+
 * |            CRC32C of every byte before it (u32)               |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>A file that does not decode (wrong magic or version, wrong length, CRC mismatch) is reported
 * with its path and what is wrong; the coordinator then refuses the group rather than start it
 * from scratch (see {@link GroupCoordinator}).
 *
 * <p>Stateless; any thread (the coordinator serialises writes per group).
 */
final class GroupOffsetsFile {
    static final String SUFFIX = ".offsets";
    static final int MAGIC = 0x4F47534D;
    static final short VERSION = 1;
    static final long NOT_COMMITTED = -1;
    private static final int HEADER_LENGTH = 16;
    private static final int ENTRY_LENGTH = 12;

    /**
     * What a file holds.
     *
     * @param topic the topic the group consumes
     * @param shardCount its shard count
     * @param lanesPerShard lanes per shard
     * @param frames per lane id: committed frame position or {@link #NOT_COMMITTED}
     * @param indexes per lane id: index in that frame
     */
    record Content(String topic, int shardCount, int lanesPerShard, long[] frames, int[] indexes) {
    }

    /** A file that is there but does not decode. */
    static final class CorruptException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    private GroupOffsetsFile() {
    }

    static Path pathOf(Path groupsDirectory, String group) {
        return groupsDirectory.resolve(group + SUFFIX);
    }

    static byte[] encode(Content content) {
        byte[] topic = content.topic().getBytes(StandardCharsets.US_ASCII);
        int lanes = content.frames().length;
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + topic.length + lanes * ENTRY_LENGTH + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort(VERSION).putShort((short) topic.length).putInt(content.shardCount()).putInt(content.lanesPerShard())
                .put(topic);
        for (int i = 0; i < lanes; i++) {
            out.putLong(content.frames()[i]).putInt(content.indexes()[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /** @throws CorruptException saying what is wrong */
    static Content decode(byte[] bytes) throws CorruptException {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int magic = in.getInt();
            if (magic != MAGIC) {
                throw new CorruptException(String.format("magic number 0x%08X, not 0x%08X: not a consumer group offsets file", magic, MAGIC));
            }
            short version = in.getShort();
            if (version != VERSION) {
                throw new CorruptException("format version " + version + "; this broker reads version " + VERSION);
            }
            int topicLength = Short.toUnsignedInt(in.getShort());
            int shardCount = in.getInt();
            int lanesPerShard = in.getInt();
            if (shardCount < 1 || lanesPerShard < 1 || lanesPerShard > 256 || (long) shardCount * lanesPerShard > 1 << 24) {
                throw new CorruptException("impossible header: " + shardCount + " shard(s) of " + lanesPerShard + " lane(s)");
            }
            int lanes = shardCount * lanesPerShard;
            long expected = (long) HEADER_LENGTH + topicLength + (long) lanes * ENTRY_LENGTH + 4;
            if (bytes.length != expected) {
                throw new CorruptException(bytes.length + " bytes where its header announces " + expected + " (truncated or overwritten)");
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (stored != (int) crc.getValue()) {
                throw new CorruptException(String.format("CRC32C mismatch (stored 0x%08X, computed 0x%08X)", stored, (int) crc.getValue()));
            }
            byte[] topic = new byte[topicLength];
            in.get(topic);
            long[] frames = new long[lanes];
            int[] indexes = new int[lanes];
            for (int i = 0; i < lanes; i++) {
                frames[i] = in.getLong();
                indexes[i] = in.getInt();
                if (frames[i] < NOT_COMMITTED || indexes[i] < 0) {
                    throw new CorruptException("lane " + Lanes.name(i, lanesPerShard) + " has impossible position " + frames[i] + "#" + indexes[i]);
                }
            }
            return new Content(new String(topic, StandardCharsets.US_ASCII), shardCount, lanesPerShard, frames, indexes);
        } catch (BufferUnderflowException e) {
            throw new CorruptException("only " + bytes.length + " bytes: shorter than its header (truncated)");
        }
    }

    /**
     * @return the file's content, or null when there is no file
     * @throws CorruptException when it is there and does not decode (the message names the file)
     */
    static Content read(Path file) throws IOException, CorruptException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return decode(bytes);
        } catch (CorruptException e) {
            throw new CorruptException("consumer group offsets file " + file + " is corrupt: " + e.getMessage());
        }
    }

    static void write(Path file, Content content) throws IOException {
        Files.createDirectories(file.getParent());
        TopicFiles.writeAtomically(file, encode(content));
    }
}
