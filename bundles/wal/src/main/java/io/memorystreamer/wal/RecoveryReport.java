package io.memorystreamer.wal;

import java.time.Duration;
import java.util.List;

/**
 * What opening a log found and did: how much it scanned and how long it took, and every problem
 * it met (a torn tail cut off, a corrupt segment moved aside), each saying which file, which
 * position and what was lost. Immutable.
 *
 * @param log the log's name
 * @param segments segments kept
 * @param bytesScanned bytes of frames validated
 * @param frames frames validated
 * @param records records in them
 * @param startPosition the first position the log holds
 * @param endPosition the position after the last valid frame: where appends continue
 * @param truncatedBytes bytes cut from a torn tail (unpublished or invalid frames)
 * @param duration how long recovery took
 * @param problems one line per problem met, for people
 */
public record RecoveryReport(String log, int segments, long bytesScanned, long frames, long records, long startPosition,
        long endPosition, long truncatedBytes, Duration duration, List<String> problems) {

    /** @return true when recovery found nothing wrong (a clean shutdown, or an empty log) */
    public boolean clean() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append("recovered log ").append(log).append(": ").append(segments).append(" segments, ")
                .append(frames).append(" frames, ").append(records).append(" records, ")
                .append(bytesScanned).append(" bytes validated in ").append(duration.toMillis()).append(" ms; positions ")
                .append(startPosition).append("..").append(endPosition);
        if (truncatedBytes > 0) {
            text.append("; ").append(truncatedBytes).append(" bytes of torn tail cut");
        }
        for (String problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.toString();
    }
}
