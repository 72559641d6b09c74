package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Symptom: in the campaign, a follower whose log had a gap was never detected as corrupt, because the leader, whose
 * log was compacted past the gap, sent it an InstallSnapshot that replaced the whole log within a second. A node
 * does not build on a log that fails its own check, just as it does not compact it: the corruption stays visible
 * until the log is repaired.
 */
class CorruptLogHealedUnseenBySnapshotInstallTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aFollowerWithACorruptLogKeepsFailingItsCheckWhileTheLeaderCompactsPastTheCorruption(long seed) {
        // Given a follower whose log lost an entry, in a cluster that snapshots every 20 applied entries
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(seed).snapshotThreshold(20).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        writeFor(cluster, Duration.ofSeconds(10));
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.faults().corruptLog(follower, "GAP");

        // When clients write on for long enough that the leader compacts its log several times past the gap
        writeFor(cluster, Duration.ofSeconds(30));

        // Then the follower's log still fails its check, and no acknowledged write was lost meanwhile
        assertThat(cluster.view(follower).log().failed()).as(String.join("\n", cluster.trace())).isTrue();
        cluster.invariants().checkAcknowledgedWrites();
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    private static void writeFor(SimulatedCluster cluster, Duration duration) {
        for (long t = 0; t < duration.toMillis(); t += 200) {
            cluster.write("v" + t);
            cluster.advance(Duration.ofMillis(200));
        }
    }
}
