package io.memorystreamer.transport.internal;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent producers' state across a clean restart: {@code <ms.data.dir>/transport/producers.state},
 * written whole when the transport stops cleanly (after every request in flight was answered) and
 * taken when it starts: read, then deleted before the server accepts a connection. Big-endian.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  magic 0x4D535053 ("MSPS")                    |  0
 * +-------------------------------+-------------------------------+
 * |        version (u16) = 1      |      window (u16) = 8         |  4
 * +-------------------------------+-------------------------------+
 * |              saved at (i64, ms since the epoch)               |  8
 * +---------------------------------------------------------------+
 * |      first producer id base (i64; 0: no id was issued)        | 16
 * +---------------------------------------------------------------+
 * |              last producer id base (i64)                      | 24
 * +---------------------------------------------------------------+
 * |      last counter issued with the last base (u32)             | 32
 * +---------------------------------------------------------------+
 * |                   producer count (u32)                        | 36
 * +---------------------------------------------------------------+
 * |  producer count entries:                                      | 40
 * |    producer id (i64)                                          |
 * |    idle time at the stop (i64, ms)                            |
 * |    stream count (u32)                                         |
 * |    stream count entries:                                      |
 * |      topic name length (u16), topic name (UTF-8)              |
 * |      stream key length (u16), stream key (bytes)              |
 * |      next expected sequence (i64)                             |
 * |      window x offset (i64): of sequences expected - window    |
 * |        to expected - 1; -2 = not known                        |
 * +---------------------------------------------------------------+
 * |            CRC32C of every byte before it (u32)               |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Why the file is deleted once read</b>: it is true only at the moment of the clean stop that
 * wrote it. Were it kept, a crash (kill -9) after the restart would make the next start load it
 * again, with next sequences older than what the log holds: a client's next message would then be
 * refused OUT_OF_ORDER_SEQUENCE (a gap the client cannot close but by dropping its id), a resend
 * answered with a stale offset, and ids issued after that file known nowhere while older ones are
 * known with stale sequences. Without the file, a start after a crash knows no producer: its clients
 * get UNKNOWN_PRODUCER and take new ids (what was in flight at the crash may be written twice: at
 * least once, never lost). A file that cannot be deleted is therefore not used either. A file that
 * does not decode is logged (WARN, naming the file and the problem), moved aside to
 * {@code producers.state.corrupt} and ignored: the producers start empty, as after a crash.
 *
 * <p>Writing: a temporary file beside it, fsynced, renamed over it, and the directory fsynced.
 *
 * <p>Threading: called by the component (one thread at a time).
 */
final class ProducerStateFile {
    /** The file name, under {@code <ms.data.dir>/transport/}. */
    static final String NAME = "producers.state";
    static final int MAGIC = 0x4D535053;
    static final int VERSION = 1;
    static final int HEADER_BYTES = 40;
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateFile.class);

    /** A file that is there but does not decode. */
    static final class CorruptException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptException(String message) {
            super(message);
        }
    }

    private ProducerStateFile() {
    }

    /**
     * @param dataDirectory {@code ms.data.dir}
     * @return where the state is saved
     */
    static Path in(Path dataDirectory) {
        return dataDirectory.resolve("transport").resolve(NAME);
    }

    /**
     * Writes the state: temporary file, fsync, rename, directory fsync.
     *
     * @param file the file
     * @param saved the state
     * @throws IOException when it cannot be written
     */
    static void save(Path file, Producers.Saved saved) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            // Not closed: closing it would close the channel before its force.
            BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
            write(out, saved);
            out.flush();
            buffered.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            buffered.flush();
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(directory);
    }

    private static void write(DataOutputStream out, Producers.Saved saved) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        out.writeShort(Producers.WINDOW);
        out.writeLong(System.currentTimeMillis());
        out.writeLong(saved.firstBase());
        out.writeLong(saved.lastBase());
        out.writeInt((int) saved.lastCounter());
        out.writeInt(saved.producers().size());
        for (Producers.SavedProducer producer : saved.producers()) {
            out.writeLong(producer.id());
            out.writeLong(producer.idleMillis());
            out.writeInt(producer.streams().size());
            for (Producers.SavedStream stream : producer.streams()) {
                byte[] topic = stream.topic().getBytes(StandardCharsets.UTF_8);
                out.writeShort(topic.length);
                out.write(topic);
                out.writeShort(stream.key().length);
                out.write(stream.key());
                out.writeLong(stream.expected());
                for (long offset : stream.offsets()) {
                    out.writeLong(offset);
                }
            }
        }
    }

    /**
     * Reads the state a clean stop saved and deletes the file (moves it aside when it does not
     * decode), so that it is used once. Every problem is logged, and means starting empty.
     *
     * @param file the file
     * @return the state, or null to start empty (no file, or one that cannot be used)
     */
    static Producers.Saved take(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.info("No idempotent producers' state at {} (a first start, or the broker did not stop cleanly): producer ids from before"
                    + " get UNKNOWN_PRODUCER, and their clients take new ones", file);
            return null;
        } catch (IOException e) {
            LOG.warn("Could not read the idempotent producers' state {}: {}; starting without it (producer ids from before get"
                    + " UNKNOWN_PRODUCER)", file, e.toString());
            discard(file, false);
            return null;
        }
        Producers.Saved saved;
        try {
            saved = decode(bytes);
        } catch (CorruptException e) {
            LOG.warn("The idempotent producers' state {} is corrupt: {}; starting without it (producer ids from before get"
                    + " UNKNOWN_PRODUCER); moved aside to {}", file, e.getMessage(), file.resolveSibling(NAME + ".corrupt"));
            discard(file, true);
            return null;
        }
        if (!discard(file, false)) {
            LOG.warn("Not using the idempotent producers' state {}, since it cannot be deleted (a crash would load it again, stale)", file);
            return null;
        }
        return saved;
    }

    /** Deletes the file (or moves it aside) durably; @return whether it is gone */
    private static boolean discard(Path file, boolean keepAside) {
        try {
            if (keepAside) {
                Files.move(file, file.resolveSibling(NAME + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(file);
            }
            syncDirectory(file.toAbsolutePath().getParent());
            return true;
        } catch (IOException e) {
            LOG.warn("Could not {} {}: {}", keepAside ? "move aside" : "delete", file, e.toString());
            return false;
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems do not open directories; the rename stands, only its durability is weaker.
            LOG.debug("Could not fsync the directory {}: {}", directory, e.toString());
        }
    }

    /**
     * @param bytes a whole file
     * @return what it holds
     * @throws CorruptException saying what is wrong
     */
    static Producers.Saved decode(byte[] bytes) throws CorruptException {
        if (bytes.length < HEADER_BYTES + 4) {
            throw new CorruptException(bytes.length + " bytes, fewer than the " + (HEADER_BYTES + 4) + " of an empty state");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int magic = in.getInt();
        if (magic != MAGIC) {
            throw new CorruptException(String.format("magic number 0x%08X, not 0x%08X: not a producers' state file", magic, MAGIC));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CorruptException(String.format("CRC32C 0x%08X does not match its content (0x%08X)", stored, (int) crc.getValue()));
        }
        int version = Short.toUnsignedInt(in.getShort());
        if (version != VERSION) {
            throw new CorruptException("version " + version + "; this broker reads version " + VERSION);
        }
        int window = Short.toUnsignedInt(in.getShort());
        if (window != Producers.WINDOW) {
            throw new CorruptException("a window of " + window + " offsets; this broker keeps " + Producers.WINDOW);
        }
        in.getLong(); // saved at
        long firstBase = in.getLong();
        long lastBase = in.getLong();
        long lastCounter = Integer.toUnsignedLong(in.getInt());
        if (firstBase < 0 || lastBase < firstBase || (lastBase > 0 && firstBase == 0)) {
            throw new CorruptException("producer id bases " + firstBase + " to " + lastBase + " are not a range");
        }
        long producerCount = Integer.toUnsignedLong(in.getInt());
        ByteBuffer body = in.slice(in.position(), bytes.length - 4 - in.position());
        List<Producers.SavedProducer> producers = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        try {
            for (long p = 0; p < producerCount; p++) {
                long id = body.getLong();
                long idle = body.getLong();
                long streamCount = Integer.toUnsignedLong(body.getInt());
                if (id <= 0 || !ids.add(id)) {
                    throw new CorruptException("producer " + p + " has id " + id + (id > 0 ? ", twice" : ""));
                }
                if (streamCount > body.remaining()) {
                    throw new CorruptException("producer " + id + " claims " + streamCount + " streams, more than the file holds");
                }
                List<Producers.SavedStream> streams = new ArrayList<>((int) streamCount);
                for (long s = 0; s < streamCount; s++) {
                    String topic = utf8(body, "producer " + id + ", stream " + s + ": topic name");
                    int keyLength = Short.toUnsignedInt(body.getShort());
                    if (keyLength == 0) {
                        throw new CorruptException("producer " + id + ", stream " + s + ": an empty stream key");
                    }
                    byte[] key = new byte[keyLength];
                    body.get(key);
                    long expected = body.getLong();
                    if (expected < 0) {
                        throw new CorruptException("producer " + id + ", stream " + s + ": next sequence " + expected);
                    }
                    long[] offsets = new long[window];
                    for (int i = 0; i < window; i++) {
                        offsets[i] = body.getLong();
                    }
                    streams.add(new Producers.SavedStream(topic, key, expected, offsets));
                }
                producers.add(new Producers.SavedProducer(id, idle, streams));
            }
        } catch (BufferUnderflowException e) {
            throw new CorruptException("it ends inside producer " + producers.size() + " of " + producerCount);
        }
        if (body.hasRemaining()) {
            throw new CorruptException(body.remaining() + " bytes follow the last of the " + producerCount + " producers");
        }
        return new Producers.Saved(firstBase, lastBase, lastCounter, producers);
    }

    private static String utf8(ByteBuffer in, String what) throws CorruptException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length == 0) {
            throw new CorruptException(what + " is empty");
        }
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer bytes = in.slice(in.position(), length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptException(what + " is not UTF-8");
        }
    }
}
