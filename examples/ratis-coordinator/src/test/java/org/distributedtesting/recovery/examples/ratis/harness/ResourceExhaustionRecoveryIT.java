package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

/** A node's data directory filling up under its disk quota: the daemon cleans up before anything harsher. */
class ResourceExhaustionRecoveryIT extends RecoveryItSupport {

    /** A small quota, so that filling it takes a moment. */
    private static final long QUOTA = 32L << 20;

    @Test
    void daemonCleansUpAFilledDiskWithoutRestartingTheNode() throws Exception {
        // Given a cluster under writes whose nodes have a 32 MiB disk quota
        start(b -> b.nodeArgs("--disk-quota", String.valueOf(QUOTA)));
        String follower = cluster.followers().get(0);
        long pid = cluster.pid(follower).orElseThrow();

        // When a follower's data directory fills to 95 % of it
        Injection fill = cluster.faults().fillDisk(follower, 0.95);

        // Then the daemon's cleanup frees the space, and the node is back under the threshold
        RecoveryTimes times = assertRecovered(fill);
        assertThat(times.rung()).isEqualTo("cleanup");
        assertThat(cluster.pid(follower).orElseThrow()).isEqualTo(pid);
        assertThat(cluster.status(follower).resources().diskRatio()).isLessThan(0.9);
        assertThat(actionsAbout(FailureType.RESOURCE_EXHAUSTION.name(), follower))
                .containsSubsequence("failure_detected", "cleanup_resources", "recovery_verified");
    }
}
