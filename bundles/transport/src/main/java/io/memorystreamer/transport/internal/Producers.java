package io.memorystreamer.transport.internal;

import io.memorystreamer.client.protocol.ProtocolError;
import io.memorystreamer.client.protocol.Publishing;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idempotent producers (docs/protocol.md §8): hands out producer ids and remembers, per
 * (producer id, topic, stream key), the next sequence expected and the offsets of the last
 * {@value #WINDOW} sequences, so that a resent message is acknowledged DUPLICATE with its first
 * copy's offset instead of being written again.
 *
 * <p><b>Ids</b>: {@code startMillis << 20 | counter}, counter from 1: unique across restarts as long
 * as the clock moves forward between them (a base is never ahead of the clock when first used), and
 * never 0. A registry restored from a clean stop ({@link Saved}, {@link ProducerStateFile}) also
 * takes its bases after the saved ones, whatever the clock says, and keeps accepting the ids the
 * saved registry issued; an id issued before a restart that saved nothing (a crash) gets
 * {@link ProtocolError#UNKNOWN_PRODUCER}, since the state died with the process.
 *
 * <p><b>Reservation</b>: {@link #reserve} judges every message of a PRODUCE under the producer's
 * lock before anything is published: a gap refuses the whole request, unchanged; otherwise the
 * sequences to write are reserved at once (the next expected advances, their offsets are marked
 * pending and owned by the request), so a retry racing the original on another connection is
 * judged a duplicate and waits for the original's outcome ({@link PendingProduce.Dependent}).
 * {@link #complete} records the offsets once the request is durable, or rolls the next expected
 * sequence back to the first message that failed or was never published (its resend must be
 * written). Rollback is exact for the failing request; if later requests of the same stream had
 * already been reserved, their sequences are forgotten too (their resends would be written again):
 * that takes a log failure, a topic deleted under way or a connection lost while back-pressured.
 *
 * <p><b>Bounds</b>: a producer's state is dropped {@code idleExpiry} after its last request (and
 * never while a request of it is in flight); beyond {@code maxStreams} tracked streams, the least
 * recently used producers are dropped. A dropped producer's next request with a sequence above 0
 * gets UNKNOWN_PRODUCER. About 250 bytes per tracked stream.
 *
 * <p>Threading: any thread. Ids come from a small lock; each producer's state is guarded by its
 * own monitor (a request locks it once for all its messages); {@link #sweep} runs on a timer.
 */
final class Producers {
    /** How many recent sequences per stream keep their offsets (a power of two). */
    static final int WINDOW = 8;
    /** Offset of a reserved sequence whose request is not complete. */
    static final long PENDING = Long.MIN_VALUE;
    private static final int COUNTER_BITS = 20;
    private static final long COUNTER_MASK = (1L << COUNTER_BITS) - 1;
    /** The last id base any registry in this JVM used, so two registries never share one. */
    private static final AtomicLong LAST_BASE = new AtomicLong();

    private final ConcurrentHashMap<Long, ProducerState> states = new ConcurrentHashMap<>();
    private final AtomicInteger trackedStreams = new AtomicInteger();
    private final long firstBase;
    /** The ids a restored registry issued: bases from {@link #savedFirstBase} to {@link #savedLastBase}, counter {@link #savedLastCounter} in the last (all 0: none). */
    private final long savedFirstBase;
    private final long savedLastBase;
    private final long savedLastCounter;
    private volatile long idleExpiryNanos;
    private volatile int maxStreams;
    // guarded by this
    private long base;
    private long counter;

    /**
     * @param idleExpiry how long an idle producer's state is kept
     * @param maxStreams the most streams tracked before least recently used producers are dropped
     */
    Producers(Duration idleExpiry, int maxStreams) {
        this(idleExpiry, maxStreams, null);
    }

    /**
     * A registry that carries on from the state a clean stop saved: the ids it issued stay valid,
     * and each (producer, topic, key) keeps its next expected sequence and recent offsets. Idle
     * times go on from where they were at the stop (the time the broker was down does not count).
     *
     * @param idleExpiry how long an idle producer's state is kept
     * @param maxStreams the most streams tracked before least recently used producers are dropped
     * @param saved what {@link #snapshot} returned before the stop, or null to start empty
     */
    Producers(Duration idleExpiry, int maxStreams, Saved saved) {
        configure(idleExpiry, maxStreams);
        if (saved != null && saved.lastBase() > 0) {
            LAST_BASE.accumulateAndGet(saved.lastBase(), Math::max);
            this.savedFirstBase = saved.firstBase();
            this.savedLastBase = saved.lastBase();
            this.savedLastCounter = saved.lastCounter();
        } else {
            this.savedFirstBase = 0;
            this.savedLastBase = 0;
            this.savedLastCounter = 0;
        }
        this.firstBase = nextBase();
        this.base = firstBase;
        if (saved != null) {
            long now = System.nanoTime();
            for (SavedProducer producer : saved.producers()) {
                ProducerState state = new ProducerState(producer.id());
                state.used = true;
                state.lastUsedNanos = now - TimeUnit.MILLISECONDS.toNanos(Math.max(0, Math.min(producer.idleMillis(), TimeUnit.DAYS.toMillis(365))));
                for (SavedStream saving : producer.streams()) {
                    StreamSeq stream = new StreamSeq(new StreamId(saving.topic(), saving.key()));
                    stream.expected = saving.expected();
                    Arrays.fill(stream.offsets, Publishing.UNKNOWN_OFFSET);
                    for (int i = 0; i < WINDOW; i++) {
                        long sequence = saving.expected() - WINDOW + i;
                        if (sequence >= 0) {
                            stream.offsets[(int) (sequence & (WINDOW - 1))] = saving.offsets()[i];
                        }
                    }
                    state.streams.put(stream.id, stream);
                }
                if (!state.streams.isEmpty() && states.putIfAbsent(producer.id(), state) == null) {
                    trackedStreams.addAndGet(state.streams.size());
                }
            }
        }
    }

    /**
     * Applies new bounds (the next sweep enforces them).
     *
     * @param idleExpiry how long an idle producer's state is kept
     * @param limit the most streams tracked
     */
    void configure(Duration idleExpiry, int limit) {
        this.idleExpiryNanos = idleExpiry.toNanos();
        this.maxStreams = limit;
    }

    private static long nextBase() {
        long now = System.currentTimeMillis();
        return LAST_BASE.updateAndGet(previous -> Math.max(previous + 1, now));
    }

    /** @return a new producer id, never 0 */
    synchronized long newId() {
        if (++counter > COUNTER_MASK) {
            while (System.currentTimeMillis() <= base) {
                Thread.onSpinWait();
            }
            base = nextBase();
            counter = 1;
        }
        return base << COUNTER_BITS | counter;
    }

    /**
     * @param id a producer id
     * @return whether this registry issued it
     */
    synchronized boolean wasIssued(long id) {
        long idBase = id >>> COUNTER_BITS;
        long n = id & COUNTER_MASK;
        if (id <= 0 || n == 0) {
            return false;
        }
        return idBase >= firstBase && (idBase < base || (idBase == base && n <= counter))
                || savedLastBase > 0 && idBase >= savedFirstBase && (idBase < savedLastBase || (idBase == savedLastBase && n <= savedLastCounter));
    }

    /**
     * What a clean stop saves ({@link ProducerStateFile}), taken once no request is in flight. A
     * sequence whose request is still unanswered (the stop's wait for answers ran out) is saved as
     * not written: the next expected sequence of its stream goes back to the first such one, so a
     * resend after the restart is written, at least once (twice if the broker wrote the first copy
     * after all), never acknowledged DUPLICATE without being in the log. Offsets are saved for the
     * window below the saved next sequence; those not known, {@link Publishing#UNKNOWN_OFFSET}.
     *
     * @return the ids issued and every producer's state
     */
    Saved snapshot() {
        long first;
        long last;
        long lastCounter;
        synchronized (this) {
            if (counter == 0) {
                // nothing issued in this run: the restored range, if any, is all there is
                first = savedFirstBase;
                last = savedLastBase;
                lastCounter = savedLastCounter;
            } else {
                // One range from the oldest restored base to now: the bases in between (while the
                // broker was down) were never issued; a client cannot hold one of them.
                first = savedLastBase > 0 ? savedFirstBase : firstBase;
                last = base;
                lastCounter = counter;
            }
        }
        List<SavedProducer> saved = new ArrayList<>();
        long now = System.nanoTime();
        for (ProducerState state : states.values()) {
            synchronized (state) {
                if (state.forgotten || state.streams.isEmpty()) {
                    continue;
                }
                List<SavedStream> streams = new ArrayList<>(state.streams.size());
                for (StreamSeq stream : state.streams.values()) {
                    long expected = stream.expected;
                    for (PendingProduce request : state.inFlight) {
                        if (request.streams == null) {
                            continue;
                        }
                        for (int i = 0; i < request.count; i++) {
                            if (request.streams[i] == stream && request.verdicts[i] == PendingProduce.WRITE && request.sequences[i] < expected) {
                                expected = request.sequences[i];
                            }
                        }
                    }
                    long[] offsets = new long[WINDOW];
                    for (int i = 0; i < WINDOW; i++) {
                        long sequence = expected - WINDOW + i;
                        int slot = (int) (sequence & (WINDOW - 1));
                        // A slot holds this sequence's offset only while no later one (sequence + WINDOW) was reserved.
                        boolean held = sequence >= 0 && sequence >= stream.expected - WINDOW && stream.owners[slot] == null;
                        long offset = held ? stream.offsets[slot] : Publishing.UNKNOWN_OFFSET;
                        offsets[i] = offset == PENDING ? Publishing.UNKNOWN_OFFSET : offset;
                    }
                    streams.add(new SavedStream(stream.id.topic, stream.id.key, expected, offsets));
                }
                saved.add(new SavedProducer(state.id, TimeUnit.NANOSECONDS.toMillis(Math.max(0, now - state.lastUsedNanos)), streams));
            }
        }
        return new Saved(first, last, lastCounter, saved);
    }

    /** @return how many producers have state */
    int producerCount() {
        return states.size();
    }

    /** @return how many (producer, topic, key) states are kept */
    int streamCount() {
        return trackedStreams.get();
    }

    /**
     * Judges every message of an idempotent PRODUCE and, unless one breaks the sequence, reserves
     * the sequences it will write. Fills the request's verdicts, sequences, streams and, for
     * duplicates whose offset is known, offsets.
     *
     * @param request the request (its cursor positioned before the first message; reset after)
     * @return null when reserved, or the error that refuses the whole request (nothing reserved)
     */
    Refusal reserve(PendingProduce request) {
        long id = request.producerId;
        while (true) {
            ProducerState state = states.get(id);
            if (state == null) {
                if (!wasIssued(id)) {
                    return new Refusal(ProtocolError.UNKNOWN_PRODUCER, "producer id " + id + " was not issued by this broker, or before"
                            + " a restart that did not keep the producers' state (a crash); ask INIT_PRODUCER for a new id");
                }
                ProducerState created = new ProducerState(id);
                state = states.putIfAbsent(id, created);
                if (state == null) {
                    state = created;
                }
            }
            Refusal refusal;
            int created;
            synchronized (state) {
                if (state.forgotten) {
                    continue;
                }
                created = state.streams.size();
                refusal = judge(state, request);
                created = state.streams.size() - created;
                if (refusal == null) {
                    state.used = true;
                    state.lastUsedNanos = System.nanoTime();
                    state.inFlight.add(request);
                    request.producer = state;
                } else if (!state.used) {
                    state.forgotten = true;
                    states.remove(id, state);
                }
            }
            if (created > 0 && refusal == null && trackedStreams.addAndGet(created) > maxStreams) {
                evictLeastRecentlyUsed();
            }
            return refusal;
        }
    }

    /** Guarded by the state. */
    private Refusal judge(ProducerState state, PendingProduce request) {
        Publishing.Produce.Cursor cursor = request.cursor;
        long stamp = ++state.stamp;
        int count = request.count;
        StreamSeq[] streams = new StreamSeq[count];
        long[] sequences = new long[count];
        byte[] verdicts = new byte[count];
        List<StreamSeq> added = null;
        Refusal refusal = null;
        cursor.reset();
        while (cursor.next()) {
            int i = cursor.index();
            long sequence = cursor.sequence();
            StreamProbe probe = state.probe.of(request.topic, cursor.buffer(), cursor.keyIndex(), cursor.keyLength());
            StreamSeq stream = state.streams.get(probe);
            if (stream == null) {
                if (sequence > 0 && !state.used) {
                    refusal = new Refusal(ProtocolError.UNKNOWN_PRODUCER, "producer " + request.producerId + " is not known (its state expired"
                            + " after being idle, or was dropped to stay within the broker's bounds): message " + i + " has sequence "
                            + sequence + " for key '" + probe.keyText() + "'; ask INIT_PRODUCER for a new id and start again at 0");
                    break;
                }
                stream = new StreamSeq(new StreamId(request.topic, probe.keyBytes()));
                state.streams.put(stream.id, stream);
                if (added == null) {
                    added = new ArrayList<>();
                }
                added.add(stream);
            }
            if (stream.stamp != stamp) {
                stream.stamp = stamp;
                stream.tentative = stream.expected;
            }
            if (sequence < 0) {
                refusal = new Refusal(ProtocolError.INVALID_REQUEST, "message " + i + " of " + count + " has sequence " + sequence
                        + "; sequences start at 0");
                break;
            }
            if (sequence == stream.tentative) {
                verdicts[i] = PendingProduce.WRITE;
                stream.tentative++;
            } else if (sequence > stream.tentative) {
                refusal = new Refusal(ProtocolError.OUT_OF_ORDER_SEQUENCE, "message " + i + " of " + count + " for key '" + probe.keyText()
                        + "' has sequence " + sequence + " but sequence " + stream.tentative + " is expected; nothing of the request was written");
                break;
            } else if (sequence >= stream.expected) {
                refusal = new Refusal(ProtocolError.OUT_OF_ORDER_SEQUENCE, "message " + i + " of " + count + " repeats sequence " + sequence
                        + " of key '" + probe.keyText() + "' within the request; nothing of the request was written");
                break;
            } else {
                int slot = (int) (sequence & (WINDOW - 1));
                if (sequence < stream.expected - WINDOW) {
                    verdicts[i] = PendingProduce.DUPLICATE;
                    request.offsets[i] = Publishing.UNKNOWN_OFFSET;
                } else if (stream.owners[slot] != null) {
                    verdicts[i] = PendingProduce.AWAIT_ORIGINAL;
                } else {
                    verdicts[i] = PendingProduce.DUPLICATE;
                    request.offsets[i] = stream.offsets[slot];
                }
            }
            streams[i] = stream;
            sequences[i] = sequence;
        }
        cursor.reset();
        if (refusal != null) {
            if (added != null) {
                for (StreamSeq stream : added) {
                    state.streams.remove(stream.id);
                }
            }
            return refusal;
        }
        for (int i = 0; i < count; i++) {
            StreamSeq stream = streams[i];
            int slot = (int) (sequences[i] & (WINDOW - 1));
            if (verdicts[i] == PendingProduce.WRITE) {
                stream.expected = sequences[i] + 1;
                stream.offsets[slot] = PENDING;
                stream.owners[slot] = request;
            } else if (verdicts[i] == PendingProduce.AWAIT_ORIGINAL) {
                stream.owners[slot].addDependent(new PendingProduce.Dependent(request, i, stream, sequences[i]));
            }
        }
        request.streams = streams;
        request.sequences = sequences;
        request.verdicts = verdicts;
        return null;
    }

    /**
     * Records the outcome of a reserved request: offsets of what was written; for what failed or
     * was never published, the next expected sequence goes back so that a resend is written.
     *
     * @param request a request {@link #reserve} accepted, now complete
     * @return the duplicates of its messages that waited for it (to resolve outside the lock)
     */
    List<PendingProduce.Dependent> complete(PendingProduce request) {
        ProducerState state = request.producer;
        if (state == null) {
            return List.of();
        }
        synchronized (state) {
            state.lastUsedNanos = System.nanoTime();
            state.inFlight.remove(request);
            StreamSeq[] streams = request.streams;
            // Last message first: a request with more than WINDOW messages of one stream owns each slot
            // for the last sequence it reserved there.
            for (int i = request.count - 1; i >= 0; i--) {
                if (request.verdicts[i] != PendingProduce.WRITE) {
                    continue;
                }
                StreamSeq stream = streams[i];
                long sequence = request.sequences[i];
                int slot = (int) (sequence & (WINDOW - 1));
                long offset = request.offsets[i];
                boolean written = offset >= Publishing.DROPPED_OFFSET;
                if (stream.owners[slot] == request) {
                    stream.owners[slot] = null;
                    if (sequence < stream.expected && sequence >= stream.expected - WINDOW) {
                        stream.offsets[slot] = written && offset >= 0 ? offset : Publishing.UNKNOWN_OFFSET;
                    }
                }
                if (!written && stream.expected > sequence) {
                    stream.expected = sequence;
                }
            }
            List<PendingProduce.Dependent> waiting = request.dependents;
            request.dependents = null;
            return waiting == null ? List.of() : waiting;
        }
    }

    /** Drops the state of producers idle for longer than the expiry. */
    void sweep() {
        long now = System.nanoTime();
        long expiry = idleExpiryNanos;
        for (ProducerState state : states.values()) {
            synchronized (state) {
                if (state.inFlight.isEmpty() && now - state.lastUsedNanos > expiry) {
                    forget(state);
                }
            }
        }
        if (trackedStreams.get() > maxStreams) {
            evictLeastRecentlyUsed();
        }
    }

    /** Drops least recently used producers (none with a request in flight) until 90 % of the bound is left. */
    private synchronized void evictLeastRecentlyUsed() {
        int target = (int) (maxStreams * 0.9);
        if (trackedStreams.get() <= maxStreams) {
            return;
        }
        ProducerState[] all = states.values().toArray(new ProducerState[0]);
        long[] used = new long[all.length];
        Integer[] order = new Integer[all.length];
        for (int i = 0; i < all.length; i++) {
            synchronized (all[i]) {
                used[i] = all[i].lastUsedNanos;
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> used[i]));
        for (int i = 0; i < order.length && trackedStreams.get() > target; i++) {
            ProducerState state = all[order[i]];
            synchronized (state) {
                if (state.inFlight.isEmpty() && !state.forgotten) {
                    forget(state);
                }
            }
        }
    }

    /** Guarded by the state. */
    private void forget(ProducerState state) {
        state.forgotten = true;
        states.remove(state.id, state);
        trackedStreams.addAndGet(-state.streams.size());
        state.streams.clear();
    }

    /**
     * The state a clean stop saves.
     *
     * @param firstBase the first id base the saved registry (or those it was restored from) used; 0: none
     * @param lastBase the last id base it used
     * @param lastCounter the last counter issued with the last base
     * @param producers the producers with state
     */
    record Saved(long firstBase, long lastBase, long lastCounter, List<SavedProducer> producers) {
        /** @return how many streams the producers have */
        int streamCount() {
            int total = 0;
            for (SavedProducer producer : producers) {
                total += producer.streams().size();
            }
            return total;
        }
    }

    /**
     * One producer's saved state.
     *
     * @param id its id
     * @param idleMillis how long it had been idle at the stop
     * @param streams its streams
     */
    record SavedProducer(long id, long idleMillis, List<SavedStream> streams) {
    }

    /**
     * One (producer, topic, key)'s saved state.
     *
     * @param topic the topic
     * @param key the stream key's bytes
     * @param expected the next sequence expected
     * @param offsets {@value #WINDOW} offsets: of sequences {@code expected - WINDOW} to {@code expected - 1}, in order
     *     ({@link Publishing#UNKNOWN_OFFSET} when not known or below 0)
     */
    record SavedStream(String topic, byte[] key, long expected, long[] offsets) {
    }

    /** Why a request is refused. @param error the code @param message for people */
    record Refusal(ProtocolError error, String message) {
    }

    /** One producer's state: guarded by its monitor. */
    static final class ProducerState {
        final long id;
        final HashMap<StreamId, StreamSeq> streams = new HashMap<>();
        final List<PendingProduce> inFlight = new ArrayList<>(4);
        final StreamProbe probe = new StreamProbe();
        long lastUsedNanos = System.nanoTime();
        long stamp;
        boolean used;
        boolean forgotten;

        ProducerState(long id) {
            this.id = id;
        }
    }

    /** One (producer, topic, key): the next sequence and the recent offsets. Guarded by its producer. */
    static final class StreamSeq {
        final StreamId id;
        final long[] offsets = new long[WINDOW];
        final PendingProduce[] owners = new PendingProduce[WINDOW];
        long expected;
        long stamp;
        long tentative;

        StreamSeq(StreamId id) {
            this.id = id;
        }
    }

    /** A topic and stream key, as a map key. */
    static final class StreamId {
        final String topic;
        final byte[] key;
        final int hash;

        StreamId(String topic, byte[] key) {
            this.topic = topic;
            this.key = key;
            int h = topic.hashCode();
            for (byte b : key) {
                h = 31 * h + b;
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (other instanceof StreamProbe) {
                return other.equals(this);
            }
            if (!(other instanceof StreamId)) {
                return false;
            }
            StreamId that = (StreamId) other;
            return hash == that.hash && topic.equals(that.topic) && Arrays.equals(key, that.key);
        }
    }

    /**
     * Looks a stream up by a key still in the frame, without copying it: equal to the
     * {@link StreamId} of the same topic and key bytes, with the same hash. Reused under the
     * producer's lock.
     */
    static final class StreamProbe {
        private String topic;
        private ByteBuf buffer;
        private int index;
        private int length;
        private int hash;

        StreamProbe of(String topicName, ByteBuf keyBuffer, int keyIndex, int keyLength) {
            this.topic = topicName;
            this.buffer = keyBuffer;
            this.index = keyIndex;
            this.length = keyLength;
            int h = topicName.hashCode();
            for (int i = 0; i < keyLength; i++) {
                h = 31 * h + keyBuffer.getByte(keyIndex + i);
            }
            this.hash = h;
            return this;
        }

        byte[] keyBytes() {
            byte[] bytes = new byte[length];
            buffer.getBytes(index, bytes);
            return bytes;
        }

        String keyText() {
            return buffer.toString(index, Math.min(length, 255), StandardCharsets.UTF_8);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof StreamId)) {
                return false;
            }
            StreamId id = (StreamId) other;
            if (id.hash != hash || id.key.length != length || !id.topic.equals(topic)) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (buffer.getByte(index + i) != id.key[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** @return the idle expiry in milliseconds (for logs) */
    long idleExpiryMillis() {
        return TimeUnit.NANOSECONDS.toMillis(idleExpiryNanos);
    }
}
