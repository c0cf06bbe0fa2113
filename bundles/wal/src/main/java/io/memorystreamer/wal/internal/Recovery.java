package io.memorystreamer.wal.internal;

import io.memorystreamer.wal.RecoveryReport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a log directory after a clean shutdown or a crash: validates every frame of every
 * segment (magic, version, bounds, CRC32C), cuts a torn tail, moves a corrupt sealed segment
 * aside with a report, and says where appends continue.
 *
 * <p>The rules, and why:
 * <ul>
 *   <li>A frame length of 0 ends the valid log. After a crash with several producers, a frame
 *       may be claimed but never published while later frames were: those later frames were never
 *       acknowledged (the durable position is contiguous and stops at the hole), so they are cut,
 *       and any later segment too (moved to {@code torn/}).
 *   <li>An invalid frame (non-zero length, failed check) in the last segment is a torn or corrupt
 *       tail: cut there.
 *   <li>An invalid frame in an earlier, sealed segment is corruption: that segment is moved to
 *       {@code corrupt/} and the log opens without it, reporting the file, the position and what
 *       was lost. The broker starts and says so, rather than refusing to start.
 * </ul>
 * Whatever is cut is zeroed on disk, so a later append never finds stale bytes after its frame.
 *
 * <p>Runs once, on the opening thread, before anything else touches the log.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final long PROGRESS_BYTES = 256L * 1024 * 1024;

    /** What recovery leaves for the log to run on. */
    public record Result(List<Segment> segments, long tailOffset, RecoveryReport report, SegmentIndexBuilder activeIndex) {
    }

    private Recovery() {
    }

    /**
     * Recovers the log in {@code directory}.
     *
     * @param name the log's name, for the report
     * @throws IOException when the directory or a segment cannot be read or written
     */
    public static Result recover(Path directory, String name, int indexIntervalBytes, int segmentSize) throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(directory);
        TreeMap<Long, Path> files = listSegments(directory);
        long totalBytes = 0;
        for (Path file : files.values()) {
            totalBytes += Files.size(file);
        }
        List<Segment> kept = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        SegmentScan scan = new SegmentScan();
        long scanned = 0;
        long frames = 0;
        long records = 0;
        long truncated = 0;
        int checksummed = 0;
        long nextProgress = PROGRESS_BYTES;
        int tailOffset = 0;
        List<Long> bases = new ArrayList<>(files.keySet());
        // Segments created ahead of need and never written are spares, not data: drop them first, so
        // the last segment with data is treated as the log's end.
        // The first segment stays even when empty: positions once handed out are never handed out again.
        while (bases.size() > 1 && isEmpty(files.get(bases.get(bases.size() - 1)))) {
            Long spare = bases.remove(bases.size() - 1);
            Files.deleteIfExists(directory.resolve(SegmentIndex.fileName(spare)));
            Files.delete(files.remove(spare));
        }
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            Path file = files.get(base);
            boolean last = i == bases.size() - 1;
            long size = Files.size(file);
            if (size % FrameDescriptor.ALIGNMENT != 0 || size < FrameDescriptor.HEADER_LENGTH || size > Integer.MAX_VALUE) {
                if (!last) {
                    Path moved = moveAside(directory, "corrupt", file);
                    problems.add("segment " + file.getFileName() + " has an impossible size of " + size + " bytes (truncated?): moved to "
                            + directory.relativize(moved) + "; positions " + base + ".." + (base + size) + " are no longer served");
                    continue;
                }
                long extended = Math.max(segmentSize, (size + FrameDescriptor.ALIGNMENT - 1) & -FrameDescriptor.ALIGNMENT);
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.write(java.nio.ByteBuffer.allocate(1), extended - 1);
                }
                problems.add("segment " + file.getFileName() + " was " + size + " bytes (truncated?): extended with zeros to " + extended
                        + " bytes; its frames are checked as usual");
            }
            Segment segment = Segment.open(file, base, 0);
            SegmentIndex sealedIndex = SegmentIndex.load(segment, segment.capacity());
            if (sealedIndex != null && sealedIndex.segmentChecksumMatches(segment, segment.capacity())) {
                // Sealed and unchanged since: one checksum pass instead of a frame-by-frame validation.
                segment.updateMaxTimestamp(sealedIndex.maxTimestamp());
                segment.index(sealedIndex);
                scanned += segment.capacity();
                records += sealedIndex.streamEntryCount();
                checksummed++;
                kept.add(segment);
                tailOffset = segment.capacity();
                continue;
            }
            scan.scan(segment);
            scanned += scan.validEnd;
            segment.updateMaxTimestamp(scan.maxTimestamp);
            if (scanned >= nextProgress) {
                LOG.info("Recovering log {}: {} MB of {} MB validated", name, scanned >> 20, totalBytes >> 20);
                nextProgress += PROGRESS_BYTES;
            }
            if (scan.stop != SegmentScan.Stop.INVALID || last) {
                frames += scan.frames;
                records += scan.records;
            }
            if (scan.stop == SegmentScan.Stop.END) {
                SegmentIndex index = SegmentIndex.load(segment, segment.capacity());
                if (index == null) {
                    SegmentIndexBuilder builder = new SegmentIndexBuilder(indexIntervalBytes);
                    new SegmentScan().scan(segment, (s, offset, length) -> builder.onFrame(s.readOnlyBuffer(), offset));
                    index = builder.write(segment, segment.capacity());
                    problems.add("index " + SegmentIndex.fileName(base) + " was missing or damaged: rebuilt from "
                            + file.getFileName() + " (" + builder.records() + " records)");
                }
                segment.index(index);
                kept.add(segment);
                tailOffset = segment.capacity();
                continue;
            }
            if (scan.stop == SegmentScan.Stop.INVALID && !last) {
                segment.close();
                Files.deleteIfExists(SegmentIndex.fileFor(segment));
                Path moved = moveAside(directory, "corrupt", file);
                problems.add("segment " + file.getFileName() + " is corrupt at position " + (base + scan.validEnd) + " ("
                        + scan.problem + "): moved to " + directory.relativize(moved) + "; positions " + (base + scan.validEnd)
                        + ".." + segment.end() + " (" + (segment.capacity() - scan.validEnd)
                        + " bytes) are no longer served; the " + scan.records + " records before the damage are in the moved file");
                continue;
            }
            // The end of the valid log: a hole, or an invalid frame in the last segment.
            long cut = 0;
            if (scan.stop == SegmentScan.Stop.INVALID || scan.dataAfterHole(segment)) {
                cut = segment.capacity() - scan.validEnd;
                segment.zeroFrom(scan.validEnd);
                problems.add((scan.stop == SegmentScan.Stop.INVALID
                        ? "torn or corrupt tail in " + file.getFileName() + " at position " + (base + scan.validEnd) + " (" + scan.problem + ")"
                        : "unpublished frame (crash) in " + file.getFileName() + " at position " + (base + scan.validEnd)
                                + " with frames written after it")
                        + ": cut the rest of the segment; none of it had been acknowledged as durable");
            }
            truncated += cut;
            kept.add(segment);
            tailOffset = scan.validEnd;
            for (int j = i + 1; j < bases.size(); j++) {
                Path later = files.get(bases.get(j));
                Files.deleteIfExists(later.resolveSibling(SegmentIndex.fileName(bases.get(j))));
                if (isEmpty(later)) {
                    Files.delete(later);
                    continue;
                }
                truncated += Files.size(later);
                Path moved = moveAside(directory, "torn", later);
                problems.add("segment " + later.getFileName() + " follows the end of the valid log at position " + (base + scan.validEnd)
                        + " (written after a frame that was never published): moved to " + directory.relativize(moved)
                        + "; none of it had been acknowledged as durable");
            }
            break;
        }
        for (Segment segment : kept) {
            segment.force(0, segment.capacity());
        }
        SegmentIndexBuilder activeIndex = new SegmentIndexBuilder(indexIntervalBytes);
        if (!kept.isEmpty() && tailOffset < kept.get(kept.size() - 1).capacity()) {
            Segment active = kept.get(kept.size() - 1);
            Files.deleteIfExists(SegmentIndex.fileFor(active));
            new SegmentScan().scan(active, (s, offset, length) -> activeIndex.onFrame(s.readOnlyBuffer(), offset));
        }
        long start = kept.isEmpty() ? 0 : kept.get(0).base();
        long end = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).base() + tailOffset;
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        RecoveryReport report = new RecoveryReport(name, kept.size(), scanned, frames, records, start, end, truncated, took,
                List.copyOf(problems));
        if (checksummed > 0) {
            LOG.debug("Log {}: {} sealed segments checked by their whole-segment checksum", name, checksummed);
        }
        if (report.clean()) {
            LOG.info("{}", report);
        } else {
            LOG.warn("{}", report);
        }
        return new Result(kept, tailOffset, report, activeIndex);
    }

    /** @return the segment files of the directory by base position (removing leftovers of an interrupted creation) */
    static TreeMap<Long, Path> listSegments(Path directory) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.endsWith(".log.creating") || name.endsWith(".log.spare")) {
                    Files.delete(file);
                } else if (name.matches("\\d{20}\\.log")) {
                    files.put(Long.parseLong(name.substring(0, 20)), file);
                }
            }
        }
        return files;
    }

    /** @return whether the file holds only zeros (a segment created ahead of need and never written) */
    private static boolean isEmpty(Path file) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(64 * 1024);
            long offset = 0;
            while (true) {
                chunk.clear();
                int read = channel.read(chunk, offset);
                if (read < 0) {
                    return true;
                }
                for (int k = 0; k < read; k++) {
                    if (chunk.get(k) != 0) {
                        return false;
                    }
                }
                offset += read;
            }
        }
    }

    private static Path moveAside(Path directory, String folder, Path file) throws IOException {
        Path aside = directory.resolve(folder);
        Files.createDirectories(aside);
        Path target = aside.resolve(file.getFileName() + "." + Instant.now().toEpochMilli());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        Directories.fsync(aside);
        Directories.fsync(directory);
        return target;
    }
}
