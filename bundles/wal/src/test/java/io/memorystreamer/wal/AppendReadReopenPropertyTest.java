package io.memorystreamer.wal;

import static io.memorystreamer.wal.WalTestSupport.OVERHEAD;
import static io.memorystreamer.wal.WalTestSupport.SEGMENT;
import static io.memorystreamer.wal.WalTestSupport.assertSameRecords;
import static io.memorystreamer.wal.WalTestSupport.bytes;
import static io.memorystreamer.wal.WalTestSupport.readAll;
import static io.memorystreamer.wal.WalTestSupport.readAllVerified;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memorystreamer.wal.PropertyCheck.Case;
import io.memorystreamer.wal.WalTestSupport.Rec;
import io.memorystreamer.wal.internal.FrameDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: whatever the sequence of single appends, batch appends (of any size up to the limit,
 * so many cross a segment's end), closes and reopens, a cursor reads back exactly what was
 * appended, in order, at the positions the appends returned, and positions only grow.
 */
class AppendReadReopenPropertyTest {
    /** Settings of one case. */
    record Setup(Durability durability, int maxRecordSize, boolean preallocate) {
    }

    /** One step of a case. */
    sealed interface Op permits Append, Batch, Reopen, ReadFrom {
    }

    /** A single append; {@code nulls}: pass null for empty parts, {@code buffers}: use the ByteBuffer variant. */
    record Append(Rec rec, boolean nulls, boolean buffers) implements Op {
    }

    /** A batch append. */
    record Batch(List<Rec> recs) implements Op {
        @Override
        public String toString() {
            return "Batch" + recs;
        }
    }

    /** Close the log and open it again. */
    record Reopen() implements Op {
    }

    /** Read from the frame at this fraction of the frames appended so far, and compare. */
    record ReadFrom(double fraction) implements Op {
    }

    @TempDir
    Path root;

    @Test
    void readsReturnExactlyWhatWasAppendedInOrderAcrossRotationsAndReopens() throws Exception {
        int tries = new PropertyCheck<Setup, Op>("append/read/reopen").tries(100).budget(Duration.ofSeconds(8))
                .forAll(root, AppendReadReopenPropertyTest::generate, AppendReadReopenPropertyTest::check);
        assertTrue(tries >= 5);
    }

    static Case<Setup, Op> generate(Random random) {
        Durability durability = switch (random.nextInt(10)) {
            case 0 -> Durability.SYNC;
            case 1, 2, 3 -> Durability.BATCH;
            default -> Durability.NONE;
        };
        int maxRecordSize = switch (random.nextInt(3)) {
            case 0 -> 1024;
            case 1 -> 16 * 1024;
            default -> SEGMENT;
        };
        Setup setup = new Setup(durability, maxRecordSize, random.nextBoolean());
        int count = 1 + random.nextInt(random.nextInt(4) == 0 ? 120 : 30);
        List<Op> ops = new ArrayList<>();
        long budgetBytes = 6L * SEGMENT;
        long sequence = 0;
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(100);
            if (kind < 8) {
                ops.add(new Reopen());
            } else if (kind < 16) {
                ops.add(new ReadFrom(random.nextDouble()));
            } else if (kind < 40) {
                List<Rec> recs = new ArrayList<>();
                int frame = FrameDescriptor.HEADER_LENGTH;
                int wanted = 1 + random.nextInt(8);
                while (recs.size() < wanted) {
                    Rec rec = record(random, sequence, budgetBytes > 0 ? maxRecordSize : 256, true);
                    if (frame + rec.entryLength() > maxRecordSize) {
                        break;
                    }
                    frame += rec.entryLength();
                    recs.add(rec);
                    sequence++;
                }
                if (recs.isEmpty()) {
                    Rec rec = new Rec(-1, 0, sequence % 3, sequence, sequence, new byte[0], new byte[0], new byte[1]);
                    recs.add(rec);
                    frame += rec.entryLength();
                    sequence++;
                }
                budgetBytes -= frame;
                ops.add(new Batch(recs));
            } else {
                Rec rec = record(random, sequence++, budgetBytes > 0 ? maxRecordSize : 256, false);
                budgetBytes -= rec.frameLength();
                ops.add(new Append(rec, random.nextBoolean(), random.nextBoolean()));
            }
        }
        return new Case<>(setup, ops);
    }

    /** A record of a random shape: often small, sometimes medium, sometimes up to the frame limit. */
    private static Rec record(Random random, long sequence, int maxFrame, boolean inBatch) {
        int room = maxFrame - OVERHEAD;
        int keyLength = random.nextInt(4) == 0 ? 0 : random.nextInt(Math.min(24, room) + 1);
        int headersLength = random.nextInt(3) == 0 ? 0 : random.nextInt(Math.min(40, room - keyLength) + 1);
        int left = room - keyLength - headersLength;
        int payloadLength = switch (random.nextInt(inBatch ? 8 : 6)) {
            case 0 -> 0;
            case 1 -> Math.max(0, left - random.nextInt(33)); // exactly or nearly the limit
            case 2 -> random.nextInt(left + 1);
            case 3 -> Math.min(left, 200 + random.nextInt(4000));
            default -> Math.min(left, random.nextInt(120));
        };
        long stream = random.nextInt(4);
        long timestamp = random.nextInt(3) == 0 ? random.nextLong() : 1_700_000_000_000L + sequence;
        return new Rec(-1, 0, stream, sequence, timestamp, bytes(stream, sequence * 3, keyLength),
                bytes(stream, sequence * 3 + 1, headersLength), bytes(stream, sequence * 3 + 2, payloadLength));
    }

    static void check(Case<Setup, Op> input, Path dir) throws Exception {
        Setup setup = input.setup();
        LogConfig config = LogConfig.builder(dir).segmentSize(SEGMENT).maxRecordSize(setup.maxRecordSize())
                .durability(setup.durability()).preallocate(setup.preallocate()).build();
        List<Rec> model = new ArrayList<>();
        List<Long> frames = new ArrayList<>();
        WriteAheadLog log = WriteAheadLog.open(config);
        try {
            LogAppender appender = log.appender();
            RecordBatch batch = new RecordBatch(64);
            long previous = -1;
            for (Op op : input.ops()) {
                if (op instanceof Append append) {
                    long position = append(appender, append);
                    previous = checkPosition(log, previous, position);
                    model.add(append.rec().at(position, 0));
                    frames.add(position);
                } else if (op instanceof Batch b) {
                    batch.clear();
                    for (Rec rec : b.recs()) {
                        batch.add(rec.streamId(), rec.streamOffset(), rec.timestamp(), rec.key(), rec.headers(), rec.payload());
                    }
                    long position = appender.append(batch);
                    previous = checkPosition(log, previous, position);
                    for (int i = 0; i < b.recs().size(); i++) {
                        model.add(b.recs().get(i).at(position, i));
                    }
                    frames.add(position);
                } else if (op instanceof Reopen) {
                    log.close();
                    log = WriteAheadLog.open(config);
                    appender = log.appender();
                    RecoveryReport report = log.recoveryReport();
                    assertTrue(report.problems().isEmpty(), () -> "a clean close leaves nothing to repair: " + report);
                    assertEquals(model.size(), report.records(), () -> "records found by recovery: " + report);
                    assertTrue(previous < log.tailPosition(), "the tail " + log.tailPosition() + " is past the last frame " + previous);
                } else if (op instanceof ReadFrom readFrom) {
                    if (!frames.isEmpty()) {
                        long from = frames.get((int) (readFrom.fraction() * frames.size()));
                        List<Rec> suffix = model.stream().filter(r -> r.position() >= from).toList();
                        assertSameRecords(suffix, readAll(log, from));
                    }
                }
            }
            assertSameRecords(model, readAllVerified(log, 0));
            log.close();
            log = WriteAheadLog.open(config);
            assertSameRecords(model, readAllVerified(log, 0));
        } finally {
            log.close();
        }
    }

    private static long append(LogAppender appender, Append append) {
        Rec rec = append.rec();
        if (append.buffers()) {
            return appender.append(rec.streamId(), rec.streamOffset(), rec.timestamp(), buffer(rec.key(), append.nulls()),
                    buffer(rec.headers(), append.nulls()), buffer(rec.payload(), append.nulls()));
        }
        return appender.append(rec.streamId(), rec.streamOffset(), rec.timestamp(), array(rec.key(), append.nulls()),
                array(rec.headers(), append.nulls()), array(rec.payload(), append.nulls()));
    }

    private static ByteBuffer buffer(byte[] bytes, boolean nullWhenEmpty) {
        if (bytes.length == 0 && nullWhenEmpty) {
            return null;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 3);
        direct.position(3);
        direct.put(bytes).position(3);
        return direct;
    }

    private static byte[] array(byte[] bytes, boolean nullWhenEmpty) {
        return bytes.length == 0 && nullWhenEmpty ? null : bytes;
    }

    private static long checkPosition(WriteAheadLog log, long previous, long position) {
        assertTrue(position >= 0, "append returned " + position);
        assertTrue(position > previous, "positions grow: " + position + " after " + previous);
        assertEquals(0, position % FrameDescriptor.ALIGNMENT, "frames are aligned: " + position);
        assertTrue(position < log.tailPosition(), "the tail " + log.tailPosition() + " is past the frame at " + position);
        return position;
    }
}
