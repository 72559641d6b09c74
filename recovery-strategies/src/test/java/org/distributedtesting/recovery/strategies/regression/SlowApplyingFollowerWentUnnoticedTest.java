package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.strategies.DeadlockStrategy;
import org.distributedtesting.recovery.strategies.SlowFollowerStrategy;
import org.junit.jupiter.api.Test;

/**
 * Seen on the real Ratis cluster: a follower whose applies were slowed (150 ms each, against about 25 writes a
 * second) fell 1,200 entries behind in 90 s and neither strategy reported it. Its log kept up with the leader, so
 * its own commit index did too, and its apply backlog made up the whole lag; the slow-follower detector left every
 * such node to the deadlock strategy, which only reports an applied index that does not move at all. A slow apply
 * loop is a slow follower; only an apply loop that stands still is a deadlock.
 */
class SlowApplyingFollowerWentUnnoticedTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SlowFollowerStrategy slow = new SlowFollowerStrategy();
    private final DeadlockStrategy deadlock = new DeadlockStrategy();

    @Test
    void aFollowerWhoseApplyMovesTooSlowlyIsASlowFollowerNotADeadlock() {
        // Given: the leader commits 25 entries a cycle; node-3 receives them all but applies only 7 a cycle
        List<ClusterSnapshot> snapshots = cycles(11, k -> 1000 + 7 * k);

        // When
        List<Failure> slowFindings = detect(slow, snapshots);
        List<Failure> deadlockFindings = detect(deadlock, snapshots);

        // Then
        assertThat(slowFindings).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("slow_follower:node-3");
            assertThat(f.evidence()).containsEntry("signal", "growing_lag");
        });
        assertThat(deadlockFindings).isEmpty();
    }

    @Test
    void aSlowApplyFarBehindIsASustainedLag() {
        // Given: node-3 is 400 entries behind and still applies a few entries a cycle
        List<ClusterSnapshot> snapshots = cycles(3, k -> 600 + 7 * k);

        assertThat(detect(slow, snapshots)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("signal", "sustained_lag"));
    }

    @Test
    void anApplyThatStandsStillIsStillLeftToTheDeadlockStrategy() {
        // Given: node-3's applied index does not move while its commit index does
        List<ClusterSnapshot> snapshots = cycles(11, k -> 1000);

        assertThat(detect(slow, snapshots)).isEmpty();
        assertThat(detect(deadlock, snapshots)).singleElement()
                .satisfies(f -> assertThat(f.key()).isEqualTo("deadlock:node-3"));
    }

    private static List<Failure> detect(org.distributedtesting.recovery.RecoveryStrategy strategy,
                                        List<ClusterSnapshot> snapshots) {
        return strategy.detector().detect(snapshots.get(snapshots.size() - 1),
                new ClusterHistory(snapshots.subList(0, snapshots.size() - 1)));
    }

    /**
     * {@code count} snapshots one second apart: node-1 leads and commits 25 entries a cycle, node-2 keeps up,
     * node-3 has the leader's commit index in its log and has applied {@code applied.applyAsLong(k)}.
     */
    private static List<ClusterSnapshot> cycles(int count, LongUnaryOperator applied) {
        List<ClusterSnapshot> snapshots = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            long commit = 1000 + 25L * k;
            Instant at = T0.plusSeconds(k);
            Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
            List<NodeSpec> specs = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                specs.add(NodeSpec.of("node-" + i, "127.0.0.1", 7000 + i, Path.of("/tmp")));
                long apply = i == 3 ? applied.applyAsLong(k) : commit;
                NodeStatus status = NodeStatus.builder().role(i == 1 ? Role.LEADER : Role.FOLLOWER).term(3)
                        .leader(NodeId.of("node-1")).commitIndex(commit).appliedIndex(apply).lastLogIndex(commit)
                        .queueDepth(commit - apply).build();
                observations.put(NodeId.of("node-" + i), new NodeObservation.Reachable(NodeId.of("node-" + i), at,
                        Duration.ofMillis(2), status, ProcessStatus.alive(i)));
            }
            snapshots.add(new ClusterSnapshot(k + 1, at, specs, observations));
        }
        return snapshots;
    }
}
