package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes died with the daemon's process group: a SIGTERM to a wrapper ({@code timeout}, a shell, systemd's default
 * {@code KillMode=control-group}) took all three nodes down with the daemon. The real daemon, started in a process
 * group of its own, starts three stand-in nodes; its whole group is sent SIGTERM; the nodes run on, each with the
 * control token the daemon gave it, and the next daemon adopts them.
 */
class DaemonProcessGroupIT {

    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 30, \"backoff_initial\": 1, \"backoff_max\": 2, \"max_restart_attempts\": 5}";
    private static final String TOKEN_ENV = "RECOVERY_CONTROL_TOKEN";
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void signallingTheDaemonsProcessGroupLeavesItsNodesRunningAndTheNextDaemonAdoptsThem() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // Given a daemon in a process group of its own that started the three nodes itself
            Path config = cluster.writeConfig(FAST);
            Map<String, String> env = Map.of(TOKEN_ENV, "group-test-token-13");
            List<Long> pids = new ArrayList<>();
            try (DaemonProcess daemon = DaemonProcess.startInOwnGroup(dir, env, "--config", config.toString(),
                    "--daemon", "--interval", "1")) {
                try {
                    await("three nodes started by the daemon").atMost(LIMIT).pollInterval(Duration.ofMillis(200))
                            .until(() -> records("node_started").stream()
                                    .filter(r -> "done".equals(r.details().get("outcome"))).count() >= 3);
                    cluster.awaitAnswers();
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(e.getMessage() + "; stdout:\n" + daemon.out() + "\nstderr:\n"
                            + daemon.err(), e);
                }
                for (int i = 1; i <= 3; i++) {
                    pids.add(cluster.pid(i));
                }

                // When its whole process group gets SIGTERM
                daemon.terminateGroup();
                assertThat(daemon.exitCode(LIMIT)).as("the daemon's exit code; stderr:%n%s", daemon.err()).isZero();
            }

            // Then the nodes still run
            assertThat(pids).allSatisfy(pid -> assertThat(running(pid)).as("node process %d runs", pid).isTrue());
            cluster.awaitAnswers();
            int restarts = records("restart_node").size();

            // and the next daemon adopts them: no second copy, no restart, and they accept its control token
            try (DaemonProcess next = DaemonProcess.start(dir, env, "--config", config.toString(), "--once",
                    "--timeout", "30")) {
                assertThat(next.exitCode(LIMIT)).as("stdout:%n%s%nstderr:%n%s", next.out(), next.err()).isZero();
                assertThat(next.out()).contains("healthy after 1 cycles", "node-1 accepts the control token",
                        "node-2 accepts the control token", "node-3 accepts the control token")
                        .doesNotContain("group-test-token-13");
                for (int i = 1; i <= 3; i++) {
                    assertThat(next.err()).contains("Adopted process " + pids.get(i - 1) + " of node 'node-" + i
                            + "'");
                }
                assertThat(next.err()).doesNotContain("group-test-token-13");
            }
            for (int i = 1; i <= 3; i++) {
                assertThat(cluster.pid(i)).isEqualTo(pids.get(i - 1));
            }
            assertThat(records("restart_node")).hasSize(restarts);
            // the nodes accepted the token because they have it from the daemon: another one they refuse
            try (HttpNodeControl wrong = HttpNodeControl.builder().nodes(cluster.nodes).token(() -> "wrong").build()) {
                for (int i = 1; i <= 3; i++) {
                    assertThat(wrong.ping(cluster.node(i).id()).detail()).contains("HTTP 401");
                }
            }
        }
    }

    @Test
    void nodesThatRefuseTheDaemonsTokenAreReportedAtItsStartWhichGoesOn() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // Given three nodes that were given another token than the daemon's
            cluster.start("the-nodes-token-13");
            Path config = cluster.writeConfig(FAST);

            // When the daemon starts
            try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of(TOKEN_ENV, "the-daemons-token-13"),
                    "--config", config.toString(), "--once", "--timeout", "30")) {

                // Then it says so for each node, naming neither token, and goes on
                assertThat(daemon.exitCode(LIMIT)).as("stdout:%n%s", daemon.out()).isZero();
                String out = daemon.out();
                assertThat(out).contains("node-2 refuses the control token: ", "HTTP 401", "RECOVERY_CONTROL_TOKEN",
                        "healthy after 1 cycles").doesNotContain("token-13");
                assertThat(out.lines().filter(l -> l.contains("refuses the control token"))).hasSize(3);
                assertThat(daemon.err()).doesNotContain("token-13");
            }
        }
    }

    private List<JournalRecord> records(String action) {
        Path journal = dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
        if (!Files.exists(journal)) {
            return List.of();
        }
        return FileRecoveryJournal.read(journal).stream().filter(r -> r.action().equals(action)).toList();
    }

    /** Whether the process runs; a zombie does not. */
    private static boolean running(long pid) throws IOException {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return !Files.exists(stat) || !Files.readString(stat).contains(") Z ");
    }
}
