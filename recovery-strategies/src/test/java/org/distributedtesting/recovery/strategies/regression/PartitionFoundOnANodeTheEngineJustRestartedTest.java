package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seen in the Ratis demo about one run in five under load: a node the daemon had just restarted took seconds to give
 * its first status answer (it checked its database and log first), its peers could not reach it meanwhile, and the
 * partition detector confirmed a partition of it over three cycles, which took over from the recovery waiting to
 * verify the restart. A node the engine itself started is coming up, not cut off, until it answers.
 */
class PartitionFoundOnANodeTheEngineJustRestartedTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void aRestartedNodeThatTakesSecondsToAnswerIsNotFoundPartitioned(long seed) {
        // Given nodes that take 8 s from the start of their process to their first answer (3 cycles confirm)
        try (SimulatedRecovery recovery = slowStartingCluster(seed)) {
            SimulatedCluster cluster = recovery.cluster();
            NodeId follower = cluster.anyFollower();

            // When a follower crashes, and the engine restarts it
            cluster.faults().crash(follower);
            recovery.runUntilHealthy(Duration.ofMinutes(3));

            // Then its crash is the only failure found, and one restart recovers it
            assertThat(recovery.events(RecoveryEvent.FailureConfirmed.class))
                    .extracting(e -> e.failure().key()).containsExactly("process_crash:" + follower);
            assertThat(recovery.events(RecoveryEvent.ActionTaken.class)).extracting(e -> e.action().kind().name())
                    .containsExactly("RESTART");
            assertThat(recovery.events(RecoveryEvent.RecoveryVerified.class)).singleElement()
                    .satisfies(v -> assertThat(v.failure().type()).isEqualTo(FailureType.PROCESS_CRASH));
            assertThat(recovery.events(RecoveryEvent.RecoveryPreempted.class)).isEmpty();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void aNodeThatWasNotStartedByTheEngineAndStopsAnsweringIsStillFoundPartitioned(long seed) {
        // Given the same slow-starting nodes, with a follower cut off from everyone while its process runs
        try (SimulatedRecovery recovery = slowStartingCluster(seed)) {
            SimulatedCluster cluster = recovery.cluster();
            NodeId follower = cluster.anyFollower();

            // When
            cluster.faults().isolate(follower);
            recovery.runFor(Duration.ofSeconds(10));

            // Then the grace does not hide it: it was never started by the engine
            assertThat(recovery.events(RecoveryEvent.FailureConfirmed.class))
                    .extracting(e -> e.failure().type()).contains(FailureType.NETWORK_PARTITION);
            assertThat(recovery.events(RecoveryEvent.ActionTaken.class)).extracting(e -> e.action())
                    .noneMatch(a -> a instanceof Action.Restart);
        }
    }

    /** Three nodes that take 8 s from the start of their process to their first answer, a leader elected. */
    private static SimulatedRecovery slowStartingCluster(long seed) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(seed).startup(Duration.ofSeconds(8))
                .build();
        cluster.awaitLeader(Duration.ofSeconds(20)).orElseThrow();
        return SimulatedRecovery.of(cluster, new BuiltInStrategies().strategies(name -> Settings.EMPTY),
                RecoveryOptions.defaults());
    }
}
