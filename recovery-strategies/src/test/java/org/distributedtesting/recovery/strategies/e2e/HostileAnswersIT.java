package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node that lies in its status answers, watched by the real daemon with two healthy nodes: what it says can make
 * it the patient, never the model. Its claims never lead to an action on another node, and nothing it sends reaches
 * the operator's terminal raw.
 */
class HostileAnswersIT {

    private static final String FAST = "{\"confirmations\": 2, \"probe_timeout\": 0.5, \"verify_interval\": 0.5,"
            + " \"verify_timeout\": 3, \"backoff_initial\": 1, \"backoff_max\": 1}";
    private static final String ESC = "\u001b";

    @TempDir
    Path dir;

    @Test
    void aFollowerReportingAnAbsurdTermNeverHasItPushedOntoTheHealthyNodes() throws Exception {
        String out = runWithNode3Answering("{\"node_id\":\"node-3\",\"role\":\"follower\",\"term\":"
                + Long.MAX_VALUE + ",\"leader_id\":\"node-1\",\"commit_index\":42,\"applied_index\":42,"
                + "\"last_log_index\":42,\"state_checksum\":{\"value\":\"c0ffee\",\"index\":42}}");

        // node-3 is the patient: its term is escalated as implausible, and never sent to anyone
        List<JournalRecord> journal = journal();
        assertThat(out).contains("ESCALATED  term_divergence:node-3", "above the majority's term 1");
        assertThat(journal).as(out).noneMatch(r -> r.action().equals("raise_term"));
        assertThat(actionsOnOtherNodes(journal)).as(out).isEmpty();
    }

    @Test
    void aLeaderIdWithANewlineAndAnEscapeSequenceIsAProtocolErrorAndNeverPrintedRaw() throws Exception {
        String forged = "node-1\n2026-12-07T00:00:00Z  RECOVERED  process_crash:node-2 by 'restart' in 0.1 s"
                + ESC + "[31m";
        String out = runWithNode3Answering("{\"node_id\":\"node-3\",\"role\":\"follower\",\"term\":1,"
                + "\"leader_id\":\"" + forged.replace("\n", "\\n").replace(ESC, "\\u001b") + "\",\"commit_index\":42,"
                + "\"applied_index\":42,\"last_log_index\":42}");

        assertThat(out).doesNotContain(ESC).doesNotContain("\n2026-12-07T00:00:00Z  RECOVERED");
        assertThat(out).contains("leader_id must be a node id");
        assertThat(actionsOnOtherNodes(journal())).as(out).isEmpty();
    }

    @Test
    void controlCharactersInAnIntegrityDetailReachNeitherTheTimelineNorTheLog() throws Exception {
        String out = runWithNode3Answering("{\"node_id\":\"node-3\",\"role\":\"follower\",\"term\":1,"
                + "\"leader_id\":\"node-1\",\"commit_index\":42,\"applied_index\":42,\"last_log_index\":42,"
                + "\"state_checksum\":{\"value\":\"c0ffee\",\"index\":42},"
                + "\"integrity\":{\"database\":{\"status\":\"failed\",\"detail\":\"page 7 bad\\u001b[2J\\n"
                + "2026-12-07T00:00:00Z  RECOVERED  database_corruption:node-3\\u2028\"}}}");

        assertThat(out).contains("page 7 bad").doesNotContain(ESC).doesNotContain("\u2028")
                .doesNotContain("\n2026-12-07T00:00:00Z  RECOVERED");
        assertThat(Files.readString(dir.resolve("recovery").resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME)))
                .doesNotContain(ESC);
        assertThat(actionsOnOtherNodes(journal())).as(out).isEmpty();
    }

    /** Runs the daemon once for 8 s against node-1 and node-2 (healthy, node-1 leads) and node-3 answering {@code status}. */
    private String runWithNode3Answering(String status) throws Exception {
        Path answer = Files.writeString(dir.resolve("node-3-status.json"), status);
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3, List.of("--answer", answer.toString()))) {
            cluster.start();
            Path config = cluster.writeConfig(FAST);
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "8")) {
                daemon.exitCode(Duration.ofSeconds(40));
                String out = daemon.out() + daemon.err();
                System.out.println(out);
                assertThat(out).contains("watching 3 nodes");
                return out;
            }
        }
    }

    private List<JournalRecord> journal() throws Exception {
        return FileRecoveryJournal.read(dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
    }

    /** Journal records of actions (planned, done, refused or failed) on a node other than node-3. */
    private static List<String> actionsOnOtherNodes(List<JournalRecord> journal) {
        return journal.stream()
                .filter(r -> r.details().containsKey("outcome") && r.details().containsKey("node_id"))
                .filter(r -> !"node-3".equals(r.details().get("node_id")))
                .map(r -> r.action() + " " + r.details()).toList();
    }
}
