package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Corrupts a node's files the way a bad disk would: one flipped byte. Works on a stopped node, and on a running one
 * (the node's own integrity checks read the files afresh and find the damage).
 *
 * <p>Stateless and thread-safe; concurrent flips of one file are the caller's business.
 */
public final class Corruption {

    private static final int TABLE_INTERIOR = 0x05;
    private static final int TABLE_LEAF = 0x0D;
    private static final Pattern SEGMENT = Pattern.compile("log_(inprogress_)?(\\d+)(-\\d+)?");

    private Corruption() {
    }

    /**
     * Flips the page-type byte of the root page of the index {@code tasks_by_state}: the b-tree page becomes
     * invalid, which SQLite's integrity_check reports.
     *
     * @throws IOException  if the file cannot be read or written
     * @throws SQLException if the database cannot be read
     */
    public static void flipIndexPageType(Path database) throws IOException, SQLException {
        flipRootPageType(database, "tasks_by_state");
    }

    /**
     * Flips the page-type byte of the root page of the table or index {@code name}: the b-tree page becomes invalid,
     * which SQLite's integrity_check reports. On a running node, pick an object its writes do not change (such as
     * {@code workers} while only tasks are submitted): SQLite writes a changed page back whole from its cache, which
     * would undo the flip.
     *
     * @throws IOException              if the file cannot be read or written
     * @throws SQLException             if the database cannot be read
     * @throws IllegalArgumentException if the database has no such table or index
     */
    public static void flipRootPageType(Path database, String name) throws IOException, SQLException {
        long pageSize;
        long rootPage;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                pageSize = rs.getLong(1);
            }
            try (PreparedStatement p = c.prepareStatement("SELECT rootpage FROM sqlite_master WHERE name = ?")) {
                p.setString(1, name);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no table or index '" + name + "' in " + database);
                    }
                    rootPage = rs.getLong(1);
                }
            }
        }
        flip(database, (rootPage - 1) * pageSize);
    }

    /**
     * Flips the page-type byte of the first (leftmost) leaf page of the table {@code tasks}: the page of the oldest
     * tasks, which a writer that only adds tasks never changes again. Use it on a running node: a page the node
     * still changes, such as an index's root page, sits in the node's SQLite page cache and is written back whole
     * with its next change, which undoes the flip (found in the demo: the flipped index root page of a running node
     * healed before the daemon had confirmed the failure; and so did the tasks table's root page, flipped while the
     * table still fitted on it). SQLite's integrity_check reports the invalid page.
     *
     * @return the page number
     * @throws IOException           if the file cannot be read or written
     * @throws SQLException          if the database cannot be read
     * @throws IllegalStateException if the table still fits on its root page ({@link #oldestTaskLeaf} is empty), or
     *                               its b-tree holds a page that is not a table b-tree page
     */
    public static long flipOldestTaskPageType(Path database) throws IOException, SQLException {
        TaskLeaf leaf = findOldestTaskLeaf(database);
        if (leaf.root()) {
            throw new IllegalStateException("the tasks of " + database + " still fit on the table's root page (page "
                    + leaf.page() + "), which every insert writes back whole: a flip there does not last on a"
                    + " running node; write more tasks first");
        }
        flip(database, leaf.typeOffset());
        return leaf.page();
    }

    /**
     * The page of the oldest tasks, once the table {@code tasks} has grown beyond its root page; empty while every
     * task fits on the root page, which every insert changes.
     *
     * @throws IOException           if the file cannot be read
     * @throws SQLException          if the database cannot be read
     * @throws IllegalStateException if the b-tree holds a page that is not a table b-tree page
     */
    public static OptionalLong oldestTaskLeaf(Path database) throws IOException, SQLException {
        TaskLeaf leaf = findOldestTaskLeaf(database);
        return leaf.root() ? OptionalLong.empty() : OptionalLong.of(leaf.page());
    }

    private static TaskLeaf findOldestTaskLeaf(Path database) throws IOException, SQLException {
        int pageSize;
        long root;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                pageSize = rs.getInt(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'")) {
                if (!rs.next()) {
                    throw new IllegalStateException("no table 'tasks' in " + database);
                }
                root = rs.getLong(1);
            }
        }
        long page = root;
        try (RandomAccessFile raf = new RandomAccessFile(database.toFile(), "r")) {
            for (int depth = 0; depth < 32; depth++) {
                long start = (page - 1) * pageSize;
                long header = start + (page == 1 ? 100 : 0); // page 1 starts with the 100-byte file header
                raf.seek(header);
                int type = raf.read();
                if (type == TABLE_LEAF) {
                    return new TaskLeaf(page, header, page == root);
                }
                if (type != TABLE_INTERIOR) {
                    throw new IllegalStateException("page " + page + " of " + database + " is not a table b-tree"
                            + " page (type " + type + ")");
                }
                raf.seek(header + 12); // the first cell pointer, after an interior page's 12-byte header
                int cell = raf.readUnsignedShort();
                raf.seek(start + cell); // an interior table cell starts with its left child's page number
                page = raf.readInt() & 0xFFFFFFFFL;
            }
        }
        throw new IllegalStateException("the b-tree of tasks in " + database + " is deeper than 32 pages");
    }

    /** A leaf page of the tasks table: its number, where its page-type byte is, and whether it is the root. */
    private record TaskLeaf(long page, long typeOffset, boolean root) {
    }

    /**
     * Flips one bit in the middle of the entries of the oldest log segment under {@code raftDir}.
     *
     * @return the segment
     * @throws IOException           if a file cannot be read or written
     * @throws IllegalStateException if there is no segment under {@code raftDir}
     */
    public static Path flipByteInOldestSegment(Path raftDir) throws IOException {
        Path segment;
        try (Stream<Path> files = Files.walk(raftDir)) {
            segment = files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                    .min(Comparator.comparing(Corruption::startIndex))
                    .orElseThrow(() -> new IllegalStateException("no log segment under " + raftDir));
        }
        byte[] bytes = Files.readAllBytes(segment);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--; // preallocated padding
        }
        flip(segment, end / 2);
        return segment;
    }

    private static long startIndex(Path segment) {
        Matcher m = SEGMENT.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment: " + segment);
        }
        return Long.parseLong(m.group(2));
    }

    private static void flip(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }
}
