package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

class LocalProcessSupervisorStopTest extends LocalProcessTestSupport {

    private static final Duration LONG_GRACE = Duration.ofSeconds(10);

    @Test
    void stopEndsTheProcessWithSigtermAndKeepsItsLog() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "echo up; exec sleep 300");
        long pid = start(node);
        awaitLogContains(node, "up");

        // When
        supervisor.stop(node, LONG_GRACE);

        // Then: 143 = 128 + SIGTERM
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.exited(pid, 143));
        assertThat(read(logOf(node))).contains("up");
        assertThat(pidFileOf(node)).doesNotExist();
    }

    @Test
    void stopKillsAProcessThatIgnoresSigtermOnceTheGracePeriodIsOver() throws Exception {
        // Given: the trap is set once "ready" is printed; sleep inherits the ignored TERM
        NodeSpec node = shNode("n1", "trap '' TERM; echo ready; sleep 300");
        long pid = start(node);
        awaitLogContains(node, "ready");

        // When
        supervisor.stop(node, Duration.ofMillis(300));

        // Then: 137 = 128 + SIGKILL
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.exited(pid, 137));
    }

    @Test
    void stopEndsTheWholeProcessTree() throws Exception {
        // Given: the node's shell started a grandchild
        NodeSpec node = shNode("n1", "sleep 300 & echo \"grandchild $!\"; wait");
        start(node);
        awaitLogContains(node, "grandchild ");
        long grandchild = grandchildPid(node);
        killAfterTest(grandchild);
        assertThat(running(grandchild)).isTrue();

        // When
        supervisor.stop(node, LONG_GRACE);

        // Then
        assertThat(supervisor.status(node).isDead()).isTrue();
        assertThat(running(grandchild)).isFalse();
    }

    @Test
    void stoppingANodeThatDoesNotRunDoesNothing() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");

        // When
        supervisor.stop(node, LONG_GRACE);

        // Then
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.notStarted());
        assertThat(node.dataDir()).doesNotExist();
    }

    @Test
    void stoppingAProcessThatAlreadyEndedKeepsItsExitCode() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "exit 3");
        long pid = supervisor.start(node).pid().orElseThrow();
        awaitDead(node);

        // When
        supervisor.stop(node, LONG_GRACE);

        // Then
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.exited(pid, 3));
    }

    @Test
    void stopEndsAnAdoptedProcess() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        Process earlier = startOutsideSupervisor("exec sleep 300");
        Files.createDirectories(node.dataDir());
        Files.writeString(pidFileOf(node), earlier.pid() + "\n");

        // When
        supervisor.stop(node, LONG_GRACE);

        // Then
        await().atMost(WAIT).until(() -> !earlier.isAlive());
        assertThat(earlier.exitValue()).isEqualTo(143);
        assertThat(pidFileOf(node)).doesNotExist();
    }

    @Test
    void negativeGraceIsRejected() {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");

        // When / Then
        assertThatThrownBy(() -> supervisor.stop(node, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("grace must be >= 0, but was PT-1S");
    }

    @Test
    void closeLeavesTheProcessesRunningByDefault() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        long pid = start(node);

        // When
        supervisor.close();

        // Then
        assertThat(running(pid)).isTrue();
        assertThat(supervisor.status(node)).isEqualTo(ProcessStatus.alive(pid));
    }

    @Test
    void supervisorStoppingOnCloseStopsEveryProcessItStarted() throws IOException {
        // Given
        NodeSpec first = shNode("n1", "exec sleep 300");
        NodeSpec second = shNode("n2", "trap '' TERM; echo ready; sleep 300");
        long firstPid;
        long secondPid;
        try (LocalProcessSupervisor stopping = LocalProcessSupervisor.stoppingOnClose(Duration.ofMillis(300))) {
            firstPid = stopping.start(first).pid().orElseThrow();
            secondPid = stopping.start(second).pid().orElseThrow();
            killAfterTest(firstPid);
            killAfterTest(secondPid);
            awaitLogContains(second, "ready");

            // When: the try block ends
        }

        // Then
        assertThat(running(firstPid)).isFalse();
        assertThat(running(secondPid)).isFalse();
    }

    private static long grandchildPid(NodeSpec node) throws IOException {
        Matcher matcher = Pattern.compile("grandchild (\\d+)").matcher(read(logOf(node)));
        assertThat(matcher.find()).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
