package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

class SupervisedNodeControlTest {

    private static final NodeId N1 = NodeId.of("n1");
    private static final List<NodeSpec> NODES = List.of(
            new NodeSpec(N1, "127.0.0.1", 7001, Path.of("data", "n1"), List.of(), List.of("run-node")));
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final NodeControl NO_DELEGATE = action -> {
        throw new AssertionError("delegate called with " + action);
    };

    @Test
    void restartOfADeadNodeStartsItAndReportsTheNewAndThePreviousProcess() throws Exception {
        // Given
        RecordingSupervisor supervisor = new RecordingSupervisor(ProcessStatus.exited(41, 137),
                ProcessStatus.alive(42));
        SupervisedNodeControl control = new SupervisedNodeControl(NODES, supervisor, NO_DELEGATE, GRACE);

        // When
        ActionResult result = control.execute(new Action.Restart(N1));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Done("restarted with pid 42",
                Map.of("pid", 42L, "previous_pid", 41L, "previous_exit_code", 137)));
        assertThat(supervisor.calls).containsExactly("status n1", "start n1");
    }

    @Test
    void restartOfARunningNodeStopsItWithTheGracePeriodFirst() throws Exception {
        // Given
        RecordingSupervisor supervisor = new RecordingSupervisor(ProcessStatus.alive(41), ProcessStatus.alive(42));
        SupervisedNodeControl control = new SupervisedNodeControl(NODES, supervisor, NO_DELEGATE, GRACE);

        // When
        ActionResult result = control.execute(new Action.Restart(N1));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Done("restarted with pid 42",
                Map.of("pid", 42L, "previous_pid", 41L)));
        assertThat(supervisor.calls).containsExactly("status n1", "stop n1 PT3S", "start n1");
    }

    @Test
    void startWhoseProcessEndedAtOnceFails() throws Exception {
        // Given
        RecordingSupervisor supervisor = new RecordingSupervisor(ProcessStatus.notStarted(),
                ProcessStatus.exited(42, 3));
        SupervisedNodeControl control = new SupervisedNodeControl(NODES, supervisor, NO_DELEGATE, GRACE);

        // When
        ActionResult result = control.execute(new Action.Start(N1));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("start failed: exited with code 3"));
    }

    @Test
    void nonProcessActionGoesToTheDelegate() throws Exception {
        // Given
        RecordingSupervisor supervisor = new RecordingSupervisor(ProcessStatus.alive(41), ProcessStatus.alive(42));
        Action stepDown = new Action.StepDown(N1, Optional.empty());
        SupervisedNodeControl control = new SupervisedNodeControl(NODES, supervisor,
                action -> ActionResult.Done.of("delegate did " + action.name()), GRACE);

        // When
        ActionResult result = control.execute(stepDown);

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("delegate did step_down_leader"));
        assertThat(supervisor.calls).isEmpty();
    }

    @Test
    void processesOnlyControlFailsEveryOtherAction() throws Exception {
        // Given
        SupervisedNodeControl control = SupervisedNodeControl.processesOnly(NODES,
                new RecordingSupervisor(ProcessStatus.alive(41), ProcessStatus.alive(42)));

        // When
        ActionResult result = control.execute(new Action.CleanupResources(N1));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("no node control for action 'cleanup_resources'"));
    }

    @Test
    void actionOnANodeOutsideTheClusterIsRejected() {
        // Given
        SupervisedNodeControl control = new SupervisedNodeControl(NODES,
                new RecordingSupervisor(ProcessStatus.alive(41), ProcessStatus.alive(42)), NO_DELEGATE, GRACE);

        // When / Then
        assertThatThrownBy(() -> control.execute(new Action.Start(NodeId.of("n9"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 'n9' is not in this cluster");
    }
}
