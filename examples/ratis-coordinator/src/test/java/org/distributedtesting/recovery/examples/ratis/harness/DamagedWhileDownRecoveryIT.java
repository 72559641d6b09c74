package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.examples.ratis.CoordinatorNode;
import org.junit.jupiter.api.Test;

/**
 * A node killed mid-write whose data is damaged while it is down, on nodes that, like etcd on a corrupt WAL, exit
 * instead of serving when their storage fails its check at start ({@code --exit-on-damaged-storage}): the daemon's
 * restart fails at once (exit code {@value CoordinatorNode#EXIT_DAMAGED_STORAGE}), the node's maintenance command
 * checks its stopped data, and the daemon repairs it on the log or database ladder instead of restarting it until it
 * is quarantined; it rejoins with every acknowledged write.
 */
class DamagedWhileDownRecoveryIT extends RecoveryItSupport {

    @Test
    void aNodeKilledWhoseLogIsDamagedWhileDownIsResetAndRejoins() throws Exception {
        // Given a cluster under writes whose nodes exit on damaged storage and have a maintenance command
        start(b -> b.maintenance(true).nodeArgs("--exit-on-damaged-storage"));
        String follower = cluster.followers().get(0);

        // When the follower is killed, and a byte of its oldest log segment flips while it is down
        cluster.faults().kill(follower, "crash_follower");
        Injection damage = cluster.faults().flipLogByte(follower);

        // Then its restart fails on the damage, its log is reset through its maintenance command, and it rejoins
        RecoveryTimes times = assertRecovered(damage);
        assertThat(times.rung()).isEqualTo("reset_log");
        assertThat(actionsAbout(FailureType.PROCESS_CRASH.name(), follower))
                .containsSubsequence("failure_detected", "restart_node", "recovery_rung_failed")
                .doesNotContain("recovery_escalated");
        assertThat(actionsAbout(FailureType.LOG_CORRUPTION.name(), follower)).containsSubsequence(
                "failure_detected", "move_aside_log", "reset_log", "start_node", "recovery_verified");
        assertThat(cluster.status(follower).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aNodeKilledWhoseDatabaseIsDamagedWhileDownIsRestoredAndRejoins() throws Exception {
        // Given a cluster under writes whose nodes exit on damaged storage and have a maintenance command
        start(b -> b.maintenance(true).nodeArgs("--exit-on-damaged-storage"));
        String follower = cluster.followers().get(0);

        // When the follower is killed, and its database is damaged while it is down
        cluster.faults().kill(follower, "crash_follower");
        Injection damage = cluster.faults().flipDatabaseByte(follower);

        // Then its restart fails on the damage, its database is restored from a replica, and it rejoins
        RecoveryTimes times = assertRecovered(damage);
        assertThat(times.rung()).isEqualTo("restore_from_replica");
        assertThat(actionsAbout(FailureType.PROCESS_CRASH.name(), follower))
                .containsSubsequence("failure_detected", "restart_node", "recovery_rung_failed")
                .doesNotContain("recovery_escalated");
        assertThat(actionsAbout(FailureType.DATABASE_CORRUPTION.name(), follower)).containsSubsequence(
                "failure_detected", "move_aside_database", "restore_database", "start_node", "recovery_verified");
        assertThat(cluster.status(follower).role()).isEqualTo(Role.FOLLOWER);
    }
}
