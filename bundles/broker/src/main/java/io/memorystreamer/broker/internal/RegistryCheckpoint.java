package io.memorystreamer.broker.internal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Per shard, the log position up to which the stream registry is known to hold every record's
 * stream offset. After a crash, a topic replays each shard's log only from there. The file is
 * memory-mapped and updated in place by the topic's writer after each registry update, so it
 * survives a killed process with the registry (both live in the page cache); a slot that fails
 * its checksum reads as 0 (replay the whole log): a stale checkpoint only costs time.
 *
 * <pre>
 *  0               4       5               8              12              16
 * +---------------+-------+---------------+---------------+---------------+
 * | magic "MSRC"  | ver 1 |  (reserved)   | shard count   | CRC32C of 0-11|  header
 * +---------------+-------+---------------+---------------+---------------+
 * |        position (i64)                 | CRC32C(pos,i) |  (reserved)   |  slot i, at 16 + 16 i
 * +---------------------------------------+---------------+---------------+
 * </pre>
 * Little-endian. A slot's CRC32C covers its 8 position bytes followed by the shard index (i32).
 *
 * <p>Threading: the opening thread reads and replays before the topic's writer starts; from then on
 * only the writer touches it (it is not safe for concurrent use).
 */
final class RegistryCheckpoint implements AutoCloseable {
    static final String FILE_NAME = "registry.checkpoint";
    static final int MAGIC = 0x4352534D; // "MSRC" little-endian
    static final byte VERSION = 1;
    static final int HEADER_LENGTH = 16;
    static final int SLOT_LENGTH = 16;

    private final MappedByteBuffer buffer;
    private final int shards;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[12];

    private RegistryCheckpoint(MappedByteBuffer buffer, int shards) {
        this.buffer = buffer;
        this.shards = shards;
    }

    static RegistryCheckpoint open(Path file, int shards) throws IOException {
        int length = HEADER_LENGTH + SLOT_LENGTH * shards;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            boolean valid = channel.size() == length;
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            RegistryCheckpoint checkpoint = new RegistryCheckpoint(buffer, shards);
            if (!valid || !checkpoint.headerValid()) {
                checkpoint.reset();
            }
            return checkpoint;
        }
    }

    private boolean headerValid() {
        return buffer.getInt(0) == MAGIC && buffer.get(4) == VERSION && buffer.getInt(8) == shards && buffer.getInt(12) == headerCrc();
    }

    private void reset() {
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, (byte) 0);
        }
        buffer.putInt(0, MAGIC).put(4, VERSION).putInt(8, shards);
        buffer.putInt(12, headerCrc());
        for (int i = 0; i < shards; i++) {
            update(i, 0);
        }
    }

    private int headerCrc() {
        crc.reset();
        for (int i = 0; i < 12; i++) {
            crc.update(buffer.get(i));
        }
        return (int) crc.getValue();
    }

    /** @return the shard's checkpoint, or 0 when its slot is damaged */
    long position(int shard) {
        int at = HEADER_LENGTH + SLOT_LENGTH * shard;
        long position = buffer.getLong(at);
        return buffer.getInt(at + 8) == slotCrc(position, shard) && position >= 0 ? position : 0;
    }

    /** Records that the registry holds every record of the shard before {@code position}. */
    void update(int shard, long position) {
        int at = HEADER_LENGTH + SLOT_LENGTH * shard;
        buffer.putLong(at, position);
        buffer.putInt(at + 8, slotCrc(position, shard));
    }

    private int slotCrc(long position, int shard) {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (position >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            scratch[8 + i] = (byte) (shard >>> (8 * i));
        }
        crc.reset();
        crc.update(scratch, 0, 12);
        return (int) crc.getValue();
    }

    @Override
    public void close() {
        buffer.force();
    }
}
