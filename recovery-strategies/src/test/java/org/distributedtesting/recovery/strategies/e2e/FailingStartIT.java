package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that died right after every start (its database would not open: exit code 2 within milliseconds) sat in
 * restarts for 5 1/2 minutes: each restart was reported done and then waited the whole verify_timeout, and the
 * escalation never named the cause. Each start that fails fails its rung in the next cycle, with the exit code and
 * the last lines of the node's output in the journal and in the escalation.
 */
class FailingStartIT {

    private static final String OPTIONS = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 60, \"backoff_initial\": 1, \"backoff_max\": 1, \"max_restart_attempts\": 3,"
            + " \"quarantine_retry_after\": 0}";

    @TempDir
    Path dir;

    @Test
    void aNodeThatDiesRightAfterEveryStartIsEscalatedWithinSecondsNamingItsExitCodeAndOutput() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // Given a node killed, whose every later start fails at once
            cluster.start();
            Path config = cluster.writeConfig(OPTIONS);
            cluster.refuseToStart(2, "cannot open database db/state.db: file is not a database");
            cluster.kill(2);

            // When the daemon runs until nothing more can be done
            String out;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "120")) {
                assertThat(daemon.exitCode(Duration.ofSeconds(150))).isEqualTo(1);
                out = daemon.out();
            }

            // Then three restarts failed fast, and the escalation came long before one verify_timeout had passed
            List<JournalRecord> journal = FileRecoveryJournal.read(
                    dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
            List<JournalRecord> failed = journal.stream().filter(r -> r.action().equals("recovery_rung_failed"))
                    .toList();
            assertThat(failed).as(out).hasSize(3).allSatisfy(r -> assertThat((String) r.details().get("why"))
                    .contains("exited with code 2", "cannot open database db/state.db: file is not a database"));
            JournalRecord escalated = journal.stream().filter(r -> r.action().equals("recovery_escalated"))
                    .findFirst().orElseThrow(() -> new AssertionError("no escalation:\n" + out));
            JournalRecord firstRestart = journal.stream().filter(r -> r.action().equals("restart_node")).findFirst()
                    .orElseThrow();
            assertThat(Duration.between(firstRestart.timestamp(), escalated.timestamp()))
                    .isLessThan(Duration.ofSeconds(60));
            assertThat((String) escalated.details().get("why")).contains("max_restart_attempts (3)",
                    "exited with code 2", "file is not a database");
            assertThat(out).contains("ESCALATED  process_crash:node-2");
        }
    }
}
