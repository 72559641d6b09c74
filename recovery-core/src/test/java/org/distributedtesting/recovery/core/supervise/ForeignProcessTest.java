package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

/**
 * A node whose process another tool started (a script, systemd) left the supervisor no pid file, and it reported the
 * node "dead (not started)"; when that process was paused, the engine took it for a crash and started a second copy
 * on the same data directory. A supervisor that cannot tell whether a node's process runs says unknown, and never
 * starts a node whose process may run; a node whose tool names its pid file is adopted.
 */
class ForeignProcessTest extends LocalProcessTestSupport {

    @Test
    void aProcessOfTheNodesProgramOnItsDataDirectoryMakesItsLivenessUnknownAndItsStartRefused() throws IOException {
        // Given a node's program started by someone else on the node's data directory
        NodeSpec node = shNode("n1", "sleep 600");
        Files.createDirectories(node.dataDir());
        Process foreign = new ProcessBuilder("sh", "-c", "sleep 600; :", "node", node.dataDir().toString()).start();
        killAfterTest(foreign.pid());

        // When the supervisor is asked about it
        ProcessStatus status = supervisor.status(node);

        // Then it cannot tell, says why, and will not start a second copy
        assertThat(status.liveness()).isEqualTo(ProcessStatus.Liveness.UNKNOWN);
        assertThat(status.detail()).contains("process " + foreign.pid(), "data directory");
        assertThatThrownBy(() -> supervisor.start(node)).isInstanceOf(SupervisionException.class)
                .hasMessageContaining("not starting node 'n1'").hasMessageContaining("pid_file");
        assertThat(Files.exists(pidFileOf(node))).isFalse();
    }

    @Test
    void theDataDirectoryIsFoundPastAPageOfArgumentsAsAJvmWithALongClassPathHasThem() throws IOException {
        // Given a node's program started by someone else with 8 KiB of arguments before its data directory (a JVM's
        // class path), which the JDK's view of a command line cuts off
        NodeSpec node = shNode("n7", "sleep 600");
        Files.createDirectories(node.dataDir());
        Process foreign = new ProcessBuilder("sh", "-c", "sleep 600; :", "node", "x".repeat(8192),
                node.dataDir().toString()).start();
        killAfterTest(foreign.pid());

        // Then the supervisor still sees it, and will not start a second copy
        ProcessStatus status = supervisor.status(node);
        assertThat(status.liveness()).isEqualTo(ProcessStatus.Liveness.UNKNOWN);
        assertThat(status.detail()).contains("process " + foreign.pid(), "in its arguments");
        assertThatThrownBy(() -> supervisor.start(node)).isInstanceOf(SupervisionException.class);
    }

    @Test
    void aProcessHoldingAFileOpenInTheDataDirectoryMakesItsLivenessUnknownWhateverItsArguments() throws Exception {
        // Given a process of another program, started elsewhere, that holds the node's database open (its arguments
        // do not name the data directory: it found it through its own config file)
        NodeSpec node = shNode("n2", "sleep 600");
        Files.createDirectories(node.dataDir());
        Path db = node.dataDir().resolve("state.db");
        Files.writeString(db, "rows");
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", "exec 3<\"$DB\"; exec sleep 600")
                .directory(tempDir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        builder.environment().put("DB", db.toString()); // no argument names the path
        Process foreign = builder.start();
        killAfterTest(foreign.pid());

        // Then the node's liveness is unknown, the file is named, and it is not started on top of it
        await().atMost(WAIT).untilAsserted(() -> assertThat(supervisor.status(node).detail())
                .contains("process", "holds " + db.toRealPath() + " open"));
        assertThat(supervisor.status(node).liveness()).isEqualTo(ProcessStatus.Liveness.UNKNOWN);
        assertThatThrownBy(() -> supervisor.start(node)).isInstanceOf(SupervisionException.class)
                .hasMessageContaining("not starting node 'n2'");
    }

    @Test
    void aProxyAcceptingConnectionsOnTheNodesAddressDoesNotStopTheNodeFromStarting() throws IOException {
        // Given the address the daemon reaches the node through is a proxy's (or a port forward's), which accepts
        // connections while the node behind it is down
        try (ServerSocket proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            NodeSpec node = new NodeSpec(NodeId.of("n6"), "127.0.0.1", proxy.getLocalPort(), tempDir.resolve("n6"),
                    List.of(), sh("sleep 600"));

            // Then the node is dead, and starts
            assertThat(supervisor.status(node).isDead()).isTrue();
            assertThat(start(node)).isPositive();
        }
    }

    @Test
    void aNodeWithNothingRunningIsDeadAndStarts() {
        NodeSpec node = shNode("n3", "sleep 600");

        assertThat(supervisor.status(node).isDead()).isTrue();
        assertThat(start(node)).isPositive();
    }

    @Test
    void aNodeStartedByAnotherToolIsAdoptedThroughThePidFileItsSpecNames() throws Exception {
        // Given a node started by another tool, which wrote its pid where the node's spec says
        Path pidFile = tempDir.resolve("run").resolve("n4.pid");
        Files.createDirectories(pidFile.getParent());
        Process other = startOutsideSupervisor("echo $$ > " + pidFile + "; exec sleep 600");
        await().atMost(WAIT).until(() -> read(pidFile).strip().equals(Long.toString(other.pid())));
        NodeSpec node = new NodeSpec(NodeId.of("n4"), "127.0.0.1", 7004, tempDir.resolve("n4"), List.of(),
                sh("sleep 600"), List.of(), Optional.of(pidFile));

        // When the supervisor is asked about it, and told to stop it
        ProcessStatus status = supervisor.status(node);
        supervisor.stop(node, java.time.Duration.ofSeconds(2));

        // Then it was the other tool's process, and it is stopped
        assertThat(status.isAlive()).isTrue();
        assertThat(status.pid()).hasValue(other.pid());
        await().atMost(WAIT).until(() -> !running(other.pid()));
    }

    @Test
    void aProcessThatEndsByItselfSaysItsExitCodeAndTheLastLinesOfItsOutputWithControlCharactersEscaped() {
        // Given a node whose process fails at once, printing why (and an escape sequence)
        NodeSpec node = shNode("n5", "echo starting; printf 'cannot open db/state.db: \\033[31mnot a database\\n';"
                + " exit 2");
        start(node);
        awaitDead(node);

        // Then its status names the exit code and what it printed last, as plain text
        ProcessStatus status = supervisor.status(node);
        assertThat(status.exitCode()).hasValue(2);
        assertThat(status.endedByItself()).isTrue();
        assertThat(status.detail()).contains("exited with code 2", "its output ends: starting | cannot open db/state.db:",
                "\\u001b[31mnot a database").doesNotContain("\u001b");
    }
}
