package org.distributedtesting.recovery.examples.ratis;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.IntegrityCheck;
import org.sqlite.SQLiteConfig;

/**
 * The database's integrity check, in two layers, on a fresh connection that only reads (so that it reads the
 * file, not a cache of the writer; not opened read-only, because after a crash the first reader must be able to
 * roll back SQLite's hot journal):
 * <ol>
 *   <li>SQLite's own {@code PRAGMA integrity_check}: page structure, b-tree order, free list, indexes against
 *       tables. A flipped byte in a page header or an index fails here.</li>
 *   <li>The content: the {@link StateHash} recomputed from every row must equal the checksum the {@code applied}
 *       row stores, read in the same read transaction. A byte flipped inside a stored value passes (1) but
 *       fails here.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
final class DatabaseCheck {

    private static final int MAX_ERRORS = 5;

    private DatabaseCheck() {
    }

    /** Checks the database file at {@code file}; a missing file is not a failure (it is rebuilt at start). */
    static IntegrityCheck check(Path file) {
        if (!TaskDatabase.exists(file)) {
            return new IntegrityCheck(IntegrityCheck.Status.OK, "no database file yet: it is built from the"
                    + " latest snapshot and the log when the node starts");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file)) {
            List<String> problems;
            try {
                problems = integrityCheck(connection);
            } catch (SQLException e) {
                return IntegrityCheck.failed("PRAGMA integrity_check: " + e.getMessage());
            }
            if (!problems.isEmpty()) {
                return IntegrityCheck.failed("PRAGMA integrity_check: " + String.join("; ", problems));
            }
            try {
                return checkContent(connection);
            } catch (SQLException e) {
                return IntegrityCheck.failed("content check: " + e.getMessage());
            }
        } catch (SQLException e) {
            return IntegrityCheck.failed("database cannot be opened: " + e.getMessage());
        }
    }

    private static List<String> integrityCheck(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check(" + MAX_ERRORS + ")")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equals(line)) {
                    problems.add(line.replace('\n', ' ').strip());
                }
            }
        }
        return problems;
    }

    private static IntegrityCheck checkContent(Connection connection) throws SQLException {
        AppliedState stored;
        StateHash rows;
        connection.setAutoCommit(false);
        try {
            // one read transaction: the rows and the applied row are read from the same committed state
            stored = TaskDatabase.readApplied(connection);
            rows = TaskDatabase.recompute(connection);
        } finally {
            connection.rollback();
        }
        if (!rows.equals(stored.hash())) {
            return IntegrityCheck.failed("content checksum mismatch at index " + stored.index() + ": the applied"
                    + " row stores " + stored.hash().value() + ", the rows give " + rows.value());
        }
        return new IntegrityCheck(IntegrityCheck.Status.OK, "integrity_check ok; checksum of " + rows.rows()
                + " rows matches index " + stored.index());
    }
}
