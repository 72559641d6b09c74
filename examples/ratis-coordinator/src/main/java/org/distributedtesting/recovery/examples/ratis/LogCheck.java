package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.util.SizeInBytes;
import org.distributedtesting.recovery.IntegrityCheck;

/**
 * The Raft log's integrity check. It reads every segment file of Ratis' storage ({@code raft/<group>/current/
 * log_<start>-<end>} and {@code log_inprogress_<start>}) with Ratis' own segment reader
 * ({@link LogSegment#readSegmentFile}), which checks each segment's header, each entry's CRC32C checksum, that the
 * bytes after the last entry are zero padding, and that the indexes inside a segment have no gap. On top it checks:
 * <ul>
 *   <li>each segment's first entry has the index its file name starts with;</li>
 *   <li>a closed segment holds exactly the entries its name says (no entry lost at its end);</li>
 *   <li>segments follow each other without a gap or an overlap;</li>
 *   <li>terms never go down from one entry to the next.</li>
 * </ul>
 * It does not check the log against the other replicas, the term and vote file, or entries Ratis keeps only in
 * memory.
 *
 * <p>On a running node the open segment is being appended to: there only the entries up to the flushed index
 * ({@code stableIndex}) must read cleanly, and a segment that vanishes while it is read (purged, or closed and
 * renamed) is skipped. Stateless and thread-safe.
 */
final class LogCheck {

    /** {@code stableIndex} for a stopped node: every byte of every segment must be sound. */
    static final long OFFLINE = Long.MAX_VALUE;

    private static final Pattern CLOSED = Pattern.compile("log_(\\d+)-(\\d+)");
    private static final Pattern OPEN = Pattern.compile("log_inprogress_(\\d+)");

    private LogCheck() {
    }

    /**
     * Checks the log under {@code raftDir}.
     *
     * @param maxEntrySize the largest entry the reader accepts (the server's appender buffer limit)
     * @param stableIndex  entries up to this index must read cleanly in the open segment; {@link #OFFLINE} for all
     */
    static IntegrityCheck check(Path raftDir, SizeInBytes maxEntrySize, long stableIndex) {
        return scan(raftDir, maxEntrySize, stableIndex).verdict();
    }

    /**
     * What a check found.
     *
     * @param verdict   the check's verdict
     * @param lastIndex the index of the last entry that read cleanly, {@code -1} when there is none
     */
    record Report(IntegrityCheck verdict, long lastIndex) {
    }

    /** Checks the log under {@code raftDir} as {@link #check} does, and says where it ends. */
    static Report scan(Path raftDir, SizeInBytes maxEntrySize, long stableIndex) {
        List<Segment> segments;
        try {
            segments = segments(raftDir);
        } catch (IOException e) {
            return new Report(IntegrityCheck.failed("cannot list the log segments: " + e.getMessage()), -1);
        }
        if (segments.isEmpty()) {
            return new Report(new IntegrityCheck(IntegrityCheck.Status.OK, "no log segments (a new or reset log)"),
                    -1);
        }
        long[] last = {-1, -1}; // index, term of the previous entry
        long first = -1;
        int checked = 0;
        for (Segment segment : segments) {
            if (last[0] >= 0 && segment.start() != last[0] + 1) {
                return new Report(IntegrityCheck.failed("segment " + segment.name() + " starts at "
                        + segment.start() + " but the previous segment ends at " + last[0]), last[0]);
            }
            long[] count = {0};
            String problem = null;
            try {
                LogSegmentPath path = LogSegmentPath.matchLogSegment(segment.path());
                if (path == null) {
                    continue; // an empty open segment: Ratis just created it
                }
                LogSegment.readSegmentFile(segment.path().toFile(), path.getStartEnd(), maxEntrySize,
                        CorruptionPolicy.EXCEPTION, null, entry -> visit(segment, entry, count, last));
            } catch (NoSuchFileException e) {
                continue; // purged, or closed and renamed, while it was read
            } catch (IOException | IllegalStateException e) {
                problem = e.getMessage();
            }
            long clean = segment.start() + count[0] - 1; // the last entry that read cleanly
            if (problem != null && (segment.end() >= 0 || clean < stableIndex)) {
                return new Report(IntegrityCheck.failed("segment " + segment.name() + " is corrupt after entry "
                        + clean + ": " + problem), clean);
            }
            if (problem == null && segment.end() >= 0 && clean != segment.end()) {
                return new Report(IntegrityCheck.failed("segment " + segment.name() + " ends at entry " + clean
                        + ", not at " + segment.end() + " as its name says"), clean);
            }
            first = first < 0 ? segment.start() : first;
            checked++;
        }
        return new Report(new IntegrityCheck(IntegrityCheck.Status.OK, checked + " segments, entries " + first + ".."
                + last[0] + ": checksums, contiguous indexes and non-decreasing terms verified"), last[0]);
    }

    private static void visit(Segment segment, LogEntryProto entry, long[] count, long[] last) {
        long expected = segment.start() + count[0];
        if (entry.getIndex() != expected) {
            throw new IllegalStateException("entry " + entry.getIndex() + " where " + expected + " belongs");
        }
        if (entry.getTerm() < last[1]) {
            throw new IllegalStateException("entry " + entry.getIndex() + " has term " + entry.getTerm()
                    + ", lower than the previous entry's " + last[1]);
        }
        count[0]++;
        last[0] = entry.getIndex();
        last[1] = entry.getTerm();
    }

    /** The segment files under {@code raftDir}. */
    static List<Path> segmentFiles(Path raftDir) throws IOException {
        return segments(raftDir).stream().map(Segment::path).toList();
    }

    /** The segment files of the one group in {@code raftDir}, in index order; empty when there is no log. */
    private static List<Segment> segments(Path raftDir) throws IOException {
        List<Segment> segments = new ArrayList<>();
        if (!Files.isDirectory(raftDir)) {
            return segments;
        }
        List<Path> currents;
        try (Stream<Path> groups = Files.list(raftDir)) {
            currents = groups.map(g -> g.resolve("current")).filter(Files::isDirectory).toList();
        }
        if (currents.size() > 1) {
            throw new IOException("more than one Raft group in " + raftDir + ": " + currents);
        }
        for (Path current : currents) {
            try (Stream<Path> files = Files.list(current)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    Matcher closed = CLOSED.matcher(name);
                    Matcher open = OPEN.matcher(name);
                    if (closed.matches()) {
                        segments.add(new Segment(file, Long.parseLong(closed.group(1)),
                                Long.parseLong(closed.group(2))));
                    } else if (open.matches() && sizeOf(file) > 0) {
                        segments.add(new Segment(file, Long.parseLong(open.group(1)), -1));
                    }
                }
            }
        }
        segments.sort(Comparator.comparingLong(Segment::start));
        return segments;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // vanished: it is no longer the open segment
        }
    }

    /** One segment file; {@code end} is -1 for the open segment. */
    private record Segment(Path path, long start, long end) {
        String name() {
            return path.getFileName().toString();
        }
    }
}
