package org.distributedtesting.recovery.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history database: filled from journal records, idempotently, and rebuilt when it is not the journal's. */
class HistoryDatabaseTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    static Failure crash(String node) {
        return new Failure(FailureType.PROCESS_CRASH, List.of(NodeId.of(node)), Severity.MEDIUM,
                "'" + node + "' crashed", Map.of("reachable", false), false);
    }

    /** A crash of {@code node} at {@code start} seconds: detected, restarted, verified {@code seconds} later. */
    static List<JournalRecord> recoveredCrash(String node, long start, long seconds) {
        Failure f = crash(node);
        Instant at = T0.plusSeconds(start);
        List<RecoveryEvent> events = List.of(
                new RecoveryEvent.FailureConfirmed(at, f, 2, at.minusSeconds(1)),
                new RecoveryEvent.ActionTaken(at, f, new Action.Restart(NodeId.of(node)),
                        new ActionResult.Done("restarted", Map.of("pid", 42L)), "process dead", "restart", 1,
                        Optional.empty(), Optional.empty(), false),
                new RecoveryEvent.RungAttempted(at, f, "restart", 1, RungResult.acted("restarted"),
                        "recovery_attempted", false, false),
                new RecoveryEvent.RecoveryVerified(at.plusSeconds(seconds), f, "restart",
                        Duration.ofSeconds(seconds + 1)));
        return events.stream().map(e -> JournalRecords.of(e).orElseThrow()).toList();
    }

    static List<JournalRecord> escalatedCrash(String node, long start) {
        Failure f = crash(node);
        Instant at = T0.plusSeconds(start);
        List<RecoveryEvent> events = List.of(
                new RecoveryEvent.FailureConfirmed(at, f, 2, at),
                new RecoveryEvent.ActionTaken(at, f, new Action.Restart(NodeId.of(node)),
                        new ActionResult.Failed("exited with code 2"), "process dead", "restart", 1,
                        Optional.empty(), Optional.empty(), false),
                new RecoveryEvent.RungFailed(at, f, "restart", "exited with code 2"),
                new RecoveryEvent.Escalated(at.plusSeconds(5), f, f.nodes(), "max_restart_attempts (1) reached"),
                new RecoveryEvent.NodeQuarantined(at.plusSeconds(5), NodeId.of(node), f,
                        "max_restart_attempts (1) reached"));
        return events.stream().map(e -> JournalRecords.of(e).orElseThrow()).toList();
    }

    static List<JournalRecord> journal() {
        List<JournalRecord> records = new ArrayList<>();
        records.addAll(recoveredCrash("node-1", 0, 2));
        records.addAll(escalatedCrash("node-2", 10));
        records.addAll(recoveredCrash("node-1", 60, 4));
        return records;
    }

    @Test
    void catchingUpTwiceInsertsEachRecordOnce() {
        List<JournalRecord> journal = journal();
        try (HistoryDatabase db = HistoryDatabase.open(dir.resolve("h.duckdb"))) {
            assertThat(db.catchUp(journal.subList(0, 5))).isEqualTo(5);
            assertThat(db.catchUp(journal)).isEqualTo(journal.size() - 5);
            assertThat(db.catchUp(journal)).isZero();

            assertThat(db.size()).isEqualTo(journal.size());
        }
    }

    @Test
    void insertingARecordAgainAtItsPositionChangesNothing() {
        List<JournalRecord> journal = journal();
        try (HistoryDatabase db = HistoryDatabase.inMemory()) {
            db.catchUp(journal);

            db.insert(3, journal.get(2));
            db.insert(3, journal.get(0));

            assertThat(db.size()).isEqualTo(journal.size());
            assertThat(hashAt(db, 3)).isEqualTo(HistoryRow.hash(journal.get(2)));
        }
    }

    @Test
    void aDeletedDatabaseIsBuiltAgainFromTheJournal() throws Exception {
        List<JournalRecord> journal = journal();
        Path file = dir.resolve("sub").resolve("h.duckdb");
        try (HistoryDatabase db = HistoryDatabase.open(file)) {
            db.catchUp(journal);
        }
        try (var files = Files.list(file.getParent())) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }

        try (HistoryDatabase db = HistoryDatabase.open(file)) {
            assertThat(db.size()).isZero();
            assertThat(db.catchUp(journal)).isEqualTo(journal.size());
            assertThat(failures(db)).isEqualTo(3);
        }
    }

    @Test
    void aDatabaseOfAnotherJournalIsEmptiedAndFilledFromThisOne() {
        List<JournalRecord> before = journal();
        List<JournalRecord> replaced = recoveredCrash("node-3", 500, 1);
        try (HistoryDatabase db = HistoryDatabase.inMemory()) {
            db.catchUp(before);

            assertThat(db.catchUp(replaced)).isEqualTo(replaced.size());

            assertThat(db.size()).isEqualTo(replaced.size());
            assertThat(hashAt(db, 1)).isEqualTo(HistoryRow.hash(replaced.get(0)));
        }
    }

    @Test
    void theViewsHoldOneFailurePerDetectionAndOneActionPerActionRecord() {
        try (HistoryDatabase db = HistoryDatabase.inMemory()) {
            db.catchUp(journal());

            List<String> rows = db.read(c -> {
                List<String> out = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT failure_id, type,"
                        + " outcome, resolution, time_to_recover_ms, node_ids[1] FROM failures ORDER BY failure_seq")) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                                + rs.getString(4) + " " + rs.getObject(5) + " " + rs.getString(6));
                    }
                }
                return out;
            });
            assertThat(rows).containsExactly(
                    "process_crash:node-1 process_crash recovered restart 3000 node-1",
                    "process_crash:node-2 process_crash escalated null null node-2",
                    "process_crash:node-1 process_crash recovered restart 5000 node-1");
            assertThat(count(db, "SELECT count(*) FROM actions WHERE action = 'restart_node'")).isEqualTo(3);
            assertThat(count(db, "SELECT count(*) FROM actions WHERE outcome = 'failed'")).isEqualTo(1);
        }
    }

    @Test
    void aRecordOfThePreviousSpellingIsIndexedInTheCurrentOne() {
        JournalRecord previous = new JournalRecord(T0, "node_quarantined",
                Map.of("node", "node-2", "reason", "too many restarts", "failure_id", "process_crash:node-2"));
        try (HistoryDatabase db = HistoryDatabase.inMemory()) {
            db.catchUp(List.of(previous));

            assertThat(count(db, "SELECT count(*) FROM records WHERE node_id = 'node-2'"
                    + " AND why = 'too many restarts' AND details->>'node_id' = 'node-2'")).isEqualTo(1);
            assertThat(hashAt(db, 1)).isEqualTo(HistoryRow.hash(previous));
        }
    }

    @Test
    void aFileThatIsNoDatabaseIsAClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("not.duckdb"), "hello, this is not a database\n".repeat(200));

        assertThatThrownBy(() -> HistoryDatabase.open(file)).isInstanceOf(HistoryException.class)
                .hasMessageContaining("cannot open history database " + file)
                .satisfies(e -> assertThat(((HistoryException) e).held()).isFalse());
    }

    @Test
    void theJournalLineIsTheSameForARecordAndTheRecordReadBack() throws Exception {
        List<JournalRecord> journal = journal();
        try (FileRecoveryJournal file = FileRecoveryJournal.open(dir)) {
            journal.forEach(file::append);
        }
        List<JournalRecord> back = FileRecoveryJournal.read(dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));

        assertThat(back).extracting(HistoryRow::hash)
                .containsExactlyElementsOf(journal.stream().map(HistoryRow::hash).toList());
    }

    static long count(HistoryDatabase db, String sql) {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static long failures(HistoryDatabase db) {
        return count(db, "SELECT count(*) FROM failures");
    }

    static String hashAt(HistoryDatabase db, long seq) {
        return db.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT hash FROM records WHERE seq = " + seq)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }
}
