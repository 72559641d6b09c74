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
 * Nodes started by another tool (a script, systemd) have no pid file the daemon knows. When one of them was paused
 * (SIGSTOP, so it did not answer), the daemon took it for a crash and started a second process on the same data
 * directory, and once the pause ended it logged "RECOVERED by 'restart'", which was false. The daemon must never
 * start a node whose process may be alive.
 */
class ForeignProcessIT {

    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2}";

    @TempDir
    Path dir;

    @Test
    void aPausedNodeThatAnotherToolStartedIsNeverStartedASecondTime() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // Given three nodes another tool started, and the daemon configured to supervise them
            cluster.startOutside();
            Path config = cluster.writeConfig(FAST);
            // When node-2 is paused while the daemon watches for ten seconds
            long paused = cluster.outside(2).pid();
            cluster.pause(paused);
            String out;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "10")) {
                daemon.exitCode(Duration.ofSeconds(60));
                out = daemon.out() + daemon.err();
            } finally {
                cluster.resume(paused);
            }

            // Then it did not start node-2 (nor anything else), and said it cannot tell whether node-2's process runs
            List<JournalRecord> journal = FileRecoveryJournal.read(
                    dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
            assertThat(journal).as(out).noneMatch(r -> (r.action().equals("start_node")
                    || r.action().equals("restart_node")) && "done".equals(r.details().get("outcome")));
            assertThat(out).doesNotContain("RECOVERED  process_crash", "DETECTED   process_crash");
            assertThat(cluster.outside(2).isAlive()).isTrue();
            // read from /proc: the JDK's view of a command line ends at a page, before --data on a long class path
            assertThat(ProcessHandle.allProcesses().filter(p -> arguments(p.pid())
                    .contains(cluster.node(2).dataDir().toString()))).as(out).hasSize(1);
            assertThat(journal).as(out).anySatisfy(r -> assertThat(String.valueOf(r.details().get("evidence")))
                    .contains("not started by this supervisor"));
        }
    }

    /** The whole command line of a process, from {@code /proc/PID/cmdline}; empty when it is gone or unreadable. */
    private static List<String> arguments(long pid) {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return List.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (java.io.IOException e) {
            return List.of(); // the process ended, or is not ours to read: not a copy of node-2 we could see
        }
    }
}
