package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon against three real stand-in node processes, one killed with SIGKILL. */
class CrashRecoveryIT {

    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2}";

    @TempDir
    Path dir;

    @Test
    void restartsANodeKilledWithSigkillAndJournalsTheRestartWithNodeReasonAndPid() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // given three running nodes
            cluster.start();
            Path config = cluster.writeConfig(FAST);
            // when node-2 is killed with SIGKILL
            long killed = cluster.kill(2);
            // and the daemon runs once
            int exit;
            String out;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "60")) {
                exit = daemon.exitCode(Duration.ofSeconds(90));
                out = daemon.out();
                assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, daemon.err()).isZero();
            }
            // then the crash was detected, node-2 restarted with a new pid, and verified
            assertThat(out).contains("DETECTED   process_crash:node-2", "RECOVERED  process_crash:node-2",
                    "healthy after");
            List<JournalRecord> journal = FileRecoveryJournal.read(
                    dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
            JournalRecord restart = journal.stream().filter(r -> r.action().equals("restart_node")).findFirst()
                    .orElseThrow(() -> new AssertionError("no restart_node in " + journal));
            long newPid = cluster.pid(2);
            assertThat(newPid).isNotEqualTo(killed);
            assertThat(restart.details()).containsEntry("node_id", "node-2").containsEntry("pid", newPid)
                    .containsEntry("outcome", "done").containsEntry("reason", "process_crash");
            assertThat((String) restart.details().get("why")).contains("process crashed");
            assertThat(journal).extracting(JournalRecord::action)
                    .containsSubsequence("failure_detected", "restart_node", "recovery_verified");
            try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
                assertThat(probe.probe(cluster.node(2), Duration.ofSeconds(2)).appliedIndex()).isEqualTo(42);
            }
            assertThat(dir.resolve("recovery").resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME)).exists();
        }
    }

    @Test
    void exitsZeroAtOnceForAHealthyCluster() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            cluster.start();
            Path config = cluster.writeConfig(FAST);
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once")) {
                assertThat(daemon.exitCode(Duration.ofSeconds(60))).isZero();
                assertThat(daemon.out()).contains("healthy after 1 cycles");
            }
        }
    }

    @Test
    void dryRunPlansTheRestartAndLeavesTheNodeDown() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            cluster.start();
            Path config = cluster.writeConfig(FAST);
            long killed = cluster.kill(2);
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--dry-run", "--timeout", "5")) {
                assertThat(daemon.exitCode(Duration.ofSeconds(60))).isEqualTo(1);
                assertThat(daemon.out()).contains("dry run", "ACTION     restart_node on 'node-2': planned");
            }
            assertThat(cluster.pid(2)).isEqualTo(killed);
        }
    }
}
