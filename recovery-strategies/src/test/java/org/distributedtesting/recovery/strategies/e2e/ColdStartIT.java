package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon started with a node not running yet starts it at once, as a start and not a crash recovery;
 * and {@code --once} does not call a cluster healthy while a failure it has seen is not yet confirmed.
 */
class ColdStartIT {

    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2}";

    @TempDir
    Path dir;

    @Test
    void startsANodeNotRunningWhenTheDaemonStartsWithANodeStartedRecordAndNoCrashRecovery() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // given node-1 and node-3 running, and node-2 never started
            cluster.startAllBut(2);
            Path config = cluster.writeConfig(FAST);
            // when the daemon runs once
            String out;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "60")) {
                int exit = daemon.exitCode(Duration.ofSeconds(90));
                out = daemon.out();
                assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, daemon.err()).isZero();
            }
            // then node-2 was started at once, as a start: no process_crash, no attempt
            assertThat(out).contains("STARTED    'node-2': done", "healthy after").doesNotContain("process_crash");
            List<JournalRecord> journal = FileRecoveryJournal.read(
                    dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
            assertThat(journal).filteredOn(r -> r.action().equals("node_started")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("node_id", "node-2")
                            .containsEntry("outcome", "done").doesNotContainKey("reason")
                            .satisfies(d -> assertThat((String) d.get("why")).contains("not running when the daemon"
                                    + " started")));
            assertThat(journal).extracting(JournalRecord::action)
                    .doesNotContain("failure_detected", "restart_node", "recovery_attempted");
            try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
                assertThat(probe.probe(cluster.node(2), Duration.ofSeconds(2)).appliedIndex()).isEqualTo(42);
            }
        }
    }

    @Test
    void onceDoesNotCallAFullDiskHealthyBeforeItIsConfirmed() throws Exception {
        // given node-3 reporting its disk at 95 %, which the detector reports only after sustain_cycles answers
        Path answer = Files.writeString(dir.resolve("node-3-status.json"), "{\"node_id\":\"node-3\","
                + "\"role\":\"follower\",\"term\":1,\"leader_id\":\"node-1\",\"commit_index\":42,"
                + "\"applied_index\":42,\"last_log_index\":42,\"state_checksum\":{\"value\":\"c0ffee\",\"index\":42},"
                + "\"resources\":{\"disk_used\":95,\"disk_limit\":100}}");
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3, List.of("--answer", answer.toString()))) {
            cluster.start();
            Path config = cluster.writeConfig(FAST);
            // when the daemon runs once, with less time than it takes to confirm and recover
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "0.5")) {
                int exit = daemon.exitCode(Duration.ofSeconds(60));
                String out = daemon.out();
                // then it is not healthy: it exits non-zero and lists the failure
                assertThat(out).as("stderr:%n%s", daemon.err()).doesNotContain("healthy after 1 cycles")
                        .contains("failures remain after", "resource_exhaustion:node-3", "disk at 95%");
                assertThat(exit).isEqualTo(1);
            }
        }
    }
}
