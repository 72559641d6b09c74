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
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.distributedtesting.recovery.strategies.SplitBrainStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The partition and split-brain detectors stay silent on a healthy cluster with the simulator's noise: 20 ms of
 * jitter, 500 ms GC-like pauses, followers lagging for 2 s, and leader changes (a leader stepping down makes the
 * others elect a new one, so terms and the leaders nodes name differ for a moment).
 */
class LeadershipNoFalsePositivesTest {

    private static final int CYCLES = 2_000;

    @ParameterizedTest
    @CsvSource({"3,101", "5,202"})
    void aHealthyNoisyClusterRunsTwoThousandCyclesWithoutAFailureReported(int nodes, long seed) throws Exception {
        // Given a healthy cluster with noise, watched by the two strategies only
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(seed).build();
        cluster.faults().jitter(Duration.ofMillis(20));
        Random noise = new Random(seed);
        List<String> reported = new ArrayList<>();
        int leaderChanges = 0;
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster,
                List.of(new NetworkPartitionStrategy(), new SplitBrainStrategy()))) {
            driver.start(Duration.ofSeconds(3));

            // When the engine runs 2,000 cycles, one a second, while the noise goes on
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                NodeId anyNode = cluster.nodeIds().get(noise.nextInt(nodes));
                if (noise.nextInt(20) == 0) {
                    cluster.faults().pause(anyNode, Duration.ofMillis(500));
                }
                Optional<NodeId> leader = cluster.leader();
                if (noise.nextInt(50) == 0 && leader.isPresent() && !leader.get().equals(anyNode)) {
                    cluster.faults().briefLag(anyNode, Duration.ofMillis(300), Duration.ofSeconds(2));
                }
                if (cycle % 150 == 75 && leader.isPresent()) {
                    if (cluster.control().execute(new Action.StepDown(leader.get(), Optional.empty())).done()) {
                        leaderChanges++;
                    }
                }
                CycleReport report = driver.cycle();
                for (Failure f : report.detected()) {
                    reported.add("cycle " + report.cycle() + ": " + f.key() + ": " + f.summary());
                }
            }
        }

        // Then no cycle reported a failure, and the noise did happen
        assertThat(reported).as("failures reported on a healthy cluster").isEmpty();
        assertThat(leaderChanges).isGreaterThanOrEqualTo(CYCLES / 150);
        assertThat(cluster.invariants().violations()).isEmpty();
        assertThat(cluster.writes().stream().filter(w -> w.acknowledged()).count()).isGreaterThan(CYCLES * 4L);
    }
}
