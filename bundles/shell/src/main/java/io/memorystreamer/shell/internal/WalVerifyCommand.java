package io.memorystreamer.shell.internal;

import io.memorystreamer.wal.LogCursor;
import io.memorystreamer.wal.RecordHandler;
import io.memorystreamer.wal.RecordView;
import io.memorystreamer.wal.WriteAheadLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Gogo command {@code ms:wal-verify [--check] <log>}: reads every published frame of a log back
 * from its start, checking each frame's CRC32C and structure (a cursor with
 * {@link LogCursor#verifyChecksums(boolean)}), and reports frames, records and bytes per segment
 * file, and the first corruption with its file and position. With {@code --check} an invalid log
 * fails the command (a non-zero exit code for {@code bin/memorystreamer shell}).
 *
 * <p>A {@link Function} rather than a method, because Gogo looks a command up as a method of the
 * same name and Java has no method called {@code wal-verify}.
 *
 * <p>Thread-safe: stateless; each call verifies with its own cursor, beside the log's writers.
 */
@Component(service = WalVerifyCommand.class, property = {
    "osgi.command.scope=ms",
    "osgi.command.function=wal-verify"
})
public final class WalVerifyCommand implements Function {
    static final String USAGE = "usage: ms:wal-verify [-c | --check] <log>\n"
            + "  reads every published frame of the log back and checks its CRC32C and structure;\n"
            + "  --check: fail unless the log is valid (for scripts)";

    private final BundleContext context;

    /** Creates the command for the given bundle context. */
    @Activate
    public WalVerifyCommand(BundleContext context) {
        this.context = context;
    }

    /**
     * Runs {@code ms:wal-verify}.
     *
     * @return the {@link WalVerification}, or the usage text for {@code --help}
     * @throws IllegalArgumentException for wrong arguments or an unknown log (naming the open ones)
     * @throws IllegalStateException with {@code --check} when the log is not valid
     */
    @Override
    public Object execute(CommandSession session, List<Object> arguments) {
        boolean check = false;
        String name = null;
        for (Object argument : arguments) {
            String text = String.valueOf(argument);
            switch (text) {
                case "-c", "--check" -> check = true;
                case "-h", "--help" -> {
                    return USAGE;
                }
                default -> {
                    if (text.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + text + "\n" + USAGE);
                    }
                    if (name != null) {
                        throw new IllegalArgumentException("one log at a time, not " + name + " and " + text + "\n" + USAGE);
                    }
                    name = text;
                }
            }
        }
        if (name == null) {
            List<String> known = new ArrayList<>();
            WalLogs.references(context).forEach(reference -> known.add(WalLogs.name(reference)));
            throw new IllegalArgumentException("which log? " + (known.isEmpty() ? "no log is open" : "open logs: "
                    + String.join(", ", known)) + "\n" + USAGE);
        }
        WalVerification result = WalLogs.withLog(context, name, (reference, log) -> verify(log));
        if (check && !result.valid()) {
            throw new IllegalStateException("log " + name + " is not valid:\n" + result.formatFull());
        }
        return result;
    }

    /** Verifies {@code log} from its start to its published position as of now. */
    static WalVerification verify(WriteAheadLog log) {
        long started = System.nanoTime();
        long to = log.publishedPosition();
        long[] bases = log.stats().segmentBases();
        long[] frames = new long[bases.length];
        long[] records = new long[bases.length];
        long from = log.startPosition();
        LogCursor cursor = log.cursor(from).verifyChecksums(true);
        FrameCounter counter = new FrameCounter(bases, frames, records);
        String incomplete = null;
        while (cursor.position() < to && cursor.corruption() == null) {
            long before = cursor.position();
            cursor.poll(counter, 1);
            if (cursor.position() == before && cursor.corruption() == null) {
                incomplete = "no frame is published at position " + before + ", below the published position " + to;
                break;
            }
        }
        String corruption = cursor.corruption();
        int stoppedIn = corruption == null && incomplete == null ? Integer.MAX_VALUE : segmentIndex(bases, cursor.position());
        List<WalVerification.SegmentCheck> segments = new ArrayList<>(bases.length);
        for (int i = 0; i < bases.length && bases[i] <= Math.max(cursor.position(), to); i++) {
            String status;
            if (i < stoppedIn) {
                status = "OK";
            } else if (i == stoppedIn) {
                status = (corruption != null ? "CORRUPT" : "stopped") + " at position " + cursor.position();
            } else {
                status = "not verified";
            }
            segments.add(new WalVerification.SegmentCheck(WalCommand.segmentFileName(bases[i]), frames[i], records[i], status));
        }
        return new WalVerification(log.name(), from, to, cursor.position(), counter.frames, counter.records,
                cursor.skippedBytes(), corruption, incomplete, segments, Duration.ofNanos(System.nanoTime() - started));
    }

    /** @return the index of the segment holding {@code position}, given the segments' first positions in order */
    static int segmentIndex(long[] bases, long position) {
        int found = Arrays.binarySearch(bases, position);
        return found >= 0 ? found : Math.max(0, -found - 2);
    }

    /** Counts frames and records per segment as the cursor hands records out. Single-threaded. */
    private static final class FrameCounter implements RecordHandler {
        private final long[] bases;
        private final long[] framesBySegment;
        private final long[] recordsBySegment;
        private long frames;
        private long records;

        FrameCounter(long[] bases, long[] framesBySegment, long[] recordsBySegment) {
            this.bases = bases;
            this.framesBySegment = framesBySegment;
            this.recordsBySegment = recordsBySegment;
        }

        @Override
        public void onRecord(RecordView record) {
            int segment = segmentIndex(bases, record.position());
            if (record.indexInFrame() == 0) {
                frames++;
                framesBySegment[segment]++;
            }
            records++;
            recordsBySegment[segment]++;
        }
    }
}
