package org.distributedtesting.recovery.core.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database's tables and views (DuckDB SQL). {@code records} holds every journal record; {@code failures} and
 * {@code actions} are views over it, so they can never disagree with it, and filling the database is only ever
 * inserting records.
 *
 * <p>Stateless and thread-safe.
 */
final class HistorySchema {

    static final String RECORDS = """
            CREATE TABLE IF NOT EXISTS records (
                seq                BIGINT PRIMARY KEY,
                hash               VARCHAR NOT NULL,
                ts                 TIMESTAMP NOT NULL,
                action             VARCHAR NOT NULL,
                failure_id         VARCHAR,
                reason             VARCHAR,
                node_id            VARCHAR,
                node_ids           VARCHAR[],
                severity           VARCHAR,
                rung               VARCHAR,
                attempt            BIGINT,
                outcome            VARCHAR,
                resolution         VARCHAR,
                why                VARCHAR,
                time_to_recover_ms BIGINT,
                dry_run            BOOLEAN NOT NULL,
                details            JSON NOT NULL
            )""";

    /**
     * One row per failure: a {@code failure_detected} record opens one, and every later record of the same
     * {@code failure_id} up to the next {@code failure_detected} of that id belongs to it (records of an id seen before
     * any detection, as in a journal that was started mid-way, make a failure of their own).
     */
    static final String FAILURES = """
            CREATE OR REPLACE VIEW failures AS
            WITH numbered AS (
                SELECT *, sum(CASE WHEN action = 'failure_detected' THEN 1 ELSE 0 END)
                              OVER (PARTITION BY failure_id ORDER BY seq
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS occurrence
                FROM records
                WHERE failure_id IS NOT NULL
            ), grouped AS (
                SELECT
                    min(seq) AS failure_seq,
                    failure_id,
                    arg_min(reason, seq) FILTER (WHERE reason IS NOT NULL) AS type,
                    arg_min(node_ids, seq) FILTER (WHERE node_ids IS NOT NULL) AS node_ids,
                    arg_min(severity, seq) FILTER (WHERE severity IS NOT NULL) AS severity,
                    coalesce(min(ts) FILTER (WHERE action = 'failure_detected'), min(ts)) AS detected_at,
                    min(ts) FILTER (WHERE action = 'recovery_verified') AS recovered_at,
                    min(ts) FILTER (WHERE action = 'recovery_escalated') AS escalated_at,
                    min(ts) FILTER (WHERE action = 'failure_cleared') AS cleared_at,
                    arg_min(resolution, seq) FILTER (WHERE action IN ('recovery_verified', 'failure_cleared')
                                                     AND resolution IS NOT NULL) AS resolution,
                    min(time_to_recover_ms) FILTER (WHERE action = 'recovery_verified') AS time_to_recover_ms,
                    count(*) FILTER (WHERE action = 'recovery_escalated') AS escalations,
                    count(*) FILTER (WHERE node_id IS NOT NULL AND outcome IN ('done', 'failed')) AS actions,
                    bool_or(action = 'failure_cleared' AND outcome = 'planned_only') AS planned_only
                FROM numbered
                GROUP BY failure_id, occurrence
            )
            SELECT failure_seq, failure_id, type, node_ids, severity, detected_at, recovered_at, escalated_at,
                   cleared_at, resolution, time_to_recover_ms, escalations, actions,
                   CASE WHEN recovered_at IS NOT NULL THEN 'recovered'
                        WHEN planned_only THEN 'planned_only'
                        WHEN cleared_at IS NOT NULL THEN 'cleared'
                        WHEN escalated_at IS NOT NULL THEN 'escalated'
                        ELSE 'open' END AS outcome
            FROM grouped""";

    /** One row per action that went through the guards (done, failed, refused, or planned in a dry run). */
    static final String ACTIONS = """
            CREATE OR REPLACE VIEW actions AS
            SELECT seq, ts, action, node_id, outcome, failure_id, reason AS type, rung, attempt, dry_run, why,
                   details->>'detail' AS detail
            FROM records
            WHERE node_id IS NOT NULL AND rung IS NOT NULL AND outcome IN ('done', 'failed', 'refused', 'planned')""";

    private HistorySchema() {
    }

    /** Creates the table if it is missing, and (re)creates the views. */
    static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String ddl : List.of(RECORDS, FAILURES, ACTIONS)) {
                statement.execute(ddl);
            }
        }
    }
}
