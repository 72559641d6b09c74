package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

/**
 * A flipped byte in a follower's database file, under the running node: the daemon stops the node, moves its
 * database aside and restores a copy from a healthy replica through the node's maintenance command, and starts it.
 */
class DatabaseCorruptionRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonRestoresACorruptDatabaseFromAHealthyReplica() throws Exception {
        // Given a cluster under writes whose nodes have a maintenance command
        start(b -> b.maintenance(true));
        String follower = cluster.followers().get(0);

        // When a byte of the follower's database file flips
        Injection flip = cluster.faults().flipDatabaseByte(follower);

        // Then the daemon restores its database from a replica, the corrupt one kept in the backups
        RecoveryTimes times = assertRecovered(flip);
        assertThat(times.rung()).isEqualTo("restore_from_replica");
        assertThat(cluster.status(follower).database().failed()).isFalse();
        assertThat(actionsAbout(FailureType.DATABASE_CORRUPTION.name(), follower)).containsSubsequence(
                "failure_detected", "stop_node", "move_aside_database", "restore_database", "start_node",
                "recovery_verified");
        assertThat(cluster.dataDir(follower).backupsDir()).isNotEmptyDirectory();
    }
}
