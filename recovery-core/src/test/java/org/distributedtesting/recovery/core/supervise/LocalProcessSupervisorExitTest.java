package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.Test;

/** The supervisor tells its exit listener when a process it started or adopted ends, so the engine looks at once. */
class LocalProcessSupervisorExitTest extends LocalProcessTestSupport {

    @Test
    void aStartedProcessThatIsKilledIsReportedToTheExitListener() {
        // Given a node this supervisor started, and a listener
        List<NodeId> ended = new CopyOnWriteArrayList<>();
        supervisor.onProcessExit(ended::add);
        NodeSpec node = shNode("n1", "echo up; exec sleep 300");
        long pid = start(node);
        awaitLogContains(node, "up");
        assertThat(ended).isEmpty();

        // When something else kills it
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

        // Then the listener hears of it, once
        await("the exit reported").atMost(WAIT).until(() -> !ended.isEmpty());
        assertThat(ended).containsExactly(node.id());
    }

    @Test
    void anAdoptedProcessThatEndsIsReportedToTheExitListenerOfTheNextSupervisor() {
        // Given a node started by one supervisor and adopted by another (a restarted daemon)
        NodeSpec node = shNode("n1", "echo up; exec sleep 300");
        long pid = start(node);
        awaitLogContains(node, "up");
        List<NodeId> ended = new CopyOnWriteArrayList<>();
        try (LocalProcessSupervisor next = new LocalProcessSupervisor()) {
            next.onProcessExit(ended::add);
            assertThat(next.status(node).isAlive()).isTrue(); // adopted from the pid file

            // When it is killed
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

            // Then the adopting supervisor's listener hears of it
            await("the exit reported").atMost(WAIT).until(() -> !ended.isEmpty());
            assertThat(ended).containsExactly(node.id());
        }
    }
}
