package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.Test;

/** The cluster's conveniences for test authors, and the determinism of what it reports (issue 14, item 6). */
class SimulatedClusterHelpersTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @Test
    void writeAndWaitBeforeAnyLeaderWaitsForOneAndReturnsTheAcknowledgedWrite() {
        // Given: a cluster that has not elected anyone yet
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(3).build();
        assertThat(cluster.leader()).isEmpty();

        // When
        ClientWrite write = cluster.writeAndWait("first", Duration.ofSeconds(5));

        // Then
        assertThat(write.acknowledged()).isTrue();
        assertThat(write.index()).isPositive();
        assertThat(cluster.writes()).containsExactly(write);
    }

    @Test
    void writeAndWaitThrowsWhenNoLeaderAppearsWithinItsLimit() {
        // Given: two of three nodes down before any election, so no leader can be elected
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(3).build();
        cluster.crash(cluster.nodeIds().get(0));
        cluster.crash(cluster.nodeIds().get(1));
        long before = cluster.clock().millis();

        // When / Then
        assertThatThrownBy(() -> cluster.writeAndWait("lost", Duration.ofSeconds(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no leader took the write 'lost' within 5000 ms of virtual time: there is no live "
                        + "leader; call awaitLeader(...) first, or use write(...) to record a write that no leader "
                        + "takes");
        assertThat(cluster.clock().millis() - before).isEqualTo(5000);
        assertThat(cluster.writes()).isEmpty();
    }

    @Test
    void anEngineRestartIsTracedAsAStopByTheEngineNotAsACrash() throws Exception {
        // Given
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(4).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        NodeId node = cluster.anyFollower();

        // When
        cluster.control().execute(new Action.Restart(node));

        // Then
        assertThat(cluster.trace()).anyMatch(l -> l.endsWith(node + " stopped: by the engine, to restart it "
                + "(restart_node)")).noneMatch(l -> l.endsWith(node + " crashed"));
    }

    @Test
    void anInjectedCrashIsTracedAsACrashAndAsAnInjection() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(4).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        NodeId node = cluster.anyFollower();

        InjectedFault fault = cluster.crash(node);

        assertThat(fault.type()).isEqualTo(FailureType.PROCESS_CRASH);
        assertThat(fault.nodes()).containsExactly(node);
        assertThat(cluster.trace()).anyMatch(l -> l.endsWith(node + " crashed"))
                .anyMatch(l -> l.contains("inject process_crash on [" + node + "]"));
    }

    @Test
    void aPartitionThroughTheClusterIsTheSameAsThroughTheFaults() {
        // Given: two clusters with one seed
        SimulatedCluster one = SimulatedCluster.builder().nodes(5).seed(6).build();
        SimulatedCluster two = SimulatedCluster.builder().nodes(5).seed(6).build();
        one.awaitLeader(TEN_SECONDS).orElseThrow();
        two.awaitLeader(TEN_SECONDS).orElseThrow();
        List<NodeId> ids = one.nodeIds();
        Set<NodeId> minority = Set.of(ids.get(0), ids.get(1));
        Set<NodeId> majority = Set.of(ids.get(2), ids.get(3), ids.get(4));

        // When
        InjectedFault viaCluster = one.partition(minority, majority);
        InjectedFault viaFaults = two.faults().partition(minority, majority);
        one.advance(TEN_SECONDS);
        two.advance(TEN_SECONDS);

        // Then
        assertThat(viaCluster.nodes()).containsExactlyInAnyOrderElementsOf(minority);
        assertThat(viaCluster.toString()).isEqualTo(viaFaults.toString());
        assertThat(one.trace()).isEqualTo(two.trace());
    }

    @Test
    void anyFollowerPicksTheFirstNodeFollowingTheLeader() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(8).build();
        assertThatThrownBy(cluster::anyFollower).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("there is no live leader at 0 ms virtual; call awaitLeader(...) first");
        NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();

        NodeId follower = cluster.anyFollower();

        assertThat(follower).isNotEqualTo(leader);
        assertThat(cluster.followers()).hasSize(4).doesNotContain(leader).startsWith(follower);
        assertThat(cluster.view(follower).leader()).contains(leader);
    }

    @Test
    void nodeViewRowsAreInKeyOrder() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(2).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        for (int i = 0; i < 40; i++) {
            cluster.writeAndWait("v" + i, Duration.ofSeconds(1));
        }

        NodeView view = cluster.view(cluster.leader().orElseThrow());

        assertThat(view.rows()).hasSize(40);
        assertThat(List.copyOf(view.rows().keySet())).isEqualTo(List.copyOf(new TreeSet<>(view.rows().keySet())));
    }

    @Test
    void cycleDurationsAreVirtualAndTheSameInEveryRunOfASeed() {
        List<Duration> first = cycleDurationsOfACrashRecovery();
        List<Duration> second = cycleDurationsOfACrashRecovery();

        assertThat(first).isNotEmpty().isEqualTo(second)
                .allSatisfy(d -> assertThat(d.toNanos() % 1_000_000).as("whole virtual milliseconds").isZero());
    }

    private static List<Duration> cycleDurationsOfACrashRecovery() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(12).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        cluster.crash(cluster.anyFollower());
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(new TinyCrashStrategy()),
                RecoveryOptions.defaults())) {
            recovery.runUntilHealthy(Duration.ofMinutes(2));
            return recovery.events(RecoveryEvent.CycleCompleted.class).stream()
                    .map(RecoveryEvent.CycleCompleted::elapsed).toList();
        }
    }
}
