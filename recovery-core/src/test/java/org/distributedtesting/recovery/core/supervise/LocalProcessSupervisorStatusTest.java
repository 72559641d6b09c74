package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

class LocalProcessSupervisorStatusTest extends LocalProcessTestSupport {

    @Test
    void nodeNeverStartedIsDeadAndNotStarted() {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status).isEqualTo(ProcessStatus.notStarted());
    }

    @Test
    void processKilledFromOutsideIsDeadWithExitCode137AndReaped() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        long pid = start(node);

        // When
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        // Then
        awaitDead(node);
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.exited(pid, 137));
        assertThat(running(pid)).isFalse();
        // a zombie keeps its /proc entry until its parent reaps it
        assertThat(Path.of("/proc", Long.toString(pid))).doesNotExist();
    }

    @Test
    void startAfterACrashStartsANewProcess() {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        long crashed = start(node);
        ProcessHandle.of(crashed).orElseThrow().destroyForcibly();
        awaitDead(node);

        // When
        long restarted = start(node);

        // Then
        assertThat(restarted).isNotEqualTo(crashed);
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.alive(restarted));
    }

    @Test
    void liveProcessNamedByThePidFileIsAdopted() throws IOException {
        // Given: a process an earlier run of the daemon started
        NodeSpec node = shNode("n1", "exec sleep 300");
        Process earlier = startOutsideSupervisor("exec sleep 300");
        writePidFile(node, earlier.pid());

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status).isEqualTo(ProcessStatus.alive(earlier.pid()));
    }

    @Test
    void adoptedProcessThatEndsIsDeadWithoutAnExitCode() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        Process earlier = startOutsideSupervisor("exec sleep 300");
        writePidFile(node, earlier.pid());
        assertThat(supervisor.status(node).isAlive()).isTrue();

        // When
        earlier.destroyForcibly();

        // Then
        awaitDead(node);
        assertThat(supervisor.status(node))
                .isEqualTo(ProcessStatus.dead("adopted process " + earlier.pid() + " ended"));
    }

    @Test
    void zombieNamedByThePidFileIsNotReportedAlive() throws IOException {
        // Given: a worker whose parent (sleep) never reaps it, so it stays a zombie once it ends
        NodeSpec parent = shNode("parent", "sleep 0.2 & echo \"worker $!\"; exec sleep 300");
        start(parent);
        awaitLogContains(parent, "worker ");
        long worker = Long.parseLong(read(logOf(parent)).replaceAll("(?s).*worker (\\d+).*", "$1"));
        NodeSpec node = shNode("n1", "exec sleep 300");
        writePidFile(node, worker);

        // When / Then
        await().atMost(WAIT).until(() -> supervisor.status(node).isDead());
        // the worker has ended but is not reaped: the JDK alone would still call it alive
        assertThat(Files.readString(Path.of("/proc", Long.toString(worker), "stat"))).contains(") Z ");
    }

    @Test
    void startDoesNotStartASecondProcessWhileAnAdoptedOneRuns() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        Process earlier = startOutsideSupervisor("exec sleep 300");
        writePidFile(node, earlier.pid());

        // When
        ProcessStatus started = supervisor.start(node);

        // Then
        assertThat(started).isEqualTo(ProcessStatus.alive(earlier.pid()));
        assertThat(logOf(node)).doesNotExist();
    }

    @Test
    void pidFileWrittenBeforeTheProcessStartedNamesAReusedPidAndIsNotAdopted() throws IOException {
        // Given: the pid file is an hour older than the live process it names
        NodeSpec node = shNode("n1", "exec sleep 300");
        Process unrelated = startOutsideSupervisor("exec sleep 300");
        writePidFile(node, unrelated.pid());
        Files.setLastModifiedTime(pidFileOf(node), FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        // When
        ProcessStatus status = supervisor.status(node);

        // Then: dead, and the unrelated pid is not reported as the node's
        assertThat(status).isEqualTo(ProcessStatus.dead("not running (last pid " + unrelated.pid() + ")"));
        assertThat(unrelated.isAlive()).isTrue();
    }

    @Test
    void pidFileWithoutAPidIsIgnored() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        Files.createDirectories(node.dataDir());
        Files.writeString(pidFileOf(node), "not a pid\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status).isEqualTo(ProcessStatus.notStarted());
    }

    private static void writePidFile(NodeSpec node, long pid) throws IOException {
        Files.createDirectories(node.dataDir());
        Files.writeString(pidFileOf(node), pid + "\n");
    }
}
