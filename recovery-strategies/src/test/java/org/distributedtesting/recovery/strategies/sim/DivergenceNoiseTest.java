package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.StateDivergenceStrategy;
import org.distributedtesting.recovery.strategies.TermDivergenceStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No false positives: the term- and state-divergence detectors stay silent on a healthy cluster with the
 * simulator's noise, through the unmodified engine.
 */
class DivergenceNoiseTest {

    private static final int CYCLES = 2_000;

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void aHealthyNoisyClusterShowsNoDivergenceIn2000Cycles(int nodes) {
        // Given a healthy cluster with 20 ms of jitter, 500 ms pauses, 2 s lags, now and then a leader paused long
        // enough to be replaced (an election, terms differing briefly), and 5 writes a second
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(1000L + nodes).build();
        cluster.faults().jitter(Duration.ofMillis(20));
        Random noise = new Random(nodes);
        List<String> reported = new ArrayList<>();
        int pauses = 0;
        int lags = 0;
        long firstTerm = -1;
        try (RecoveryEngine engine = cluster.engine()
                .strategies(List.of(new TermDivergenceStrategy(), new StateDivergenceStrategy())).build()) {
            firstTerm = cluster.view(cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow()).term();
            // When the engine runs 2,000 cycles, one a second
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                NodeId someone = cluster.nodeIds().get(noise.nextInt(nodes));
                if (noise.nextInt(20) == 0) {
                    cluster.faults().pause(someone, Duration.ofMillis(500));
                    pauses++;
                }
                if (noise.nextInt(40) == 0 && !cluster.leader().map(someone::equals).orElse(true)) {
                    cluster.faults().briefLag(someone, Duration.ofMillis(800), Duration.ofSeconds(2));
                    lags++;
                }
                if (cycle % 100 == 0) {
                    cluster.leader().ifPresent(leader -> cluster.faults().pause(leader, Duration.ofMillis(2_500)));
                }
                for (int w = 0; w < 5; w++) {
                    cluster.write("v" + cycle + "." + w);
                    cluster.advance(Duration.ofMillis(200));
                }
                int at = cycle;
                engine.runCycle().detected().forEach(f -> reported.add(at + ": " + f.key() + " " + f.summary()));
            }
        }
        // Then nothing was reported, and the noise did happen
        assertThat(reported).isEmpty();
        assertThat(pauses).isGreaterThan(50);
        assertThat(lags).isGreaterThan(20);
        long lastTerm = cluster.view(cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow()).term();
        assertThat(lastTerm - firstTerm).as("elections").isGreaterThanOrEqualTo(15);
        assertThat(cluster.writes().stream().filter(w -> w.acknowledged()).count()).isGreaterThan(CYCLES * 4L);
        assertThat(cluster.invariants().violations()).isEmpty();
    }
}
