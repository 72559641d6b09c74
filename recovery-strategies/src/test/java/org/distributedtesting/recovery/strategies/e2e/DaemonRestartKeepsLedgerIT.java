package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's own restart wiped its memory: with {@code max_restart_attempts} 2, four daemon runs gave 8 restarts
 * and 4 quarantines of one node, so under systemd's {@code Restart=on-failure} (or any crash of the daemon) a crash
 * loop was no longer bounded. The real daemon, killed and started again on one recovery directory, keeps the attempt
 * budget, the backoff, the quarantine with its half-open time, and the action budget, from its journal.
 */
class DaemonRestartKeepsLedgerIT {

    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /**
     * Fast cycles, and a backoff of 3 s between restarts, so that a daemon killed right after its first restart of a
     * node has had no time for a second.
     */
    private static String options(int maxRestartAttempts, String more) {
        return "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1, \"verify_timeout\": 60,"
                + " \"backoff_initial\": 3, \"backoff_max\": 3, \"max_restart_attempts\": " + maxRestartAttempts
                + ", " + more + "}";
    }

    private Path journalFile() {
        return dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
    }

    private List<JournalRecord> records(String action) {
        if (!Files.exists(journalFile())) {
            return List.of();
        }
        return FileRecoveryJournal.read(journalFile()).stream().filter(r -> r.action().equals(action)).toList();
    }

    private DaemonProcess daemon(Path config, String... mode) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        args.addAll(List.of(mode));
        return DaemonProcess.start(dir, args.toArray(String[]::new));
    }

    /** Waits until the journal holds {@code count} records of {@code action}; fails with the daemon's output. */
    private void awaitRecords(String action, int count, DaemonProcess daemon) throws IOException {
        try {
            await(count + " " + action).atMost(RUN_LIMIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> records(action).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; stdout:\n" + daemon.out() + "\nstderr:\n" + daemon.err(), e);
        }
    }

    private StandInCluster crashLoopingNode2(StandInCluster cluster) throws Exception {
        cluster.start();
        cluster.refuseToStart(2, "cannot open database db/state.db: file is not a database");
        cluster.kill(2);
        return cluster;
    }

    @Test
    void aCrashLoopingNodeIsRestartedMaxRestartAttemptsTimesInAllOverFourDaemonRunsAndStaysQuarantined()
            throws Exception {
        try (StandInCluster cluster = crashLoopingNode2(new StandInCluster(dir, 3, -1))) {
            // Given a node that dies right after every start, and max_restart_attempts 2
            Path config = cluster.writeConfig(options(2, "\"quarantine_retry_after\": 0"));
            List<Integer> restartsPerRun = new ArrayList<>();

            // When the daemon is killed with SIGKILL right after its first restart of the node,
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                awaitRecords("restart_node", 1, run);
                run.crash();
            }
            restartsPerRun.add(records("restart_node").size());
            // its journal left ending in half a line, as a kill in the middle of an append leaves it,
            Files.writeString(journalFile(), "{\"timestamp\":\"2026-", StandardOpenOption.APPEND);
            // started again, and stopped with SIGTERM once it has quarantined the node,
            String secondLog;
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                awaitRecords("node_quarantined", 1, run);
                run.stop(RUN_LIMIT);
                secondLog = run.err();
            }
            restartsPerRun.add(records("restart_node").size() - restartsPerRun.get(0));
            // and run twice more, until it has nothing left to do
            List<String> laterOuts = new ArrayList<>();
            List<String> laterLogs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int before = records("restart_node").size();
                try (DaemonProcess run = daemon(config, "--once", "--timeout", "30")) {
                    assertThat(run.exitCode(RUN_LIMIT)).as(run.out()).isEqualTo(1);
                    laterOuts.add(run.out());
                    laterLogs.add(run.err());
                }
                restartsPerRun.add(records("restart_node").size() - before);
            }
            System.out.println("restarts of node-2 per daemon run: " + restartsPerRun);
            secondLog.lines().filter(l -> l.contains("torn line") || l.contains("restored from journal"))
                    .forEach(l -> System.out.println("second run: " + l));

            // Then the node was restarted twice in all, and quarantined once
            assertThat(restartsPerRun).as("restarts of node-2 per daemon run").containsExactly(1, 1, 0, 0);
            List<JournalRecord> quarantined = records("node_quarantined");
            assertThat(quarantined).hasSize(1);
            assertThat(records("recovery_escalated")).singleElement().satisfies(r -> assertThat(
                    (String) r.details().get("why")).contains("max_restart_attempts (2)", "exited with code 2"));
            // the second run set the torn line aside and said what it restored
            assertThat(secondLog).contains("torn line", "restored from journal",
                    "1 attempt for process_crash on 'node-2'");
            // and the later runs found the node quarantined since the second run quarantined it
            String since = "'node-2' quarantined since "
                    + quarantined.get(0).timestamp().truncatedTo(ChronoUnit.MILLIS);
            assertThat(laterLogs).allSatisfy(log -> assertThat(log).contains("restored from journal", since));
            assertThat(laterOuts).allSatisfy(out -> assertThat(out)
                    .contains("quarantined (needs an operator): [node-2]"));
        }
    }

    @Test
    void aQuarantinedNodeHalfOpensAtItsOwnRetryTimeAfterTheDaemonRestarts() throws Exception {
        try (StandInCluster cluster = crashLoopingNode2(new StandInCluster(dir, 3, -1))) {
            // Given the node quarantined by a daemon killed right after, with quarantine_retry_after 15 s
            Path config = cluster.writeConfig(options(2, "\"quarantine_retry_after\": 15"));
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                awaitRecords("node_quarantined", 1, run);
                run.crash();
            }
            Instant quarantinedAt = records("node_quarantined").get(0).timestamp();
            assertThat(records("restart_node")).hasSize(2);

            // When the daemon runs again once before the retry time, and then for good 5 s after the quarantine
            try (DaemonProcess run = daemon(config, "--once", "--timeout", "30")) {
                assertThat(run.exitCode(RUN_LIMIT)).as(run.out()).isEqualTo(1);
            }
            assertThat(records("restart_node")).as("restarts before the retry time").hasSize(2);
            await("5 s after the quarantine").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Instant.now().isAfter(quarantinedAt.plusSeconds(5)));
            Instant lastStart = Instant.now();
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                awaitRecords("node_quarantined", 2, run);
                run.stop(RUN_LIMIT);
            }

            // Then it half-opened 15 s after it was quarantined, not 15 s after the daemon started again, and its one
            // more restart quarantined it again
            JournalRecord halfOpen = records("node_half_open").get(0);
            System.out.println("quarantined at " + quarantinedAt + ", daemon started again at " + lastStart
                    + ", half-open at " + halfOpen.timestamp());
            assertThat(halfOpen.timestamp()).isBetween(quarantinedAt.plusSeconds(15), quarantinedAt.plusSeconds(18))
                    .isBefore(lastStart.plusSeconds(15));
            List<JournalRecord> restarts = records("restart_node");
            assertThat(restarts).hasSize(3);
            assertThat(restarts.get(2).timestamp()).isAfterOrEqualTo(halfOpen.timestamp());
        }
    }

    @Test
    void anActionBudgetSpentBeforeTheDaemonRestartsStaysSpent() throws Exception {
        try (StandInCluster cluster = crashLoopingNode2(new StandInCluster(dir, 3, -1))) {
            // Given a budget of one action per 600 s, spent on a restart by a daemon killed after it said so
            Path config = cluster.writeConfig(options(5, "\"action_budget\": 1, \"action_budget_window\": 600"));
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                awaitRecords("action_budget_exhausted", 1, run);
                run.crash();
            }
            assertThat(records("restart_node")).hasSize(1);

            // When the daemon runs again, until it holds the node's recovery back
            Instant started = Instant.now();
            String log;
            try (DaemonProcess run = daemon(config, "--daemon", "--interval", "1")) {
                try {
                    await("a hold by the action budget").atMost(RUN_LIMIT).pollInterval(Duration.ofMillis(50))
                            .until(() -> records("recovery_deferred").stream().anyMatch(r -> !r.timestamp()
                                    .isBefore(started) && "action_budget".equals(r.details().get("guard"))));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(e.getMessage() + "; stderr:\n" + run.err(), e);
                }
                run.stop(RUN_LIMIT);
                log = run.err();
            }

            // Then it restarted nothing, and did not alert the spent budget a second time within its window
            assertThat(records("restart_node")).hasSize(1);
            assertThat(records("action_budget_exhausted")).hasSize(1);
            assertThat(log).contains("1 of 1 actions of the action budget spent in the last 600 s");
        }
    }
}
