package org.distributedtesting.recovery.core.sim.junit;

import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThat;

import java.time.Duration;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension as a test author uses it: what gets injected, and how the annotations configure it. */
@ExtendWith(SimulatedClusterExtension.class)
class SimulatedClusterExtensionTest {

    private SimulatedCluster fromBeforeEach;

    @BeforeEach
    void keep(SimulatedCluster cluster) {
        fromBeforeEach = cluster;
    }

    @Test
    void injectsAThreeNodeClusterWithThePreVoteOnAndTheDefaultSeedWhenNothingIsAnnotated(SimulatedCluster cluster) {
        assertThat(cluster.nodeIds()).hasSize(SimCluster.DEFAULT_NODES);
        assertThat(cluster.config().seed()).isEqualTo(SimCluster.DEFAULT_SEED);
        assertThat(cluster.config().preVote()).isTrue();
    }

    @Test
    void buildsTheClusterTheParameterAnnotationDescribes(
            @SimCluster(nodes = 5, seed = 42, preVote = false) SimulatedCluster cluster) {
        assertThat(cluster.nodeIds()).hasSize(5);
        assertThat(cluster.config().seed()).isEqualTo(42);
        assertThat(cluster.config().preVote()).isFalse();
    }

    @Test
    @SimCluster(nodes = 1, seed = 9)
    void buildsTheClusterTheMethodAnnotationDescribes(SimulatedCluster cluster) {
        assertThat(cluster.nodeIds()).hasSize(1);
        assertThat(cluster.config().seed()).isEqualTo(9);
    }

    @Test
    void givesTheTestTheSameClusterAsItsBeforeEachMethod(@SimCluster(nodes = 5) SimulatedCluster cluster) {
        assertThat(cluster).isSameAs(fromBeforeEach);
        assertThat(fromBeforeEach.nodeIds()).hasSize(5);
    }

    @Test
    void injectsARecoveryBoundToTheTestsClusterAsTheAnnotationDescribes(SimulatedCluster cluster,
            @SimRecovery(strategies = TinyCrashStrategy.class, maxRestartAttempts = 2, confirmations = 2)
            SimulatedRecovery recovery) {
        assertThat(recovery.cluster()).isSameAs(cluster);
        assertThat(recovery.engine().strategies()).singleElement().isInstanceOf(TinyCrashStrategy.class);
        assertThat(recovery.options().maxRestartAttempts()).isEqualTo(2);
        assertThat(recovery.options().confirmations()).isEqualTo(2);
        assertThat(SimulatedRecovery.openOn(cluster)).containsExactly(recovery);
    }

    @Test
    void configuresTheClusterFromItsOwnParameterEvenWhenTheRecoveryIsResolvedFirst(SimulatedRecovery recovery,
            @SimCluster(nodes = 5, seed = 3) SimulatedCluster cluster) {
        assertThat(recovery.cluster()).isSameAs(cluster);
        assertThat(cluster.nodeIds()).hasSize(5);
    }

    @Test
    void discoversTheStrategiesAsTheDaemonDoesWhenNoneAreNamed(SimulatedRecovery recovery) {
        assertThat(recovery.engine().strategies()).extracting(RecoveryStrategy::name)
                .containsExactlyInAnyOrderElementsOf(StrategyRegistry.discover(name -> Settings.EMPTY).all().stream()
                        .map(RecoveryStrategy::name).toList());
    }

    @Test
    void recoversACrashedFollowerEndToEnd(@SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster,
            @SimRecovery(strategies = TinyCrashStrategy.class) SimulatedRecovery recovery) {
        // Given
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        for (int i = 0; i < 10; i++) {
            cluster.writeAndWait("v" + i, Duration.ofSeconds(1));
        }
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.crash(follower);

        // When
        boolean healthy = recovery.runUntilHealthy(Duration.ofMinutes(5)).healthy();
        cluster.advance(Duration.ofSeconds(1));

        // Then
        assertThat(healthy).isTrue();
        assertThat(cluster).hasSingleLeader().hasNoDivergence().lostNoAcknowledgedWrites();
        assertThat(recovery).recovered(FailureType.PROCESS_CRASH, follower)
                .journalContainsActionOnNode("restart_node", follower);
    }

    @Nested
    @SimCluster(nodes = 5, seed = 11)
    class WithTheAnnotationOnTheClass {

        @Test
        void buildsTheClusterTheClassAnnotationDescribes(SimulatedCluster cluster) {
            assertThat(cluster.nodeIds()).hasSize(5);
            assertThat(cluster.config().seed()).isEqualTo(11);
        }

        @Test
        @SimCluster(nodes = 3, seed = 12)
        void letsTheMethodAnnotationWin(SimulatedCluster cluster) {
            assertThat(cluster.nodeIds()).hasSize(3);
        }
    }
}
