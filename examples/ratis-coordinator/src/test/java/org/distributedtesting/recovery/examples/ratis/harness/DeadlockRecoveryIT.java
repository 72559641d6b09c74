package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

/** A follower whose apply loop hangs: the daemon sees its applied index stall and restarts the stuck component. */
class DeadlockRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonReleasesAHungApplyLoopWithoutRestartingTheNode() throws Exception {
        // Given a cluster under writes, watched by the daemon
        start(b -> b);
        String follower = cluster.followers().get(0);
        long pid = cluster.pid(follower).orElseThrow();

        // When the follower's apply loop hangs
        Injection hang = cluster.faults().hangApply(follower);

        // Then the daemon detects the stall and restarts the apply loop in place, and the node catches up
        RecoveryTimes times = assertRecovered(hang);
        assertThat(times.rung()).isEqualTo("restart_stuck_component");
        assertThat(cluster.pid(follower).orElseThrow()).isEqualTo(pid);
        assertThat(actionsAbout(FailureType.DEADLOCK.name(), follower))
                .containsSubsequence("failure_detected", "restart_stuck_component", "recovery_verified");
    }
}
