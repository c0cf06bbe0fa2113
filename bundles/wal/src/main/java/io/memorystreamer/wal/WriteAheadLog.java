package io.memorystreamer.wal;

import io.memorystreamer.core.agent.AgentRunner;
import io.memorystreamer.core.agent.BackoffIdleStrategy;
import io.memorystreamer.core.agent.CompositeAgent;
import io.memorystreamer.wal.internal.DirectoryLock;
import io.memorystreamer.wal.internal.Recovery;
import io.memorystreamer.wal.internal.Segment;
import io.memorystreamer.wal.internal.SegmentIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segmented write-ahead log: the storage under one shard.
 *
 * <pre>
 *  producers ── LogAppender.append ──► active segment (mmap): claim by atomic add on the tail,
 *                                      write, CRC32C, publish by a release-store of the length
 *                                           │                         │
 *  flusher agent (own thread) ◄─ scans published frames ─┘           readers: LogCursor.poll,
 *     fsync in groups, advances the durable position,                 by position, no copy
 *     fires DurableCallbacks, pre-creates the next segment,
 *     deletes old segments by age and size (retention)
 * </pre>
 *
 * <p>Positions are byte positions in the whole log: a segment named {@code 00000000000067108864.log}
 * holds positions from 67108864 to 67108864 + its size. A record's position is where its frame
 * starts. The published position (every frame before it is complete) and the durable position
 * (every frame before it is fsynced, in {@code BATCH} and {@code SYNC} modes) only grow.
 *
 * <p>Threading: {@link #appender()} gives each producer thread its own appender; appends from many
 * appenders proceed in parallel without locks. Rotation to a new segment (once per segment) takes a
 * lock. Cursors are single-threaded, any number of them. Everything else is thread-safe.
 */
public final class WriteAheadLog implements AutoCloseable {
    /** Append result: too many bytes wait to become durable; nothing was written, try again later. */
    public static final long BACK_PRESSURED = -2;

    private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
    /** Suffix of a segment file being written ahead of need. */
    static final String SPARE_SUFFIX = ".spare";

    private final LogConfig config;
    private final RecoveryReport recoveryReport;
    private final Object rotationLock = new Object();
    private final DirectoryLock lock;
    private final Flusher flusher;
    private final AgentRunner runner;
    private volatile Segment[] segments;
    private volatile Segment active;
    private volatile Segment prepared;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile long segmentsDeleted;
    volatile long publishedPosition;
    volatile long durablePosition;

    private WriteAheadLog(LogConfig config, Recovery.Result recovered, DirectoryLock lock) throws IOException {
        this.config = config;
        this.lock = lock;
        this.recoveryReport = recovered.report();
        List<Segment> kept = new ArrayList<>(recovered.segments());
        if (kept.isEmpty()) {
            kept.add(Segment.create(config.directory(), 0, config.segmentSize(), config.preallocate()));
        }
        Segment last = kept.get(kept.size() - 1);
        long tail = recovered.segments().isEmpty() ? 0 : recovered.tailOffset();
        if (tail != 0) {
            last.claim((int) tail);
        }
        this.segments = kept.toArray(new Segment[0]);
        this.active = last;
        this.publishedPosition = last.base() + tail;
        this.durablePosition = publishedPosition;
        this.flusher = new Flusher(this, last, (int) tail, recovered.activeIndex());
        this.runner = AgentRunner.builder(new CompositeAgent(flusher, new RetentionAgent(this)))
                .idleStrategy(new BackoffIdleStrategy())
                .threadName("ms-wal-" + config.name())
                .build();
    }

    /**
     * Opens (or creates) the log in {@code config.directory()}: recovers it, then starts its flusher.
     *
     * @throws IOException when the directory cannot be read or written
     */
    public static WriteAheadLog open(LogConfig config) throws IOException {
        DirectoryLock lock = DirectoryLock.acquire(config.directory());
        try {
            Recovery.Result recovered = Recovery.recover(config.directory(), config.name(), config.indexIntervalBytes(),
                    config.segmentSize());
            WriteAheadLog log = new WriteAheadLog(config, recovered, lock);
            log.runner.start();
            return log;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** @return a new appender for one producer thread */
    public LogAppender appender() {
        return new LogAppender(this);
    }

    /** @return a new cursor reading from {@code position} (a frame start, or the log's start) */
    public LogCursor cursor(long position) {
        return new LogCursor(this, position);
    }

    /**
     * @return a new cursor over one stream's records, from {@code fromOffset} on (through the
     *     stream index of sealed segments)
     */
    public StreamCursor streamCursor(long streamId, long fromOffset) {
        return new StreamCursor(this, streamId, fromOffset);
    }

    /**
     * Finds where to start reading to see every record with a timestamp of at least
     * {@code timestamp} (records are in append order, so later ones may still be older).
     *
     * @return the position of the first frame holding such a record, or the published position
     *     when there is none yet
     */
    public long positionOfTimestamp(long timestamp) {
        for (Segment segment : segments) {
            if (segment.maxTimestamp() < timestamp) {
                continue;
            }
            SegmentIndex index = segment.index();
            int offset = index == null ? 0 : Math.max(0, index.timestampScanStart(timestamp));
            long found = FrameWalk.firstFrameWithTimestamp(segment, offset, timestamp);
            if (found >= 0) {
                return found;
            }
        }
        return publishedPosition;
    }

    /**
     * @return the start of the first frame at or after {@code position} (to turn any position
     *     into one a cursor can start from), or the published position when none is there yet
     */
    public long frameAtOrAfter(long position) {
        for (Segment segment : segments) {
            if (position >= segment.end()) {
                continue;
            }
            if (position <= segment.base()) {
                return segment.base();
            }
            int target = (int) (position - segment.base());
            SegmentIndex index = segment.index();
            int from = index == null ? 0 : index.floorFrameOffset(target);
            long found = FrameWalk.firstFrameAtOrAfter(segment, from, target);
            if (found >= 0) {
                return found;
            }
        }
        return publishedPosition;
    }

    /** @return the settings */
    public LogConfig config() {
        return config;
    }

    /** @return the log's name */
    public String name() {
        return config.name();
    }

    /** @return what opening the log found */
    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /** @return the first position the log still holds (after retention) */
    public long startPosition() {
        return segments[0].base();
    }

    /** @return every frame before this position is complete (as the flusher last saw) */
    public long publishedPosition() {
        return publishedPosition;
    }

    /** @return every frame before this position is durable per the log's mode */
    public long durablePosition() {
        return durablePosition;
    }

    /** @return the next free position in the active segment (appends in flight included) */
    public long tailPosition() {
        Segment segment = active;
        return segment.base() + Math.min(segment.tail(), segment.capacity());
    }

    /**
     * Calls {@code callback} on the flusher thread once the frame at {@code position} is durable
     * (or fails). Allocates a small node: call it once per batch, not per record.
     *
     * @return false when too many waiters are queued (back-pressure): nothing was registered
     */
    public boolean whenDurable(long position, DurableCallback callback) {
        return flusher.addWaiter(position, callback);
    }

    /** Asks the flusher to fsync now, whatever the mode's thresholds say. */
    public void requestFlush() {
        flusher.requestFlush();
    }

    /** @return a snapshot of the log's state for people and telemetry */
    public LogStats stats() {
        Segment[] current = segments;
        long bytes = 0;
        for (Segment segment : current) {
            bytes += segment.capacity();
        }
        long[] bases = new long[current.length];
        for (int i = 0; i < current.length; i++) {
            bases[i] = current[i].base();
        }
        return new LogStats(config.name(), config.directory().toString(), config.durability(), current.length, bytes, bases,
                startPosition(), tailPosition(), publishedPosition, durablePosition, flusher.fsyncs(), flusher.lastFsyncNanos(),
                segmentsDeleted, failure == null ? null : failure.toString());
    }

    /** @return true once closed or failed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the flusher after a last fsync, fails waiters still waiting, and closes the files.
     * Appends after this throw {@link LogClosedException}.
     */
    @Override
    public void close() {
        synchronized (rotationLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        runner.close();
        awaitFlusherExit();
        boolean flushed = flusher.closeAndFlush();
        for (Segment segment : segments) {
            closeQuietly(segment);
        }
        if (!flushed) {
            LOG.warn("Log {}: closed without a final fsync; the next open recovers what reached the disk", config.name());
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("Log {}: releasing the directory lock failed: {}", config.name(), e.toString());
        }
        Segment spare = prepared;
        if (spare != null) {
            discard(spare);
        }
        LOG.info("Closed log {} at position {} (durable {})", config.name(), publishedPosition, durablePosition);
    }

    /** The flusher's state is confined to its thread: the closing thread takes over only once that thread has ended. */
    private void awaitFlusherExit() {
        Thread thread = runner.thread();
        boolean interrupted = false;
        long warnAt = System.nanoTime() + 5_000_000_000L;
        while (thread != null && thread.isAlive()) {
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (System.nanoTime() - warnAt > 0) {
                LOG.warn("Log {}: still waiting for its flusher thread to end before the final flush", config.name());
                warnAt = System.nanoTime() + 5_000_000_000L;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- for appenders, cursors and agents in this package ----

    Segment activeSegment() {
        if (closed) {
            Throwable cause = failure;
            throw cause == null ? new LogClosedException("log " + config.name() + " is closed")
                    : new LogClosedException("log " + config.name() + " failed: " + cause.getMessage(), cause);
        }
        return active;
    }

    Segment[] segments() {
        return segments;
    }

    boolean isBackPressured(Segment segment) {
        return config.durability() != Durability.NONE
                && segment.base() + Math.min(segment.tail(), segment.capacity()) - durablePosition > config.maxUnflushedBytes();
    }

    /**
     * @param frameBytes the frame's size, computed in long arithmetic so huge parts cannot wrap
     * @throws RecordTooLargeException when it exceeds the limit
     */
    void checkFrameLength(long frameBytes) {
        if (frameBytes > config.maxRecordSize()) {
            throw new RecordTooLargeException("a frame of " + frameBytes + " bytes exceeds maxRecordSize " + config.maxRecordSize()
                    + " of log " + config.name());
        }
    }

    /**
     * Called by an appender whose claim did not fit {@code segment}: closes the segment with a
     * padding frame (if this claim crossed its end) and moves the log to the next segment.
     */
    void rotate(Segment segment, long claimed) {
        if (claimed < segment.capacity()) {
            segment.writePadding((int) claimed);
        }
        synchronized (rotationLock) {
            activeSegment();
            if (active != segment) {
                return;
            }
            Segment next = prepared;
            prepared = null;
            try {
                if (next == null || next.base() != segment.end()) {
                    if (next != null) {
                        discard(next);
                    }
                    next = Segment.create(config.directory(), segment.end(), config.segmentSize(), config.preallocate());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("log " + config.name() + " cannot start a new segment at position " + segment.end()
                        + ": " + e.getMessage() + " (nothing was written; appends resume once it can)", e);
            }
            Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
            grown[grown.length - 1] = next;
            segments = grown;
            active = next;
        }
    }

    /**
     * Called by the flusher: creates the next segment ahead of need, so rotation is only a swap.
     * The file is written (zero-filled, fsynced) without the rotation lock, so producers that
     * need to rotate meanwhile are not held up by it; it is adopted under the lock only if it is
     * still the one needed.
     */
    void prepareNextSegment() throws IOException {
        Segment current = active;
        if (prepared != null || current.tail() < current.capacity() / 2 || closed) {
            return;
        }
        Path spare = Segment.writeFile(config.directory(), current.end(), config.segmentSize(), config.preallocate(), SPARE_SUFFIX);
        synchronized (rotationLock) {
            if (prepared == null && active == current && !closed) {
                prepared = Segment.adopt(spare, current.end());
                return;
            }
        }
        Files.deleteIfExists(spare);
    }

    /** Called by retention: removes the oldest segment, if it is sealed and not being scanned. */
    boolean deleteOldest(Segment expected, String reason) {
        synchronized (rotationLock) {
            Segment[] current = segments;
            if (current.length < 2 || current[0] != expected || expected == active || !flusher.isPast(expected)) {
                return false;
            }
            segments = Arrays.copyOfRange(current, 1, current.length);
            segmentsDeleted++;
        }
        closeQuietly(expected);
        try {
            Files.deleteIfExists(SegmentIndex.fileFor(expected));
            Files.deleteIfExists(expected.file());
            LOG.info("Log {}: deleted segment {} ({})", config.name(), expected.file().getFileName(), reason);
        } catch (IOException e) {
            LOG.warn("Log {}: could not delete segment {}: {}", config.name(), expected.file(), e.toString());
        }
        return true;
    }

    void fail(Throwable cause) {
        failure = cause;
        closed = true;
        LOG.error("Log {} failed and takes no more appends: {}", config.name(), cause.toString());
    }

    /** @return why the log failed and takes no more appends, or null while it is healthy */
    public Throwable failure() {
        return failure;
    }

    private void discard(Segment segment) {
        closeQuietly(segment);
        try {
            Files.deleteIfExists(segment.file());
        } catch (IOException e) {
            LOG.warn("Log {}: could not delete unused segment {}: {}", config.name(), segment.file(), e.toString());
        }
    }

    private void closeQuietly(Segment segment) {
        try {
            segment.close();
        } catch (IOException e) {
            LOG.warn("Log {}: closing {} failed: {}", config.name(), segment.file(), e.toString());
        }
    }
}
