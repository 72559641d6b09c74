package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

/** A follower whose applies are slow falls further and further behind: the daemon detects the lag and fixes it. */
class SlowFollowerRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonBringsASlowFollowerBackWithinReachOfTheLeader() throws Exception {
        // Given a cluster under writes, watched by the daemon
        start(b -> b);
        String follower = cluster.followers().get(0);

        // When a follower's applies become slower than the writes come
        Injection slow = cluster.faults().slowApply(follower, Duration.ofMillis(150));

        // Then the daemon detects the growing lag and recovers the follower
        RecoveryTimes times = assertRecovered(slow);
        System.out.println("slow follower recovered by " + times.rung());
        assertThat(actionsAbout(FailureType.SLOW_FOLLOWER.name(), follower))
                .containsSubsequence("failure_detected", "recovery_verified");
    }
}
