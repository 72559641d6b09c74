package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.supervise.CommandSupervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon supervising one of three stand-in nodes only through start, stop and status scripts, as it
 * would a node on another host: the start script launches the node detached (setsid, nohup) and writes its pid
 * file, the status script answers by the contract (exit 0 with the pid, 3 stopped), and the other two nodes are
 * local child processes of the daemon's own supervisor, in the same cluster.
 */
class CommandSupervisionIT {

    private static final String FAST = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2}";

    @TempDir
    Path dir;

    @Test
    void restartsANodeKilledWithSigkillThroughItsStartScript() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            // given three running nodes, node-2 supervised by scripts only
            cluster.start();
            Path scripts = SupervisionScripts.write(dir, cluster.node(2));
            Path config = writeConfig(cluster, scripts);
            // when node-2 is killed with SIGKILL
            long killed = cluster.kill(2);
            // and the daemon runs once
            String out;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--once",
                    "--timeout", "60")) {
                int exit = daemon.exitCode(Duration.ofSeconds(90));
                out = daemon.out();
                assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, daemon.err()).isZero();
            }
            // then the status script told the crash, the start script restarted node-2, and it answers again
            assertThat(out).contains("DETECTED   process_crash:node-2", "RECOVERED  process_crash:node-2",
                    "healthy after");
            long restarted = cluster.pid(2);
            assertThat(restarted).isNotEqualTo(killed);
            assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive)).contains(true);
            List<JournalRecord> journal = FileRecoveryJournal.read(
                    dir.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
            JournalRecord restart = journal.stream().filter(r -> r.action().equals("restart_node")).findFirst()
                    .orElseThrow(() -> new AssertionError("no restart_node in " + journal));
            assertThat(restart.details()).containsEntry("node_id", "node-2").containsEntry("outcome", "done")
                    .containsEntry("pid", restarted);
            try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
                assertThat(probe.probe(cluster.node(2), Duration.ofSeconds(2)).appliedIndex()).isEqualTo(42);
            }
            assertThat(Files.readString(cluster.node(2).dataDir().resolve(CommandSupervisor.LOG_FILE)))
                    .contains(" start by coordinator-recovery: " + scripts.resolve("start.sh") + " node-2 ");
            assertThat(Files.readString(cluster.node(2).dataDir().resolve("epochs")).strip()).isEqualTo("0");
        }
    }

    /** node-1 and node-3 with their local command, node-2 with supervise scripts. */
    private Path writeConfig(StandInCluster cluster, Path scripts) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"nodes\": [\n");
        for (int i = 1; i <= 3; i++) {
            NodeSpec n = cluster.node(i);
            json.append("    {\"id\": \"").append(n.id()).append("\", \"host\": \"127.0.0.1\", \"port\": ")
                    .append(n.port()).append(", \"data_dir\": \"").append(n.dataDir()).append("\", ");
            if (i == 2) {
                json.append(SupervisionScripts.superviseJson(scripts, 20));
            } else {
                json.append("\"command\": [").append(n.startCommand().stream().map(a -> '"' + a + '"')
                        .collect(Collectors.joining(", "))).append(']');
            }
            json.append('}').append(i < 3 ? "," : "").append('\n');
        }
        json.append("  ],\n  \"recovery_dir\": \"").append(dir.resolve("recovery")).append("\",\n")
                .append("  \"recovery_options\": ").append(FAST).append("\n}\n");
        return Files.writeString(dir.resolve("cluster.json"), json);
    }
}
