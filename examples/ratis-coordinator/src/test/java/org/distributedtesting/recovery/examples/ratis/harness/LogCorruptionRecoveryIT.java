package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

/**
 * A flipped byte in a follower's Raft log segment, under the running node: the daemon stops the node, moves its log
 * aside and resets it through the node's maintenance command, and starts it; the leader refills the log.
 */
class LogCorruptionRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonResetsACorruptLogAndTheLeaderRefillsIt() throws Exception {
        // Given a cluster under writes whose nodes have a maintenance command
        start(b -> b.maintenance(true));
        String follower = cluster.followers().get(0);

        // When a byte of the follower's oldest log segment flips
        Injection flip = cluster.faults().flipLogByte(follower);

        // Then the daemon resets its log, the corrupt one kept in the backups, and it catches up from the leader
        RecoveryTimes times = assertRecovered(flip);
        assertThat(times.rung()).isEqualTo("reset_log");
        assertThat(cluster.status(follower).log().failed()).isFalse();
        assertThat(actionsAbout(FailureType.LOG_CORRUPTION.name(), follower)).containsSubsequence(
                "failure_detected", "stop_node", "move_aside_log", "reset_log", "start_node", "recovery_verified");
        assertThat(cluster.dataDir(follower).backupsDir()).isNotEmptyDirectory();
    }
}
