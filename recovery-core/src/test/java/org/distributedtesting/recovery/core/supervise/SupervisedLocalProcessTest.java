package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.Test;

/** {@link SupervisedNodeControl} over a {@link LocalProcessSupervisor} and real processes. */
class SupervisedLocalProcessTest extends LocalProcessTestSupport {

    @Test
    void restartOfACrashedNodeStartsANewProcessAndReportsHowTheOldOneEnded() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        SupervisedNodeControl control = SupervisedNodeControl.processesOnly(List.of(node), supervisor);
        long crashed = start(node);
        ProcessHandle.of(crashed).orElseThrow().destroyForcibly();
        awaitDead(node);

        // When
        ActionResult result = control.execute(new Action.Restart(node.id()));

        // Then
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        Map<String, Object> data = ((ActionResult.Done) result).data();
        long restarted = (Long) data.get("pid");
        killAfterTest(restarted);
        assertThat(data).containsEntry("previous_pid", crashed).containsEntry("previous_exit_code", 137);
        assertThat(restarted).isNotEqualTo(crashed);
        assertThat(running(restarted)).isTrue();
    }

    @Test
    void stopActionEndsTheRealProcess() throws Exception {
        // Given
        NodeSpec node = shNode("n1", "exec sleep 300");
        SupervisedNodeControl control = new SupervisedNodeControl(List.of(node), supervisor,
                action -> new ActionResult.Failed("unexpected"), Duration.ofSeconds(10));
        long pid = start(node);

        // When
        ActionResult result = control.execute(new Action.Stop(node.id()));

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("stopped"));
        assertThat(running(pid)).isFalse();
    }
}
