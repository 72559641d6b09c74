package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

class LocalProcessSupervisorStartTest extends LocalProcessTestSupport {

    @Test
    void startReportsTheNewProcessAliveWithItsPid() {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");

        // When
        ProcessStatus started = supervisor.start(node);
        started.pid().ifPresent(this::killAfterTest);

        // Then
        long pid = started.pid().orElseThrow();
        assertThat(started).isEqualTo(ProcessStatus.alive(pid));
        assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                .contains(ProcessHandle.current().pid());
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.alive(pid));
    }

    @Test
    void outputGoesToNodeLogAfterAHeaderAndThePidToThePidFile() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "echo hello from {id}; exec sleep 300");

        // When
        long pid = start(node);

        // Then
        awaitLogContains(node, "hello from n1");
        assertThat(read(logOf(node))).isEqualTo("--- started by coordinator-recovery at 2030-01-02T03:04:05Z: "
                + "sh -c 'echo hello from n1; exec sleep 300'\nhello from n1\n");
        assertThat(read(pidFileOf(node)).strip()).isEqualTo(Long.toString(pid));
    }

    @Test
    void standardErrorGoesToNodeLogToo() {
        // Given
        NodeSpec node = shNode("n1", "echo trouble >&2; exec sleep 300");

        // When
        start(node);

        // Then
        awaitLogContains(node, "trouble");
    }

    @Test
    void nodeLogIsAppendedToNotReplaced() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "echo second run; exec sleep 300");
        Files.createDirectories(node.dataDir());
        Files.writeString(logOf(node), "first run\n");

        // When
        start(node);

        // Then
        awaitLogContains(node, "second run");
        assertThat(read(logOf(node))).startsWith("first run\n--- started by coordinator-recovery");
    }

    @Test
    void processWritingMoreThanAPipeHoldsIsNotBlocked() {
        // Given: 1 MB of output, far beyond a pipe buffer that nobody would read
        NodeSpec node = shNode("n1", "head -c 1000000 /dev/zero | tr '\\000' x; echo; echo all written; "
                + "exec sleep 300");

        // When
        start(node);

        // Then
        awaitLogContains(node, "all written");
    }

    @Test
    void placeholdersAreSubstitutedInEveryArgumentAndTheProcessRunsInItsDataDir() throws IOException {
        // Given: a data directory that does not exist yet
        NodeSpec node = new NodeSpec(NodeId.of("n7"), "127.0.0.1", 7007,
                tempDir.resolve("nested").resolve("n7"), List.of(),
                List.of("sh", "-c", "echo \"args=$1|$2|$3\"; echo \"cwd=$(pwd -P)\"; exec sleep 300", "sh",
                        "{id}", "{host}:{port}", "--data={data_dir}"));

        // When
        start(node);

        // Then
        String dataDir = node.dataDir().toRealPath().toString();
        awaitLogContains(node, "cwd=");
        assertThat(read(logOf(node)))
                .contains("args=n7|127.0.0.1:7007|--data=" + node.dataDir().toAbsolutePath() + "\n")
                .contains("cwd=" + dataDir + "\n");
    }

    @Test
    void startWhileTheProcessRunsStartsNothing() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        long pid = start(node);

        // When
        ProcessStatus again = supervisor.start(node);

        // Then
        assertThat(again).isEqualTo(ProcessStatus.alive(pid));
        assertThat(read(logOf(node)).lines().filter(l -> l.startsWith("--- started"))).hasSize(1);
    }

    @Test
    void commandThatExitsAtOnceIsReportedWithItsExitCode() {
        // Given
        NodeSpec node = shNode("n1", "exit 3");

        // When
        long pid = supervisor.start(node).pid().orElseThrow();

        // Then
        awaitDead(node);
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.exited(pid, 3));
    }

    @Test
    void nonexistentExecutableFailsNamingTheNodeAndTheCommand() {
        // Given
        NodeSpec node = node("n1", List.of("/nonexistent/coordinator-node", "--port", "{port}"));

        // When / Then
        assertThatThrownBy(() -> supervisor.start(node))
                .isInstanceOf(SupervisionException.class)
                .hasMessageContaining("node 'n1'")
                .hasMessageContaining("/nonexistent/coordinator-node --port 7001");
        // a node whose start failed is down, no longer "never started": the crash ladder, with its attempt budget,
        // takes it from here instead of nobody (the engine starts a never-started node only once)
        ProcessStatus status = supervisor.status(node);
        assertThat(status.neverStarted()).isFalse();
        assertThat(status.isDead()).isTrue();
        assertThat(status.detail()).startsWith("its start failed: ").contains("/nonexistent/coordinator-node");
    }

    @Test
    void nodeWithoutCommandCannotBeStartedAndIsNotSupervised() {
        // Given
        NodeSpec node = NodeSpec.of("n1", "127.0.0.1", 7001, tempDir.resolve("n1"));

        // When / Then
        assertThatThrownBy(() -> supervisor.start(node))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node 'n1' has no \"command\" in the config");
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.unknown());
    }

    @Test
    void closedSupervisorRefusesToStart() {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        supervisor.close();

        // When / Then
        assertThatThrownBy(() -> supervisor.start(node))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(node.dataDir()).doesNotExist();
    }
}
