package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real node process that breaks the protocol (never answers, answers garbage, sends 100 MB, trickles) does not
 * hold a cycle or an action past its deadline, neither in an engine built as the daemon builds it nor in the
 * packaged daemon, which also never shows its control token.
 */
class HangingNodeIT {

    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CONTROL_DEADLINE = Duration.ofMillis(800);
    /** Slack over a deadline; these tests run real processes on a shared machine. */
    private static final Duration SLACK = Duration.ofMillis(700);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(StandInNode.Hostility.class)
    void aHostileNodeIsUnreachableWithinTheProbeDeadline(StandInNode.Hostility hostility) throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3, hostility);
             HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> "it-token").build();
             HttpNodeControl control = HttpNodeControl.builder().nodes(cluster.nodes).token(() -> "it-token")
                     .deadline(CONTROL_DEADLINE).build();
             RecoveryEngine engine = RecoveryEngine.builder().nodes(cluster.nodes).probe(probe).control(control)
                     .strategy(new ProcessCrashStrategy())
                     .options(RecoveryOptions.builder().probeTimeout(PROBE_TIMEOUT).build()).build()) {
            cluster.start();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                CycleReport report = engine.runCycle();
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                assertThat(report.snapshot().observation(cluster.node(3).id()))
                        .isInstanceOf(NodeObservation.Unreachable.class);
                assertThat(report.snapshot().reachable()).hasSize(2);
                assertThat(wall).isLessThan(PROBE_TIMEOUT.plus(SLACK));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StandInNode.Hostility.class)
    void anActionOnAHostileNodeFailsWithinItsDeadline(StandInNode.Hostility hostility) throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3, hostility);
             HttpNodeControl control = HttpNodeControl.builder().nodes(cluster.nodes).token(() -> "it-token")
                     .deadline(CONTROL_DEADLINE).build()) {
            cluster.start();
            long start = System.nanoTime();
            ActionResult result = control.execute(new Action.StepDown(cluster.node(3).id(), Optional.empty()));
            Duration wall = Duration.ofNanos(System.nanoTime() - start);

            assertThat(result).isInstanceOf(ActionResult.Failed.class);
            assertThat(result.detail()).startsWith("POST /api/control/step_down failed: ");
            assertThat(wall).isLessThan(CONTROL_DEADLINE.plus(SLACK));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(StandInNode.Hostility.class)
    void theDaemonFinishesWithAHostileNodeAndNeverShowsItsToken(StandInNode.Hostility hostility) throws Exception {
        // Given a cluster with a hostile node, and a daemon whose control token is in a file
        String token = "daemon-token-" + UUID.randomUUID();
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3, hostility)) {
            cluster.start();
            Files.writeString(dir.resolve("control-token"), token + "\n");
            Path config = cluster.writeConfig("{\"confirmations\": 2, \"probe_timeout\": 0.5, \"verify_interval\": 0.5,"
                    + " \"verify_timeout\": 3, \"backoff_initial\": 1, \"backoff_max\": 1}",
                    "\"control_token_file\": \"control-token\"");

            // When it runs once, for at most 10 s
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "10")) {
                // Then it ends by its timeout, reporting the node as not answering and the failure as remaining
                int exit = daemon.exitCode(Duration.ofSeconds(40));
                assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", daemon.out(), daemon.err()).isOne();
                assertThat(daemon.out()).contains("watching 3 nodes", "'node-3' does not answer")
                        .doesNotContain("no control token");
                assertThat(daemon.out()).doesNotContain(token);
                assertThat(daemon.err()).doesNotContain(token);
            }
            // And neither the journal nor the recovery log holds the token
            Path recovery = dir.resolve("recovery");
            assertThat(Files.readString(recovery.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME)))
                    .contains("node-3").doesNotContain(token);
            assertThat(Files.readString(recovery.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME)))
                    .doesNotContain(token);
        }
    }
}
