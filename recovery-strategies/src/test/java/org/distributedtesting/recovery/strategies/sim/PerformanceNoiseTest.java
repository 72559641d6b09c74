package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.strategies.DeadlockStrategy;
import org.distributedtesting.recovery.strategies.ResourceExhaustionStrategy;
import org.distributedtesting.recovery.strategies.SlowFollowerStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No false positives: the three performance detectors stay silent on a healthy cluster with the simulator's noise
 * (20 ms jitter, 500 ms GC pauses, a follower lagging for 2 s, leadership changes) under five writes a second.
 */
class PerformanceNoiseTest {

    private static final int CYCLES = 2_000;

    @ParameterizedTest
    @CsvSource({"3,21", "5,22"})
    void aHealthyNoisyClusterRunsTwoThousandCyclesWithoutAPerformanceFailure(int nodes, long seed) throws Exception {
        // Given
        try (PerfSimDriver sim = new PerfSimDriver(nodes, seed, RecoveryOptions.defaults(),
                List.of(new DeadlockStrategy(), new ResourceExhaustionStrategy(), new SlowFollowerStrategy()))) {
            sim.cluster.faults().jitter(Duration.ofMillis(20));
            Random noise = new Random(seed);
            List<String> reported = new ArrayList<>();
            int elections = 0;

            // When
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                List<NodeId> nodesNow = sim.cluster.nodeIds();
                if (cycle % 17 == 0) {
                    sim.cluster.faults().pause(nodesNow.get(noise.nextInt(nodes)), Duration.ofMillis(500));
                }
                if (cycle % 29 == 0) {
                    NodeId follower = nodesNow.stream().filter(n -> sim.cluster.view(n).role() == Role.FOLLOWER)
                            .findFirst().orElseThrow();
                    sim.cluster.faults().briefLag(follower, Duration.ofMillis(1500), Duration.ofSeconds(2));
                }
                if (cycle % 200 == 0) {
                    Optional<NodeId> leader = sim.cluster.leader();
                    if (leader.isPresent()) {
                        sim.cluster.control().execute(new Action.StepDown(leader.get(), Optional.empty()));
                        elections++;
                    }
                }
                CycleReport report = sim.cycle();
                for (Failure f : report.detected()) {
                    reported.add("cycle " + cycle + ": " + f.key() + ": " + f.summary());
                }
            }

            // Then
            assertThat(reported).isEmpty();
            assertThat(elections).isEqualTo(CYCLES / 200);
            assertThat(sim.cluster.writes().stream().filter(w -> w.acknowledged()).count())
                    .as("the cluster did work meanwhile").isGreaterThan(CYCLES * 4L);
            assertThat(sim.cluster.invariants().violations()).isEmpty();
        }
    }
}
