package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.Test;

/** SIGKILL of a coordinator node: the daemon restarts it through its supervisor and it catches up. */
class ProcessCrashRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonRestartsAKilledFollowerThatThenCatchesUp() throws Exception {
        // Given a cluster under writes, watched by the daemon
        start(b -> b);
        String leader = cluster.awaitLeader();
        long pidBefore = cluster.pid(cluster.followers().get(0)).orElseThrow();

        // When a follower is killed
        Injection crash = cluster.faults().killFollower();

        // Then the daemon restarts it, and it rejoins the unchanged leader with every accepted write
        RecoveryTimes times = assertRecovered(crash);
        assertThat(times.rung()).isEqualTo("restart");
        assertThat(cluster.pid(crash.node()).orElseThrow()).isNotEqualTo(pidBefore);
        assertThat(cluster.awaitLeader()).isEqualTo(leader);
        assertThat(actionsAbout(FailureType.PROCESS_CRASH.name(), crash.node()))
                .containsSubsequence("failure_detected", "restart_node", "recovery_verified");
    }

    @Test
    void ratisReplacesAKilledLeaderAndTheDaemonBringsItBackAsAFollower() throws Exception {
        // Given a cluster under writes, watched by the daemon
        start(b -> b);
        String leader = cluster.awaitLeader();

        // When the leader is killed
        Injection crash = cluster.faults().killLeader();

        // Then Ratis elects another, and the daemon restarts the old leader, which follows it
        assertThat(cluster.awaitLeader()).isNotEqualTo(leader);
        RecoveryTimes times = assertRecovered(crash);
        assertThat(times.rung()).isEqualTo("restart");
        assertThat(cluster.status(leader).role()).isEqualTo(Role.FOLLOWER);
        assertThat(actionsAbout(FailureType.PROCESS_CRASH.name(), crash.node()))
                .containsSubsequence("failure_detected", "restart_node", "recovery_verified");
    }
}
