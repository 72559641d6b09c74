package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.strategies.cli.JournalNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon with a {@code history_database}, against real stand-in nodes: killed with SIGKILL mid-run (its
 * database then lags the journal by the records still queued), two more inserts lost as when the kill falls between
 * the journal's append and the database's insert, and started again, it leaves a database that holds exactly the
 * journal's records; {@code report} then prints the journal's numbers.
 */
class HistoryDaemonIT {

    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
    private static final String OPTIONS = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 60, \"backoff_initial\": 1, \"backoff_max\": 1, \"max_restart_attempts\": 2}";

    @TempDir
    Path dir;

    private Path journalFile() {
        return dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
    }

    private Path database() {
        return dir.resolve("recovery").resolve("recovery.duckdb");
    }

    private List<JournalRecord> journal() {
        return Files.exists(journalFile()) ? FileRecoveryJournal.read(journalFile()) : List.of();
    }

    private static String sha256(String line) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(line.getBytes(StandardCharsets.UTF_8)));
    }

    /** The journal's records as the database should hold them: "seq hash", the hash the SHA-256 of the line. */
    private List<String> expectedRows() throws Exception {
        List<String> expected = new ArrayList<>();
        List<JournalRecord> records = journal();
        for (int i = 0; i < records.size(); i++) {
            expected.add((i + 1) + " " + sha256(FileRecoveryJournal.line(records.get(i))));
        }
        return expected;
    }

    /** The database's records as "seq hash", in order. */
    private List<String> databaseRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, hash FROM records ORDER BY seq")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2));
            }
        }
        return rows;
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database());
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aDaemonKilledBetweenJournalAndDatabaseLeavesThemAgreeingOnceStartedAgain() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // Given a node that dies right after every start, and a daemon with a history database
            cluster.start();
            cluster.refuseToStart(2, "cannot open database db/state.db: file is not a database");
            cluster.kill(2);
            Path config = cluster.writeConfig(OPTIONS, "\"history_database\": \"recovery/recovery.duckdb\"");

            // When the daemon is killed with SIGKILL once it has restarted the node twice
            try (DaemonProcess run = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1")) {
                try {
                    await("two restarts").atMost(RUN_LIMIT).pollInterval(Duration.ofMillis(50))
                            .until(() -> journal().stream().filter(r -> r.action().equals("restart_node")).count()
                                    >= 2);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(e.getMessage() + "; stderr:\n" + run.err(), e);
                }
                run.crash();
            }
            // (the database then holds the journal's first records, those indexed before the kill), and its last
            // two inserts are lost, as when the kill falls between the journal and the database
            int journaled = journal().size();
            List<String> indexed = databaseRows();
            assertThat(expectedRows().subList(0, journaled)).startsWith(indexed.toArray(String[]::new));
            execute("DELETE FROM records WHERE seq > (SELECT max(seq) - 2 FROM records)");

            // and it runs again until it has nothing left to do (the node ends quarantined)
            try (DaemonProcess run = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "30")) {
                assertThat(run.exitCode(RUN_LIMIT)).as("stderr:%n%s", run.err()).isEqualTo(1);
                assertThat(run.err()).contains("caught up with the journal")
                        .doesNotContain("failed; the journal has every record");
            }

            // Then the database holds each journal record once, at its position, with the hash of its line
            List<JournalRecord> records = journal();
            assertThat(records.size()).isGreaterThan(journaled);
            assertThat(records).extracting(JournalRecord::action).contains("recovery_escalated", "node_quarantined");
            assertThat(databaseRows()).containsExactlyElementsOf(expectedRows());

            // and the report from the database prints the journal's numbers
            try (DaemonProcess report = DaemonProcess.start(dir, "report", "--config", config.toString(),
                    "--format", "json")) {
                assertThat(report.exitCode(RUN_LIMIT)).as("stderr:%n%s", report.err()).isZero();
                JournalNumbers.of(journalFile(), Instant.MIN).assertSameAs(new ObjectMapper().readTree(report.out()));
            }

            // and while a running daemon holds the database, report says so and reports from the journal
            try (DaemonProcess run = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1")) {
                await("the daemon's database open").atMost(RUN_LIMIT).pollInterval(Duration.ofMillis(50))
                        .until(() -> run.err().contains("caught up with the journal"));
                try (DaemonProcess report = DaemonProcess.start(dir, "report", "--config", config.toString(),
                        "--format", "json")) {
                    assertThat(report.exitCode(RUN_LIMIT)).as("stderr:%n%s", report.err()).isZero();
                    assertThat(report.err()).contains("recovery.duckdb is in use by the daemon; reporting from the"
                            + " journal");
                    assertThat(new ObjectMapper().readTree(report.out()).get("records").asLong())
                            .isGreaterThanOrEqualTo(records.size());
                }
                run.stop(RUN_LIMIT);
            }
        }
    }
}
