package io.memorystreamer.client.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.memorystreamer.client.protocol.Protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A bounded-time fuzz test of the decoder and the body readers: valid frame streams are generated
 * from a seed, mutated (bit flips, truncation, length changes, garbage, header fields changed with
 * the CRC fixed, bodies changed with the CRC fixed) and fed through an embedded channel in random
 * chunks. Whatever the bytes, only a {@link ProtocolException} or clean frames may come out; every
 * clean frame's body either parses or raises a ProtocolException; every buffer is released
 * (checked by reference count, by a tracking allocator, and by Netty's PARANOID leak detector);
 * and the decoder never allocates beyond what it received.
 *
 * <p>Runs for {@code -Dfuzz.seconds} (5 by default); {@code -Dfuzz.seed=N} replays a run. A failure
 * names the seed of the failing case.
 */
class FrameDecoderFuzzTest {
    static {
        LeakDetection.install();
    }

    private static final int MIN_CASES = 200;

    /** One generated case: its stream, how it was made, and how to feed it. */
    private record Case(long seed, Direction direction, int maxFrameBytes, byte[] original, int largestOriginalLength, byte[] bytes,
            List<String> mutations,
            int[] chunkEnds, TrackingAllocator.Kind allocator, boolean composite, boolean negotiated) {
        @Override
        public String toString() {
            return "case seed " + seed + ": " + direction + ", max " + maxFrameBytes + ", " + original.length + " -> " + bytes.length
                    + " bytes, mutations " + mutations + ", chunks ending at " + Arrays.toString(chunkEnds) + ", " + allocator
                    + (composite ? ", composite cumulator" : "") + (negotiated ? ", version 1 negotiated" : "") + "\n  bytes: " + ByteBufUtil.hexDump(bytes, 0, Math.min(bytes.length, 512));
        }
    }

    private final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    void onlyProtocolExceptionsOrCleanFramesComeOutAndNothingLeaks() throws Exception {
        long seconds = longProperty("fuzz.seconds", 5);
        long baseSeed = longProperty("fuzz.seed", new Random().nextLong());
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        LeakDetection.clear();
        int cases = 0;
        while (cases < MIN_CASES || System.nanoTime() - deadline < 0) {
            long seed = baseSeed + cases;
            Case input = generate(seed);
            try {
                run(input);
            } catch (Throwable e) {
                throw new AssertionError("fuzz failure (replay with -Dfuzz.seed=" + seed + " -Dfuzz.seconds=0): " + e + "\n" + input, e);
            }
            cases++;
        }
        List<String> leaks = LeakDetection.collect(300, 1);
        assertTrue(leaks.isEmpty(), "Netty reported leaks (base seed " + baseSeed + "): " + leaks);
        System.out.println("fuzz: " + cases + " cases in " + seconds + " s passed (base seed " + baseSeed + "); outcomes " + outcomes);
    }

    @Test
    void theLeakDetectorWouldNoticeALeak() throws Exception {
        LeakDetection.clear();
        leakOne();
        List<String> leaks = LeakDetection.collect(10_000, 1);
        LeakDetection.clear();
        assertEquals(false, leaks.isEmpty(), "a buffer dropped without release() was reported");
    }

    private static void leakOne() {
        Unpooled.directBuffer(16).writeLong(42);
    }

    private static long longProperty(String name, long otherwise) {
        String value = System.getProperty(name, "").trim();
        return value.isEmpty() ? otherwise : Long.parseLong(value);
    }

    // ---------------------------------------------------------------- generating

    private static Case generate(long seed) {
        Random r = new Random(seed);
        Direction direction = r.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        int maxFrameBytes = r.nextInt(4) == 0 ? Protocol.DEFAULT_MAX_FRAME_BYTES : Protocol.MIN_FRAME_LENGTH + r.nextInt(3000);
        int[] types = Samples.types(direction);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
            int type = types[r.nextInt(types.length)];
            frames.add(Wire.frame(Samples.random(r, type), Samples.correlationId(r, type)));
        }
        byte[] original = Wire.concat(frames.toArray(new byte[0][]));
        List<String> mutations = new ArrayList<>();
        byte[] bytes = original;
        int rounds = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
        for (int i = 0; i < rounds; i++) {
            bytes = mutate(r, bytes, frames, direction, mutations);
        }
        int chunks = bytes.length == 0 ? 0 : 1 + r.nextInt(Math.min(8, bytes.length));
        int[] ends = new int[chunks];
        for (int i = 0; i < chunks - 1; i++) {
            ends[i] = r.nextInt(bytes.length + 1);
        }
        if (chunks > 0) {
            ends[chunks - 1] = bytes.length;
        }
        Arrays.sort(ends);
        int largest = frames.stream().mapToInt(f -> f.length - Protocol.LENGTH_FIELD_BYTES).max().orElse(0);
        return new Case(seed, direction, maxFrameBytes, original, largest, bytes, mutations, ends,
                TrackingAllocator.Kind.values()[r.nextInt(TrackingAllocator.Kind.values().length)], r.nextInt(4) == 0, r.nextBoolean());
    }

    private static byte[] mutate(Random r, byte[] in, List<byte[]> frames, Direction direction, List<String> log) {
        byte[] bytes = in.clone();
        switch (r.nextInt(9)) {
            case 0: {
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips && bytes.length > 0; i++) {
                    int bit = r.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                log.add(flips + " bit flips");
                return bytes;
            }
            case 1: {
                int at = r.nextInt(bytes.length + 1);
                log.add("truncated at " + at);
                return Arrays.copyOf(bytes, at);
            }
            case 2: {
                int at = frameStart(r, frames, bytes.length);
                if (at + 4 > bytes.length) {
                    return bytes;
                }
                int[] lengths = {0, 1, 19, 20, 21, 24, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, Protocol.DEFAULT_MAX_FRAME_BYTES,
                        Protocol.DEFAULT_MAX_FRAME_BYTES + 1, r.nextInt(), getInt(bytes, at) + r.nextInt(9) - 4};
                int length = lengths[r.nextInt(lengths.length)];
                putInt(bytes, at, length);
                log.add("length at " + at + " set to " + Integer.toUnsignedString(length));
                return bytes;
            }
            case 3: {
                byte[] garbage = new byte[r.nextInt(64)];
                r.nextBytes(garbage);
                int at = r.nextInt(bytes.length + 1);
                log.add(garbage.length + " garbage bytes inserted at " + at);
                return Wire.concat(Arrays.copyOf(bytes, at), garbage, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 4: {
                if (bytes.length == 0) {
                    return bytes;
                }
                int at = r.nextInt(bytes.length);
                int n = Math.min(bytes.length - at, 1 + r.nextInt(32));
                for (int i = 0; i < n; i++) {
                    bytes[at + i] = (byte) r.nextInt();
                }
                log.add(n + " bytes overwritten at " + at);
                return bytes;
            }
            case 5: {
                byte[] garbage = new byte[r.nextInt(200)];
                r.nextBytes(garbage);
                log.add("replaced by " + garbage.length + " random bytes");
                return garbage;
            }
            case 6: {
                // A header field changed and the CRC fixed: reaches the checks after the CRC.
                int version = r.nextInt(4) == 0 ? r.nextInt(256) : 1;
                int[] ours = Samples.types(direction);
                int type = r.nextInt(6) == 0 ? r.nextInt(256)
                        : r.nextInt(5) == 0 ? Samples.TYPES[r.nextInt(Samples.TYPES.length)] : ours[r.nextInt(ours.length)];
                int flags = r.nextInt(3) == 0 ? r.nextInt(0x10000) : Protocol.isKnownType(type) ? Protocol.flagsFor(type) : 0;
                int reserved = r.nextInt(5) == 0 ? r.nextInt(0x10000) : 0;
                byte[] body = new byte[r.nextInt(40)];
                r.nextBytes(body);
                byte[] frame = Wire.raw(version, type, flags, reserved, r.nextLong(), b -> b.writeBytes(body));
                int at = r.nextInt(4) == 0 ? r.nextInt(bytes.length + 1) : frameStart(r, frames, bytes.length);
                log.add(String.format("frame v%d type 0x%02X flags 0x%04X reserved 0x%04X with %d random body bytes inserted at %d", version,
                        type, flags, reserved, body.length, at));
                return Wire.concat(Arrays.copyOf(bytes, at), frame, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 7: {
                // A valid header and CRC around a damaged body: reaches the body readers.
                int[] types = Samples.types(direction);
                int type = types[r.nextInt(types.length)];
                ByteBuf body = Unpooled.buffer();
                Samples.random(r, type).write(body);
                byte[] bodyBytes = ByteBufUtil.getBytes(body);
                body.release();
                String how;
                switch (r.nextInt(4)) {
                    case 0:
                        how = "truncated";
                        bodyBytes = Arrays.copyOf(bodyBytes, bodyBytes.length == 0 ? 0 : r.nextInt(bodyBytes.length));
                        break;
                    case 1:
                        how = "extended";
                        bodyBytes = Wire.concat(bodyBytes, new byte[1 + r.nextInt(8)]);
                        break;
                    case 2:
                        how = "bit-flipped";
                        for (int i = 0; i < 1 + r.nextInt(4) && bodyBytes.length > 0; i++) {
                            int bit = r.nextInt(bodyBytes.length * 8);
                            bodyBytes[bit / 8] ^= (byte) (1 << (bit % 8));
                        }
                        break;
                    default:
                        how = "with a length or count set to an extreme";
                        if (bodyBytes.length >= 4) {
                            int at = r.nextInt(bodyBytes.length - 3);
                            putInt(bodyBytes, at, new int[] {-1, -2, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xFFFF, 0x10000}[r.nextInt(6)]);
                        }
                        break;
                }
                byte[] finalBody = bodyBytes;
                byte[] frame = Wire.raw(1, type, Protocol.flagsFor(type), 0, Samples.correlationId(r, type), b -> b.writeBytes(finalBody));
                int at = frameStart(r, frames, bytes.length);
                log.add(Protocol.typeName(type) + " body " + how + " (" + finalBody.length + " bytes) inserted at " + at);
                return Wire.concat(Arrays.copyOf(bytes, at), frame, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            default: {
                if (bytes.length < 2) {
                    return bytes;
                }
                int from = r.nextInt(bytes.length);
                int to = Math.min(bytes.length, from + 1 + r.nextInt(64));
                log.add("bytes " + from + ".." + to + " duplicated");
                return Wire.concat(Arrays.copyOf(bytes, to), Arrays.copyOfRange(bytes, from, bytes.length));
            }
        }
    }

    /** @return the start of one of the original frames (or a random index when none fits) */
    private static int frameStart(Random r, List<byte[]> frames, int limit) {
        int at = 0;
        int pick = r.nextInt(frames.size());
        for (int i = 0; i < pick; i++) {
            at += frames.get(i).length;
        }
        return Math.min(at, limit);
    }

    private static int getInt(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    }

    private static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    // ---------------------------------------------------------------- running

    private void run(Case input) {
        FrameDecoder decoder = new FrameDecoder(input.direction(), input.maxFrameBytes());
        if (input.composite()) {
            decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        }
        if (input.negotiated()) {
            decoder.negotiatedVersion(Protocol.VERSION_1);
        }
        Wire.Feed feed = new Wire.Feed(decoder, new TrackingAllocator(input.allocator()));
        List<byte[]> clean = new ArrayList<>();
        ProtocolException failure = null;
        int from = 0;
        for (int end : input.chunkEnds()) {
            boolean failedBefore = failure != null;
            RuntimeException raised = feed.write(input.bytes(), from, end, input.allocator().direct());
            from = end;
            if (raised != null) {
                if (!(raised instanceof ProtocolException)) {
                    throw new AssertionError("the decoder raised " + raised + ", not a ProtocolException", raised);
                }
                if (failure != null) {
                    fail("a second exception after " + failure + ": " + raised);
                }
                failure = (ProtocolException) raised;
            }
            for (Frame frame : feed.frames()) {
                if (failedBefore) {
                    frame.release();
                    fail("a frame came out after " + failure + ": " + frame);
                }
                clean.add(check(frame, input));
            }
            long buffered = from;
            int largest = feed.allocator.largestCapacity();
            assertTrue(largest <= Math.max(256, 2 * buffered + 64), "allocated " + largest + " bytes having received " + buffered);
        }
        RuntimeException atClose = feed.finish();
        if (atClose != null && !(atClose instanceof ProtocolException)) {
            throw new AssertionError("closing raised " + atClose, atClose);
        }
        assertEquals(0, feed.unreleased(), "buffers still referenced after every frame was released and the channel closed");
        if (input.mutations().isEmpty()) {
            if (input.largestOriginalLength() <= input.maxFrameBytes()) {
                assertEquals(null, failure, "an unmutated stream decodes cleanly");
                assertTrue(Arrays.equals(input.original(), Wire.concat(clean.toArray(new byte[0][]))), "an unmutated stream decodes to itself");
            } else {
                assertEquals(ProtocolError.FRAME_TOO_LARGE, failure == null ? null : failure.error(), "a frame over the limit is refused");
            }
        }
        count(failure == null ? "clean" : failure.error().name());
    }

    /** Checks one clean frame and its body; returns its bytes re-encoded; releases it. */
    private byte[] check(Frame frame, Case input) {
        try {
            assertTrue(Protocol.isKnownType(frame.type()));
            assertEquals(input.direction(), Protocol.direction(frame.type()));
            assertEquals(Protocol.flagsFor(frame.type()), frame.flags());
            assertTrue(frame.body().readableBytes() <= input.maxFrameBytes() - Protocol.MIN_FRAME_LENGTH);
            ByteBuf copy = Unpooled.buffer();
            int start = FrameWriter.begin(copy, frame.version(), frame.type(), frame.flags(), frame.correlationId());
            copy.writeBytes(frame.body(), frame.body().readerIndex(), frame.body().readableBytes());
            FrameWriter.end(copy, start);
            byte[] bytes = ByteBufUtil.getBytes(copy);
            copy.release();
            try {
                FrameBody body = FrameBody.read(frame);
                walk(body);
                count("body " + Protocol.typeName(frame.type()).split(" ")[0] + " ok");
            } catch (ProtocolException e) {
                assertEquals(frame.correlationId(), e.correlationId());
                count("body " + e.error().name());
            }
            return bytes;
        } finally {
            int before = frame.refCnt();
            frame.release();
            assertEquals(before - 1, frame.refCnt(), "the frame gave up exactly its one reference");
        }
    }

    /** Walks the messages of a PRODUCE or MESSAGES body: a read body cannot fail to walk. */
    private static void walk(FrameBody body) {
        if (body instanceof Publishing.Produce) {
            Publishing.Produce.Cursor cursor = ((Publishing.Produce) body).cursor();
            int n = 0;
            while (cursor.next()) {
                cursor.key().readableBytes();
                cursor.headers().readableBytes();
                cursor.payload().readableBytes();
                n++;
            }
            assertEquals(cursor.count(), n);
        } else if (body instanceof Subscriptions.Messages) {
            Subscriptions.Messages.Cursor cursor = ((Subscriptions.Messages) body).cursor();
            int n = 0;
            while (cursor.next()) {
                cursor.key().readableBytes();
                cursor.payload().readableBytes();
                assertTrue(cursor.lane() >= Subscriptions.Messages.NO_LANE && cursor.indexInFrame() >= 0);
                n++;
            }
            assertEquals(cursor.count(), n);
        }
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }
}
