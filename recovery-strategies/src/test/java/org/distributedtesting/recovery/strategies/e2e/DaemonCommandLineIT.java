package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon's command line: exit codes, one-line errors, SIGTERM. */
class DaemonCommandLineIT {

    @TempDir
    Path dir;

    @Test
    void aBadConfigIsOneLineOnStderrWithExitCodeTwoAndNoStackTrace() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.json"),
                "{\"nodes\": [{\"id\": \"n1\", \"host\": \"127.0.0.1\", \"port\": 70000, \"data_dir\": \"d\"}],"
                        + " \"recovery_dir\": \"r\"}");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once")) {
            assertThat(daemon.exitCode(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(daemon.err().strip()).isEqualTo(
                    "recovery: " + config + ": nodes[0].port: must be an integer in 1..65535, but was 70000")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void anUnknownStrategyListsTheKnownOnes() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            Path config = cluster.writeConfig("{}");
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--strategy",
                    "nope")) {
                assertThat(daemon.exitCode(Duration.ofSeconds(30))).isEqualTo(2);
                assertThat(daemon.err()).contains("unknown strategy 'nope'", "process_crash", "all");
            }
        }
    }

    @Test
    void sigtermStopsTheDaemonCleanlyAfterFlushingTheJournal() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            cluster.start();
            Path config = cluster.writeConfig("{\"confirmations\": 2}");
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> daemon.out().contains("watching 3 nodes"));
                daemon.process.destroy(); // SIGTERM
                int exit = daemon.exitCode(Duration.ofSeconds(30));
                assertThat(exit).isEqualTo(143);
                assertThat(daemon.out()).contains("stopping:", "stopped");
            }
            assertThat(dir.resolve("recovery").resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME)).exists();
        }
    }
}
