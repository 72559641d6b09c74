package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/node-protocol.md promises a coordinator developer, held by the packaged daemon against three real node
 * processes that embed {@code NodeProtocolServer} and are scripted at run time ({@link ScriptedNode}): which stuck
 * operations a cancel ends, what a data repair needs from a node the daemon starts, and what a node asked for an
 * election while no leader is known does.
 */
class NodeContractIT {

    private static final String TOKEN_ENV = "RECOVERY_CONTROL_TOKEN";
    private static final String TOKEN = "node-contract-token-13";
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2}";

    @TempDir
    Path dir;

    @Test
    void aStuckApplyRestartsTheApplyLoopAndAStuckClientWriteIsCancelled() throws Exception {
        try (StandInCluster cluster = StandInCluster.scripted(dir, 3)) {
            // given node-2 stuck applying an entry and node-3 stuck on a client write, both for two minutes
            String longAgo = Instant.now().minusSeconds(120).toString();
            cluster.setStatus(2, follower(2, 1, "\"operations\":[{\"id\":\"apply-43\",\"kind\":\"apply\","
                    + "\"started_at\":\"" + longAgo + "\"}]"));
            cluster.setStatus(3, follower(3, 1, "\"operations\":[{\"id\":\"write-7\",\"kind\":\"client_write\","
                    + "\"started_at\":\"" + longAgo + "\"}]"));
            cluster.react(2, "{\"restart_stuck_component\": {\"operations\": []}}");
            cluster.react(3, "{\"cancel_deadlocked_operations\": {\"operations\": []}}");
            cluster.start(TOKEN);
            long node2 = cluster.pid(2);

            // when the daemon runs until the cluster is healthy
            runOnce(cluster);

            // then the apply is not cancelled (a cancel cannot end it): node-2's apply loop is restarted instead
            assertThat(cluster.actions(2)).singleElement().asString()
                    .startsWith("restart_stuck_component ").contains("\"component\":\"apply_loop\"");
            assertThat(records("recover_deadlock"))
                    .filteredOn(r -> "deadlock:node-2".equals(r.details().get("failure_id")))
                    .filteredOn(r -> "skipped".equals(r.details().get("outcome"))).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "cancel_blocked_operations"))
                    .satisfies(r -> assertThat((String) r.details().get("detail")).contains("apply-43",
                            "of kind apply", "the next rung restarts the stuck apply loop"));
            // and node-3's client write is cancelled by its id
            assertThat(cluster.actions(3)).containsExactly(
                    "cancel_deadlocked_operations {\"operation_ids\":[\"write-7\"]}");
            assertThat(records("recovery_verified")).extracting(r -> r.details().get("node_ids"))
                    .containsExactlyInAnyOrder(List.of("node-2"), List.of("node-3"));
            // and neither node was restarted
            assertThat(cluster.pid(2)).isEqualTo(node2);
            assertThat(records("restart_node")).isEmpty();
        }
    }

    @Test
    void aDamagedDatabaseOfANodeWithoutMaintenanceCommandIsEscalatedWithoutStoppingTheNode() throws Exception {
        try (StandInCluster cluster = StandInCluster.scripted(dir, 3)) {
            // given node-2, started by the daemon's command and with no maintenance_command, on a damaged database
            cluster.setStatus(2, follower(2, 1, "\"integrity\":{\"database\":{\"status\":\"failed\","
                    + "\"detail\":\"page 7 checksum mismatch\"}}").replace(",\"state_checksum\":{\"value\":"
                    + "\"c0ffee\",\"index\":42}", ""));
            cluster.start(TOKEN);
            long node2 = cluster.pid(2);

            // when the daemon watches it
            try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of(TOKEN_ENV, TOKEN), "--config",
                    cluster.writeConfig(FAST).toString(), "--daemon", "--interval", "1")) {
                awaitRecords(daemon, "recovery_escalated");
                daemon.stop(LIMIT);
                // then it said at its start that such a node's data cannot be repaired
                assertThat(daemon.err() + daemon.out()).contains("node-2", "maintenance_command")
                        .doesNotContain(TOKEN);
            }

            // and the failure is escalated at once, saying why, without stopping the node or asking it anything
            assertThat(records("recovery_escalated")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("reason", "database_corruption"))
                    .satisfies(r -> assertThat(r.toString()).contains(
                            "cannot repair the data of a stopped node without maintenance_command"));
            assertThat(records("stop_node")).isEmpty();
            assertThat(records("restart_node")).isEmpty();
            assertThat(cluster.pid(2)).isEqualTo(node2);
            assertThat(ProcessHandle.of(node2).map(ProcessHandle::isAlive)).contains(true);
            assertThat(cluster.actions(2)).isEmpty();
        }
    }

    @Test
    void aClusterLeftWithoutALeaderIsAskedForAnElectionAndElectsOne() throws Exception {
        try (StandInCluster cluster = StandInCluster.scripted(dir, 3)) {
            // given three followers in term 2 that know no leader and start no election (after a step-down, say)
            for (int i = 1; i <= 3; i++) {
                cluster.setStatus(i, follower(i, 2, "\"elections_started\":0").replace(",\"leader_id\":\"node-1\"",
                        ""));
                cluster.react(i, "{\"resume_elections\": {\"term\": 3, \"leader_id\": \"node-1\""
                        + (i == 1 ? ", \"role\": \"leader\", \"elections_started\": 1" : "") + "}}");
            }
            cluster.start(TOKEN);

            // when the daemon runs until the cluster is healthy
            runOnce(cluster, "\"strategies\": {\"term_divergence\": {\"leaderless_window\": 2}}");

            // then it found the leaderless majority and asked every voter for an election
            assertThat(records("failure_detected")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("reason", "term_divergence"))
                    .satisfies(r -> assertThat(r.toString()).contains("no_leader"));
            for (int i = 1; i <= 3; i++) {
                assertThat(cluster.actions(i)).as("node-%d's actions", i).containsExactly("resume_elections {}");
            }
            assertThat(records("recovery_verified")).hasSize(1);
        }
    }

    /** A follower of node-1 at index 42 in {@code term}, with more status fields ({@code "k":v,...}). */
    private static String follower(int node, int term, String more) {
        return "{\"node_id\":\"node-" + node + "\",\"role\":\"follower\",\"term\":"
                + term + ",\"leader_id\":\"node-1\",\"commit_index\":42,\"applied_index\":42,\"last_log_index\":42,"
                + "\"state_checksum\":{\"value\":\"c0ffee\",\"index\":42}," + more + "}";
    }

    private void runOnce(StandInCluster cluster) throws Exception {
        runOnce(cluster, "");
    }

    /** Runs the daemon with {@code --once} until the cluster is healthy, and requires exit code 0. */
    private void runOnce(StandInCluster cluster, String moreConfig) throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of(TOKEN_ENV, TOKEN), "--config",
                cluster.writeConfig(FAST, moreConfig).toString(), "--once", "--timeout", "60")) {
            assertThat(daemon.exitCode(LIMIT)).as("exit code; stdout:%n%s%nstderr:%n%s", daemon.out(), daemon.err())
                    .isZero();
            assertThat(daemon.out() + daemon.err()).doesNotContain(TOKEN);
        }
    }

    private void awaitRecords(DaemonProcess daemon, String action) throws Exception {
        try {
            await(action).atMost(LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> !records(action).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; stdout:\n" + daemon.out() + "\nstderr:\n" + daemon.err(), e);
        }
    }

    private List<JournalRecord> records(String action) {
        Path journal = dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
        if (!Files.exists(journal)) {
            return List.of();
        }
        return FileRecoveryJournal.read(journal).stream().filter(r -> r.action().equals(action)).toList();
    }
}
