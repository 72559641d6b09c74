package org.distributedtesting.recovery.core.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.JournalRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's records in a DuckDB database, through JDBC: the driver ({@code org.duckdb:duckdb_jdbc}) must be on
 * the class path, and nothing here names its classes, so this module does not depend on it.
 *
 * <p>The schema (see the README's History section):
 * <ul>
 *   <li>{@code records}: one row per journal record, keyed by {@code seq}, its position in the journal (1 for the
 *       first line), with the SHA-256 of its line ({@code hash}), its time ({@code ts}, UTC), {@code action}, the
 *       details the report uses as columns ({@code failure_id}, {@code reason}, {@code node_id}, {@code node_ids},
 *       {@code severity}, {@code rung}, {@code attempt}, {@code outcome}, {@code resolution}, {@code why},
 *       {@code time_to_recover_ms}, {@code dry_run}) and every detail as JSON ({@code details});</li>
 *   <li>{@code failures}, a view: one row per failure, from the {@code failure_detected} that opened it: its
 *       {@code failure_seq}, {@code failure_id}, {@code type}, {@code node_ids}, {@code severity}, when it was
 *       {@code detected_at}, {@code recovered_at}, {@code escalated_at}, {@code cleared_at}, its {@code resolution},
 *       {@code time_to_recover_ms}, how many {@code escalations} and {@code actions}, and its {@code outcome}
 *       ({@code recovered}, {@code planned_only}, {@code cleared}, {@code escalated} or {@code open});</li>
 *   <li>{@code actions}, a view: one row per action that went through the guards: {@code seq}, {@code ts},
 *       {@code action}, {@code node_id}, {@code outcome} ({@code done}, {@code failed}, {@code refused},
 *       {@code planned}), {@code failure_id}, {@code type}, {@code rung}, {@code attempt}, {@code dry_run},
 *       {@code why}, {@code detail}.</li>
 * </ul>
 * Inserting is idempotent by {@code seq}, so the database can always be caught up from the journal again.
 *
 * <p>Thread-safe: one lock guards the connection.
 */
public final class HistoryDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryDatabase.class);

    private static final String URL = "jdbc:duckdb:";
    private static final String INSERT = "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?) ON CONFLICT DO NOTHING";

    private final Object lock = new Object();
    private final Connection connection; // guarded by lock
    private final String name;

    private HistoryDatabase(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    /**
     * Opens the database file, creating it (and its directory) with the schema when it is missing.
     *
     * @throws HistoryException if it cannot be opened: another process holds it ({@link HistoryException#held()}),
     *                          the driver is not on the class path, or the file is not a DuckDB database
     */
    public static HistoryDatabase open(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new HistoryException("cannot create the directory of history database " + absolute + ": " + e,
                    false, e);
        }
        return connect(URL + absolute, absolute.toString());
    }

    /** A database in memory, gone when closed: for a report from a journal alone. */
    public static HistoryDatabase inMemory() {
        return connect(URL, "in memory");
    }

    private static HistoryDatabase connect(String url, String name) {
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(url);
            HistorySchema.create(connection);
            return new HistoryDatabase(connection, name);
        } catch (SQLException e) {
            closeAfterFailure(connection, e);
            String message = String.valueOf(e.getMessage());
            if (message.startsWith("No suitable driver")) {
                throw new HistoryException("the DuckDB JDBC driver (org.duckdb:duckdb_jdbc) is not on the class"
                        + " path, so history database " + name + " cannot be opened", false, e);
            }
            boolean held = message.contains("Could not set lock") || message.contains("Conflicting lock");
            throw new HistoryException("cannot open history database " + name + ": " + firstLine(message), held, e);
        }
    }

    /** The number of records it holds. */
    public long size() {
        synchronized (lock) {
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM records")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw failed("count the records of", e);
            }
        }
    }

    /**
     * Brings the database up to date with the journal: inserts, in one transaction, the records past those it holds.
     * When what it holds is not this journal's beginning (more records than the journal, a gap, or its last record
     * differs from the journal's at that position: the journal was replaced), it is emptied and filled again.
     *
     * @param journal every record of the journal, oldest first
     * @return how many records were inserted
     * @throws HistoryException if the database cannot be read or written; what it held is kept
     */
    public int catchUp(List<JournalRecord> journal) {
        Objects.requireNonNull(journal, "journal");
        synchronized (lock) {
            try {
                long count;
                long last;
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT count(*), coalesce(max(seq), 0) FROM records")) {
                    rs.next();
                    count = rs.getLong(1);
                    last = rs.getLong(2);
                }
                boolean matches = count == last && count <= journal.size()
                        && (count == 0 || HistoryRow.hash(journal.get((int) count - 1)).equals(hashAt(count)));
                int from = (int) count;
                if (!matches) {
                    LOG.warn("History database {} does not match the journal ({} records, the journal has {});"
                            + " filling it again from the journal", name, count, journal.size());
                    // committed on its own: a key deleted and inserted again in one transaction is not to be relied on
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("DELETE FROM records");
                    }
                    from = 0;
                }
                connection.setAutoCommit(false);
                try {
                    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                        for (int i = from; i < journal.size(); i++) {
                            bind(insert, i + 1L, HistoryRow.of(journal.get(i)));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    rollback(e);
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
                return journal.size() - from;
            } catch (SQLException e) {
                throw failed("catch up", e);
            }
        }
    }

    /**
     * Inserts one record at its journal position; does nothing when a record is there already.
     *
     * @param seq the record's position in the journal, 1 for the first
     * @throws HistoryException if the database cannot be written
     */
    public void insert(long seq, JournalRecord record) {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, but was " + seq);
        }
        HistoryRow row = HistoryRow.of(Objects.requireNonNull(record, "record"));
        synchronized (lock) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                bind(insert, seq, row);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw failed("insert into", e);
            }
        }
    }

    /** A query over the connection, for the report. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    <T> T read(Query<T> query) {
        synchronized (lock) {
            try {
                return query.run(connection);
            } catch (SQLException e) {
                throw failed("read", e);
            }
        }
    }

    /** Where the database is: its file, or "in memory". */
    public String name() {
        return name;
    }

    /**
     * Closes the connection; DuckDB writes what it holds to the file first.
     *
     * @throws HistoryException if closing failed
     */
    @Override
    public void close() {
        synchronized (lock) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw failed("close", e);
            }
        }
    }

    @Override
    public String toString() {
        return "HistoryDatabase[" + name + "]";
    }

    private String hashAt(long seq) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT hash FROM records WHERE seq = ?")) {
            select.setLong(1, seq);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void bind(PreparedStatement insert, long seq, HistoryRow row) throws SQLException {
        insert.setLong(1, seq);
        insert.setString(2, row.hash());
        insert.setObject(3, LocalDateTime.ofInstant(row.timestamp(), ZoneOffset.UTC));
        insert.setString(4, row.action());
        insert.setString(5, row.failureId());
        insert.setString(6, row.reason());
        insert.setString(7, row.nodeId());
        if (row.nodeIds() == null) {
            insert.setNull(8, Types.ARRAY);
        } else {
            insert.setArray(8, connection.createArrayOf("VARCHAR", row.nodeIds().toArray()));
        }
        insert.setString(9, row.severity());
        insert.setString(10, row.rung());
        setLong(insert, 11, row.attempt());
        insert.setString(12, row.outcome());
        insert.setString(13, row.resolution());
        insert.setString(14, row.why());
        setLong(insert, 15, row.timeToRecoverMs());
        insert.setBoolean(16, row.dryRun());
        insert.setString(17, row.details());
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private void rollback(Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private HistoryException failed(String what, SQLException e) {
        return new HistoryException("could not " + what + " history database " + name + ": "
                + firstLine(String.valueOf(e.getMessage())), false, e);
    }

    private static void closeAfterFailure(Connection connection, SQLException failure) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static String firstLine(String message) {
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
