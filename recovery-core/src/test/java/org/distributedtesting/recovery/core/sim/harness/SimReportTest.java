package org.distributedtesting.recovery.core.sim.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

class SimReportTest {

    @Test
    void showsTheSeedEveryNodeTheEndOfTheTraceAndEachOpenRecoverysJournal() {
        // Given
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(11).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.crash(follower);
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(new TinyCrashStrategy()),
                RecoveryOptions.defaults())) {
            recovery.runUntilHealthy(Duration.ofMinutes(1));

            // When
            String report = SimReport.of(cluster, 4);

            // Then
            List<String> trace = cluster.trace();
            assertThat(report).contains("3 nodes, seed 11, pre-vote on")
                    .contains("leaders: [" + leader + "]")
                    .contains("--- trace: last 4 of " + trace.size() + " lines ---\n"
                            + String.join("\n", trace.subList(trace.size() - 4, trace.size())) + "\n")
                    .doesNotContain(trace.get(trace.size() - 5) + "\n")
                    .contains("restart_node {node_id=" + follower)
                    .contains("verified process_crash:" + follower + " by rung 'restart'")
                    .contains("quarantined: []");
            assertThat(report.lines().filter(l -> l.startsWith("  " + leader)).findFirst()).get().asString()
                    .contains("LEADER");
        }
    }

    @Test
    void showsADownNodeAsDown() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).build();
        cluster.crash(cluster.nodeIds().get(1));

        assertThat(SimReport.of(cluster, 0)).contains("  node-2   down").contains("--- trace: last 0 of ");
    }

    @Test
    void rejectsANegativeNumberOfTraceLines() {
        SimulatedCluster cluster = SimulatedCluster.builder().build();

        assertThatThrownBy(() -> SimReport.of(cluster, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("traceLines must be >= 0, but was -1");
    }
}
