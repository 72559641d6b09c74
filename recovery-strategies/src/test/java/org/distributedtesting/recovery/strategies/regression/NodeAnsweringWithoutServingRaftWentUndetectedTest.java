package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimReport;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.DeadlockStrategy;
import org.junit.jupiter.api.Test;

/**
 * A node whose protocol server answered while its Raft server never served (role unknown, cycle after cycle) was
 * detected by nothing: it was reachable, so no crash or partition; it reported nothing stuck, so no deadlock. It is
 * a deadlock of the whole consensus module ({@code not_serving}), and a restart brings it back.
 */
class NodeAnsweringWithoutServingRaftWentUndetectedTest {

    @Test
    void aNodeWithoutAConsensusRoleForAMinuteIsRestarted() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster,
                new BuiltInStrategies().strategies(name -> Settings.EMPTY), RecoveryOptions.defaults())) {
            // Given a follower whose consensus module stopped while its process answers on
            cluster.faults().notServing(follower);

            // When the engine watches it for three minutes
            recovery.runFor(Duration.ofMinutes(3));

            // Then it was found not serving after a minute, restarted, and serves again
            String report = SimReport.of(cluster, List.of(recovery), 60);
            assertThat(recovery.events(RecoveryEvent.FailureConfirmed.class)).as(report)
                    .anySatisfy(e -> {
                        assertThat(e.failure().type()).isEqualTo(FailureType.DEADLOCK);
                        assertThat(e.failure().nodes()).containsExactly(follower);
                        assertThat(e.failure().evidence().get("signals")).isEqualTo(List.of(DeadlockStrategy.NOT_SERVING));
                    });
            assertThat(recovery.journal().records("restart_deadlocked_node")).as(report).isNotEmpty();
            assertThat(recovery.events(RecoveryEvent.RecoveryVerified.class)).as(report)
                    .anyMatch(e -> e.failure().affects(follower));
            assertThat(cluster.view(follower).role()).isEqualTo(Role.FOLLOWER);
            assertThat(cluster.invariants().violations()).isEmpty();
        }
    }
}
