package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged daemon's command line: exit codes, one-line errors, SIGTERM, the log file, the version. */
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
    void sigtermStopsTheDaemonCleanlyWithExitCodeZeroAndACompleteJournal() throws Exception {
        // Given a daemon that has journaled a failure (node-3 never answers) and supervises its nodes
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3)) {
            cluster.start();
            Path config = cluster.writeConfig("{\"confirmations\": 2, \"probe_timeout\": 0.5}");
            Path recovery = dir.resolve("recovery");
            Path journal = recovery.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(journal)
                        && Files.readString(journal).contains("\"failure_detected\""));

                // When systemd stops it: SIGTERM
                daemon.process.destroy();

                // Then it finishes, flushes and exits 0, which systemd counts as a successful stop
                int exit = daemon.exitCode(Duration.ofSeconds(30));
                assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", daemon.out(), daemon.err()).isZero();
                assertThat(daemon.out()).contains("stopping (SIGTERM): finishing the current cycle and flushing"
                        + " the journal", "stopped");
            }
            // And the journal is whole: every line a record, and the recovery log holds each of them
            ObjectMapper json = new ObjectMapper();
            List<String> lines = Files.readAllLines(journal);
            for (String line : lines) {
                assertThat(json.readTree(line).get("action")).as("record %s", line).isNotNull();
            }
            JsonNode log = json.readTree(recovery.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME).toFile());
            assertThat(log.isArray()).isTrue();
            assertThat(log.size()).isEqualTo(lines.size()).isPositive();
            // And the nodes it supervised go on running: a stop of the daemon is no stop of the cluster
            assertThat(ProcessHandle.of(cluster.pid(1)).map(ProcessHandle::isAlive)).contains(true);
        }
    }

    @Test
    void logsGoToStderrAndAreAppendedToTheLogFile() throws Exception {
        // Given a log file with a line from an earlier run, and a cluster whose node-3 never answers
        Path logFile = Files.writeString(dir.resolve("recovery.log"), "an earlier run's line\n");
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3)) {
            cluster.start();
            Path config = cluster.writeConfig("{\"confirmations\": 2, \"probe_timeout\": 0.5}");

            // When the daemon runs once with --log-file, until its timeout
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "5", "--log-file", logFile.toString())) {
                assertThat(daemon.exitCode(Duration.ofSeconds(40))).isOne();

                // Then its log lines are on stderr and, after the earlier line, in the file; the timeline is not
                List<String> logged = daemon.err().lines().filter(l -> l.contains(" INFO ")).toList();
                assertThat(logged).as("INFO lines on stderr:%n%s", daemon.err()).isNotEmpty();
                String file = Files.readString(logFile);
                assertThat(file).startsWith("an earlier run's line\n");
                assertThat(file.lines()).containsAll(logged).doesNotContain("watching 3 nodes");
                assertThat(daemon.out()).contains("watching 3 nodes");
            }
        }
    }

    @Test
    void theJarPrintsThePomsVersion() throws Exception {
        String version = System.getProperty("project.version");
        assertThat(version).as("project.version, set by the pom's failsafe configuration").isNotBlank();
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--version")) {
            assertThat(daemon.exitCode(Duration.ofSeconds(30))).isZero();
            assertThat(daemon.out()).isEqualTo("coordinator-recovery " + version + System.lineSeparator());
        }
    }
}
