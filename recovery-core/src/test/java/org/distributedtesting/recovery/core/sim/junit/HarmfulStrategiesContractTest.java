package org.distributedtesting.recovery.core.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.InvariantChecker;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.Test;

/**
 * The contract catches what a user's strategy can do wrong, each with a message that says what was wrong: the
 * deliberately wrong strategies of {@link HarmfulStrategies}, run through {@link RecoveryStrategyContract}'s tests.
 * A correct strategy passes the same tests.
 */
class HarmfulStrategiesContractTest {

    /** The contract for {@code strategy}, called test by test (an anonymous class: JUnit does not run it itself). */
    private static RecoveryStrategyContract contractFor(Supplier<RecoveryStrategy> strategy) {
        return new RecoveryStrategyContract() {
            @Override
            protected RecoveryStrategy strategy() {
                return strategy.get();
            }
        };
    }

    @Test
    void aStrategyThatStopsAHealthyNodeInItsRecoveryFailsTheContract() {
        RecoveryStrategyContract contract = contractFor(HarmfulStrategies.StopsAHealthyNode::new);

        assertThatThrownBy(contract::detectsAndRecoversItsFaultWithEveryInvariantHolding)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'stops_a_healthy_node' took a node out of service that has no failure")
                .hasMessageMatching("(?s).*stop_node on 'node-\\d' \\(rung 'restart' for process_crash:node-\\d, "
                        + "done\\): the failure names only \\[node-\\d\\].*")
                .hasMessageContaining("declare any other node it must disrupt in alsoDisrupts()");
    }

    @Test
    void aStrategyThatActsOnAHealthyClusterFailsTheContract() {
        RecoveryStrategyContract contract = contractFor(HarmfulStrategies.RestartsTheLeaderEveryCycle::new);

        assertThatThrownBy(contract::reportsNothingOnAHealthyCluster)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'restarts_the_leader' reported a failure on a healthy cluster")
                .hasMessageContaining("process_crash");
    }

    @Test
    void aStrategyWhoseRecoveryLeavesMoreNodesDownFailsTheContract() {
        RecoveryStrategyContract contract = contractFor(HarmfulStrategies.TakesANeighbourDown::new);

        assertThatThrownBy(contract::detectsAndRecoversItsFaultWithEveryInvariantHolding)
                .isInstanceOf(AssertionError.class)
                .hasMessageMatching("(?s)'takes_a_neighbour_down' left more nodes down than before the fault \\(seed "
                        + "1\\): \\[node-\\d\\] was up before the fault was injected and is down after its recovery "
                        + "was verified.*");
    }

    @Test
    void aStrategyThatVerifiesAFailureItCannotRepairFailsTheContract() {
        RecoveryStrategyContract contract = contractFor(HarmfulStrategies.VerifiesFalsely::new);

        assertThatThrownBy(contract::escalatesInsteadOfLoopingWhenRecoveryKeepsFailing)
                .isInstanceOf(AssertionError.class)
                .hasMessageMatching("(?s)'verifies_falsely' had its recovery verified although 'node-\\d' refused "
                        + "every action, so nothing repaired it: \\[process_crash:node-\\d\\] was journaled "
                        + "recovery_verified and then detected again, \\d+ times?; isResolved must say whether the "
                        + "failure is gone, not whether a rung ran.*");
    }

    @Test
    void aCorrectStrategyPassesTheHarmChecks() {
        RecoveryStrategyContract contract = contractFor(TinyCrashStrategy::new);

        contract.reportsNothingOnAHealthyCluster();
        contract.detectsAndRecoversItsFaultWithEveryInvariantHolding();
        contract.escalatesInsteadOfLoopingWhenRecoveryKeepsFailing();
    }

    @Test
    void theInvariantCheckerReportsANodeStoppedWithoutAFailureOnIt() {
        // Given a crashed follower, recovered by a strategy that also stops a healthy follower
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(1).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId crashed = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.crash(crashed);
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster,
                List.of(new HarmfulStrategies.StopsAHealthyNode()), RecoveryOptions.defaults())) {

            // When the engine recovers it
            recovery.runFor(Duration.ofMinutes(1));
        }

        // Then the checker names the stop of a node no failure names
        assertThat(cluster.invariants().violations())
                .filteredOn(v -> v.invariant().equals(InvariantChecker.AVAILABILITY)).isNotEmpty()
                .first().satisfies(v -> assertThat(v.detail()).matches("stop_node on 'node-\\d' \\(rung 'restart' "
                        + "of the recovery of process_crash:" + crashed + "\\), but no detected failure names "
                        + "'node-\\d': the failure names only \\[" + crashed + "\\]"));
    }

    @Test
    void aDisruptionTheTestDeclaresIsNoViolation() {
        // Given every node declared as one the strategy may stop
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(1).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        cluster.nodeIds().forEach(n -> cluster.invariants().allowDisruption(n, "a rolling restart, on purpose"));
        NodeId crashed = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.crash(crashed);
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster,
                List.of(new HarmfulStrategies.StopsAHealthyNode()), RecoveryOptions.defaults())) {

            // When the engine recovers it
            recovery.runFor(Duration.ofMinutes(1));

            // Then nodes were stopped, and the checker holds none of it against the strategy
            assertThat(recovery.journal().records("stop_node")).isNotEmpty();
        }
        assertThat(cluster.invariants().violations())
                .noneMatch(v -> v.invariant().equals(InvariantChecker.AVAILABILITY));
    }
}
