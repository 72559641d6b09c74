package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.sqlite.SQLiteConfig;

/**
 * The tasks one node's database holds, every row counted (a multiset, not a set), with the applied index it was
 * read at: what the {@link HistoryChecker} compares with the clients' {@link History}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param node         the node
 * @param appliedIndex the log index the database had applied when it was read
 * @param rows         every task row, in the database's order
 */
public record NodeTasks(String node, long appliedIndex, List<Row> rows) {

    /**
     * One row of the {@code tasks} table, by the two keys that name a submission: the task id (the primary key)
     * and the payload, which the writer derives from the id.
     *
     * @param id      the task id
     * @param payload the payload as stored
     */
    public record Row(String id, String payload) {

        /** @throws NullPointerException if an argument is null */
        public Row {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** @throws NullPointerException if an argument is null */
    public NodeTasks {
        Objects.requireNonNull(node, "node");
        rows = List.copyOf(rows);
    }

    /**
     * Reads every task row of a node's database through a read-only connection.
     *
     * @param appliedIndex the index the caller knows the database to be at (it does not change while nothing writes)
     * @throws SQLException if the database cannot be read
     */
    public static NodeTasks read(String node, long appliedIndex, Path database) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        List<Row> rows = new ArrayList<>();
        try (Connection c = config.createConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, payload FROM tasks")) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2)));
            }
        }
        return new NodeTasks(node, appliedIndex, rows);
    }
}
