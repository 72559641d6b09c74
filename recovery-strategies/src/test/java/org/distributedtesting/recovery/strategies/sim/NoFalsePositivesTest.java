package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A healthy cluster with the simulator's noise (latency jitter, GC-like pauses under the thresholds, a follower
 * briefly behind) runs 10,000 engine cycles with every built-in strategy, and no failure is ever reported.
 */
class NoFalsePositivesTest {

    private static final int CYCLES = 10_000;

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void aNoisyHealthyClusterReportsNoFailureIn10000Cycles(int nodes) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(1000 + nodes).build();
        cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        cluster.faults().jitter(Duration.ofMillis(20));
        Random noise = new Random(nodes);
        List<String> reported = new ArrayList<>();
        try (RecoveryEngine engine = cluster.engine()
                .strategies(new BuiltInStrategies().strategies(name -> Settings.EMPTY)).build()) {
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                for (int w = 0; w < 5; w++) {
                    cluster.write("v" + cycle + "." + w);
                    cluster.advance(Duration.ofMillis(200));
                }
                NodeId someone = cluster.nodeIds().get(noise.nextInt(nodes));
                int roll = noise.nextInt(100);
                if (roll < 2) {
                    cluster.faults().pause(someone, Duration.ofMillis(200 + noise.nextInt(400)));
                } else if (roll < 3) {
                    cluster.faults().briefLag(someone, Duration.ofMillis(300), Duration.ofSeconds(2));
                }
                CycleReport report = engine.runCycle();
                for (Failure f : report.detected()) {
                    if (reported.size() < 20) {
                        reported.add("cycle " + cycle + ": " + f.key() + " " + f.summary() + " " + f.evidence());
                    }
                }
            }
        }
        assertThat(reported).as("failures reported on a healthy cluster").isEmpty();
        assertThat(cluster.invariants().violations()).isEmpty();
        assertThat(cluster.writes().stream().filter(w -> w.acknowledged()).count()).isGreaterThan(CYCLES * 4L);
    }
}
