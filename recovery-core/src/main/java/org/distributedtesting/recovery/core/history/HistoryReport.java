package org.distributedtesting.recovery.core.history;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the history says, computed in SQL over the {@code failures} and {@code actions} views: failures by type with
 * their median and 95th percentile time to recover, the escalations, the actions by outcome, and the nodes that fail
 * most. Percentiles are DuckDB's {@code quantile_cont} (linear interpolation between the closest ranks) over the
 * {@code time_to_recover_ms} of the failures verified recovered.
 *
 * <p>Immutable and thread-safe.
 *
 * @param records     the records in the database
 * @param first       the time of its oldest record
 * @param last        the time of its newest record
 * @param since       the failures counted were detected at or after this, and the escalations and actions
 *                    happened at or after it; empty: all
 * @param total       every failure counted
 * @param byType      the failures by type, most first
 * @param escalations every escalation, oldest first
 * @param actions     the actions by name and outcome, most first
 * @param nodes       the nodes that fail most, most first, at most {@value #TOP_NODES}
 */
public record HistoryReport(long records, Optional<Instant> first, Optional<Instant> last, Optional<Instant> since,
                            Failures total, List<Failures> byType, List<Escalation> escalations,
                            List<ActionCount> actions, List<NodeCount> nodes) {

    /** How many of the nodes that fail most are listed. */
    public static final int TOP_NODES = 10;

    /** Copies the lists. */
    public HistoryReport {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(total, "total");
        byType = List.copyOf(byType);
        escalations = List.copyOf(escalations);
        actions = List.copyOf(actions);
        nodes = List.copyOf(nodes);
    }

    /**
     * Failures of one type, or of all ({@code type} {@code "all"}).
     *
     * @param type            the failure type ({@code process_crash}, ...), or {@code all}
     * @param failures        how many
     * @param recovered       verified recovered
     * @param cleared         gone without a verified recovery (or only planned, in a dry run)
     * @param escalated       escalated at least once (some were cleared or recovered later)
     * @param open            neither recovered, cleared nor escalated yet
     * @param medianRecoverMs the median time from first seen to verified recovery, of those recovered
     * @param p95RecoverMs    its 95th percentile
     */
    public record Failures(String type, long failures, long recovered, long cleared, long escalated, long open,
                           Optional<Double> medianRecoverMs, Optional<Double> p95RecoverMs) {
    }

    /** An escalation: when, of which failure, on which nodes, and why. */
    public record Escalation(Instant at, String failureId, List<String> nodeIds, String why) {
        /** Copies the list. */
        public Escalation {
            nodeIds = List.copyOf(nodeIds);
        }
    }

    /** How many times an action came to an outcome ({@code done}, {@code failed}, {@code refused}, {@code planned}). */
    public record ActionCount(String action, String outcome, long count) {
    }

    /** How many failures named a node. */
    public record NodeCount(String nodeId, long failures) {
    }

    // before any journal; LocalDateTime.MIN is beyond what a DuckDB timestamp holds
    private static final LocalDateTime BEGINNING = LocalDateTime.of(1, 1, 1, 0, 0);

    private static final String FAILURE_COLUMNS = """
            count(*), count(recovered_at), count(*) FILTER (WHERE outcome IN ('cleared', 'planned_only')),
            count(escalated_at), count(*) FILTER (WHERE outcome = 'open'),
            median(time_to_recover_ms) FILTER (WHERE recovered_at IS NOT NULL),
            quantile_cont(time_to_recover_ms, 0.95) FILTER (WHERE recovered_at IS NOT NULL)""";

    /**
     * The report of {@code database}.
     *
     * @param since count only what happened at or after this; empty: everything
     * @throws HistoryException if the database cannot be read
     */
    public static HistoryReport of(HistoryDatabase database, Optional<Instant> since) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(since, "since");
        LocalDateTime from = since.map(s -> LocalDateTime.ofInstant(s, ZoneOffset.UTC)).orElse(BEGINNING);
        return database.read(c -> {
            long records;
            Optional<Instant> first;
            Optional<Instant> last;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(*), epoch_ms(min(ts)), epoch_ms(max(ts)) FROM records");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                records = rs.getLong(1);
                first = instant(rs, 2);
                last = instant(rs, 3);
            }
            List<Failures> total = failures(c, "SELECT 'all', " + FAILURE_COLUMNS
                    + " FROM failures WHERE detected_at >= ?", from);
            List<Failures> byType = failures(c, "SELECT coalesce(type, '?'), " + FAILURE_COLUMNS
                    + " FROM failures WHERE detected_at >= ? GROUP BY 1 ORDER BY 2 DESC, 1", from);
            return new HistoryReport(records, first, last, since, total.get(0), byType, escalations(c, from),
                    actions(c, from), nodes(c, from));
        });
    }

    private static List<Failures> failures(Connection c, String sql, LocalDateTime from) throws SQLException {
        List<Failures> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Failures(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), decimal(rs, 7), decimal(rs, 8)));
                }
            }
        }
        return rows;
    }

    private static List<Escalation> escalations(Connection c, LocalDateTime from) throws SQLException {
        List<Escalation> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT epoch_ms(ts), failure_id, node_ids, why FROM records"
                + " WHERE action = 'recovery_escalated' AND ts >= ? ORDER BY seq")) {
            s.setObject(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Escalation(Instant.ofEpochMilli(rs.getLong(1)), String.valueOf(rs.getString(2)),
                            strings(rs.getArray(3)), String.valueOf(rs.getString(4))));
                }
            }
        }
        return rows;
    }

    private static List<ActionCount> actions(Connection c, LocalDateTime from) throws SQLException {
        List<ActionCount> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT action, outcome, count(*) FROM actions WHERE ts >= ?"
                + " GROUP BY action, outcome ORDER BY 3 DESC, 1, 2")) {
            s.setObject(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ActionCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
        }
        return rows;
    }

    private static List<NodeCount> nodes(Connection c, LocalDateTime from) throws SQLException {
        List<NodeCount> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT node, count(*) FROM (SELECT unnest(node_ids) AS node"
                + " FROM failures WHERE detected_at >= ?) GROUP BY node ORDER BY 2 DESC, 1 LIMIT " + TOP_NODES)) {
            s.setObject(1, from);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new NodeCount(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        return rows;
    }

    private static Optional<Instant> instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    private static Optional<Double> decimal(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(String::valueOf).toList();
    }
}
