package io.memorystreamer.wal;

import io.memorystreamer.core.agent.Agent;
import io.memorystreamer.core.work.MpmcRingQueue;
import io.memorystreamer.core.work.SubmitResult;
import io.memorystreamer.wal.internal.FrameDescriptor;
import io.memorystreamer.wal.internal.Segment;
import io.memorystreamer.wal.internal.SegmentIndexBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's flusher agent: follows published frames in order, makes them durable in groups and
 * tells waiters.
 *
 * <p>Each duty cycle it (1) scans forward from the published position over complete frames (a
 * frame length of 0 stops it: a producer is still writing there); (2) decides whether to fsync:
 * in {@code NONE} mode never (durable = published), in {@code BATCH} mode when
 * {@link LogConfig#flushBytes()} wait or {@link LogConfig#flushInterval()} has passed or a flush
 * was requested, in {@code SYNC} mode as soon as a waiter waits; (3) fires the callbacks of
 * waiters whose frame is now durable; (4) pre-creates the next segment when the active one is half
 * full.
 *
 * <p>Threading: its state is confined to the agent's thread, except {@link #addWaiter} (any
 * thread, through a bounded lock-free queue) and the counters read by {@link WriteAheadLog#stats()}.
 */
final class Flusher implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);
    private static final int MAX_FRAMES_PER_CYCLE = 4096;
    private static final int WAITER_QUEUE_CAPACITY = 1 << 16;

    private record Waiter(long position, DurableCallback callback) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter other) {
            return Long.compare(position, other.position);
        }
    }

    private final WriteAheadLog log;
    private final LogConfig config;
    private final MpmcRingQueue<Waiter> incoming = new MpmcRingQueue<>(WAITER_QUEUE_CAPACITY);
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>();
    private final long flushIntervalNanos;
    private volatile boolean flushRequested;
    private volatile long fsyncs;
    private volatile long lastFsyncNanos;

    /** Segment and offset the scan continues from (= published position). */
    private Segment scanSegment;
    private int scanOffset;
    /** Segment and offset from which bytes are not yet fsynced (= durable position). */
    private Segment flushSegment;
    private int flushOffset;
    private long lastFlushAt = System.nanoTime();
    private long lastPrepareWarning = System.nanoTime() - 20_000_000_000L;
    /** After a failed attempt, the next one waits a second (a full disk should not be hammered). */
    private long nextPrepareAttempt = System.nanoTime();
    /** Index of the segment being scanned, written when the scan passes its end. */
    private final SegmentIndexBuilder index;
    /** The last segment {@link #seal} handled, whether its index could be written or not. */
    private Segment sealed;

    Flusher(WriteAheadLog log, Segment segment, int offset, SegmentIndexBuilder activeIndex) {
        this.index = activeIndex;
        this.log = log;
        this.config = log.config();
        this.scanSegment = segment;
        this.scanOffset = offset;
        this.flushSegment = segment;
        this.flushOffset = offset;
        this.flushIntervalNanos = config.flushInterval().toNanos();
    }

    @Override
    public String roleName() {
        return "wal-flusher-" + config.name();
    }

    boolean addWaiter(long position, DurableCallback callback) {
        if (position < log.durablePosition) {
            callback.onDurable(position, log.durablePosition);
            return true;
        }
        SubmitResult result = incoming.offer(new Waiter(position, callback));
        if (result == SubmitResult.CLOSED) {
            Throwable failure = log.failure();
            callback.onFailure(position, failure != null ? failure : new LogClosedException("log " + config.name() + " is closed"));
            return true;
        }
        return result == SubmitResult.ACCEPTED;
    }

    void requestFlush() {
        flushRequested = true;
    }

    long fsyncs() {
        return fsyncs;
    }

    long lastFsyncNanos() {
        return lastFsyncNanos;
    }

    /** @return whether the scan has moved past {@code segment} (so it may be deleted) */
    boolean isPast(Segment segment) {
        Segment current = scanSegment;
        Segment flushing = flushSegment;
        return current != segment && flushing != segment && segment.base() < current.base();
    }

    @Override
    public int doWork() {
        if (log.failure() != null) {
            return 0;
        }
        int work = scan();
        work += drainIncoming();
        try {
            work += maybeFlush(false);
        } catch (UncheckedIOException e) {
            failEverything(e);
            return 1;
        }
        prepareNextSegment();
        work += completeWaiters();
        return work;
    }

    /**
     * Last act on close: a final fsync, then every remaining waiter is told.
     *
     * @return whether the final fsync succeeded
     */
    boolean closeAndFlush() {
        boolean flushed = true;
        try {
            while (scan() > 0) {
                // follow every frame published before close
            }
            drainIncoming();
            maybeFlush(true);
            completeWaiters();
        } catch (RuntimeException e) {
            flushed = false;
            LOG.warn("Log {}: final flush failed: {}", config.name(), e.toString());
        }
        closeIncoming();
        LogClosedException closedException = new LogClosedException("log " + config.name() + " closed before the position was durable");
        Waiter waiter;
        while ((waiter = waiting.poll()) != null) {
            notifyFailure(waiter, closedException);
        }
        return flushed;
    }

    /** Creating the next segment ahead of need may fail (a full disk): rotation then tries again and tells the appender. */
    private void prepareNextSegment() {
        long now = System.nanoTime();
        if (now - nextPrepareAttempt < 0) {
            return;
        }
        try {
            log.prepareNextSegment();
        } catch (IOException e) {
            nextPrepareAttempt = now + 1_000_000_000L;
            if (now - lastPrepareWarning > 10_000_000_000L) {
                lastPrepareWarning = now;
                LOG.warn("Log {}: cannot create the next segment ahead of need ({}); rotation will try again", config.name(),
                        e.getMessage());
            }
        }
    }

    private int scan() {
        int frames = 0;
        while (frames < MAX_FRAMES_PER_CYCLE) {
            if (scanOffset >= scanSegment.capacity()) {
                seal(scanSegment);
                Segment next = segmentAt(scanSegment.end());
                if (next == null) {
                    break;
                }
                scanSegment = next;
                scanOffset = 0;
                continue;
            }
            int length = scanSegment.frameLengthAcquire(scanOffset);
            if (length == 0) {
                break;
            }
            ByteBuffer buffer = scanSegment.buffer();
            if ((buffer.getShort(scanOffset + FrameDescriptor.FLAGS_OFFSET) & FrameDescriptor.FLAG_PADDING) != 0) {
                scanOffset = scanSegment.capacity();
                continue;
            }
            index.onFrame(buffer, scanOffset);
            scanSegment.updateMaxTimestamp(index.maxTimestamp());
            scanOffset += FrameDescriptor.align(length);
            frames++;
        }
        if (frames > 0) {
            log.publishedPosition = scanSegment.base() + Math.min(scanOffset, scanSegment.capacity());
        }
        return frames;
    }

    /** Writes the index of a segment the scan has passed (once); on failure, stream reads of it fall back to scanning. */
    private void seal(Segment segment) {
        if (sealed == segment || segment.index() != null) {
            return;
        }
        sealed = segment;
        try {
            segment.index(index.write(segment, segment.capacity()));
        } catch (IOException e) {
            LOG.warn("Log {}: could not write the index of {} ({}); reads by stream will scan it", config.name(), segment.file(),
                    e.toString());
        }
        index.reset();
    }

    private Segment segmentAt(long base) {
        for (Segment segment : log.segments()) {
            if (segment.base() == base) {
                return segment;
            }
        }
        return null;
    }

    private int drainIncoming() {
        int drained = 0;
        Waiter waiter;
        while ((waiter = incoming.poll()) != null) {
            waiting.add(waiter);
            drained++;
        }
        return drained;
    }

    private int maybeFlush(boolean force) {
        long published = log.publishedPosition;
        long durable = log.durablePosition;
        if (published == durable) {
            flushRequested = false;
            return 0;
        }
        if (config.durability() == Durability.NONE && !force) {
            log.durablePosition = published;
            advanceFlushMark();
            return 1;
        }
        long now = System.nanoTime();
        boolean due = force
                || flushRequested
                || published - durable >= config.flushBytes()
                || now - lastFlushAt >= flushIntervalNanos
                || (config.durability() == Durability.SYNC && !waiting.isEmpty());
        if (!due) {
            return 0;
        }
        flushRequested = false;
        long started = System.nanoTime();
        Segment segment = flushSegment;
        int from = flushOffset;
        while (segment != scanSegment) {
            segment.force(from, segment.capacity());
            segment = segmentAt(segment.end());
            from = 0;
            if (segment == null) {
                throw new IllegalStateException("log " + config.name() + ": segment missing while flushing");
            }
        }
        segment.force(from, Math.min(scanOffset, segment.capacity()));
        lastFlushAt = System.nanoTime();
        lastFsyncNanos = lastFlushAt - started;
        fsyncs++;
        log.durablePosition = published;
        advanceFlushMark();
        return 1;
    }

    private void advanceFlushMark() {
        flushSegment = scanSegment;
        flushOffset = Math.min(scanOffset, scanSegment.capacity());
    }

    private int completeWaiters() {
        long durable = log.durablePosition;
        int completed = 0;
        Waiter head;
        while ((head = waiting.peek()) != null && head.position() < durable) {
            waiting.poll();
            try {
                head.callback().onDurable(head.position(), durable);
            } catch (RuntimeException e) {
                LOG.warn("Log {}: a durability callback threw: {}", config.name(), e.toString());
            }
            completed++;
        }
        return completed;
    }

    /** Closes the waiter queue and takes every waiter it accepted (one may still be publishing its slot). */
    private void closeIncoming() {
        incoming.close();
        while (!incoming.isDrained()) {
            if (drainIncoming() == 0) {
                Thread.onSpinWait();
            }
        }
    }

    private void failEverything(Exception cause) {
        log.fail(cause);
        closeIncoming();
        Waiter waiter;
        while ((waiter = waiting.poll()) != null) {
            notifyFailure(waiter, cause);
        }
    }

    private void notifyFailure(Waiter waiter, Throwable cause) {
        try {
            waiter.callback().onFailure(waiter.position(), cause);
        } catch (RuntimeException e) {
            LOG.warn("Log {}: a durability callback threw: {}", config.name(), e.toString());
        }
    }
}
