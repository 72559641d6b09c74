package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node killed mid-write whose log (or database) was damaged while it was down could not start on it: every
 * restart exited 1, the crash strategy spent all {@code max_restart_attempts} on restarts and quarantined it, and
 * with one node of three gone for good the cluster never healed. A node whose process ends by itself is checked on
 * its stopped data by its own tool; a damaged log or database sends it to the log or database ladder, which repairs
 * it, and it rejoins with every acknowledged write.
 */
class CrashedNodeDamagedWhileDownRestartedUntilQuarantinedTest {

    static List<Arguments> damage() {
        BiConsumer<SimulatedCluster, NodeId> log = (cluster, node) -> cluster.faults().corruptLog(node, "CHECKSUM");
        BiConsumer<SimulatedCluster, NodeId> database = (cluster, node) -> cluster.faults().corruptDatabase(node);
        return List.of(Arguments.of("log", log, FailureType.LOG_CORRUPTION),
                Arguments.of("database", database, FailureType.DATABASE_CORRUPTION));
    }

    @ParameterizedTest(name = "its {0} damaged")
    @MethodSource("damage")
    void aKilledNodeThatCannotStartOnItsDamagedDataIsRepairedAndRejoins(String what,
            BiConsumer<SimulatedCluster, NodeId> damage, FailureType repair) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(21).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster,
                new BuiltInStrategies().strategies(name -> Settings.EMPTY), RecoveryOptions.defaults())) {
            for (int i = 0; i < 10; i++) {
                cluster.write("before-" + i);
                cluster.advance(Duration.ofMillis(200));
            }
            // Given a follower killed, and its data damaged while it is down
            cluster.faults().crash(follower);
            damage.accept(cluster, follower);

            // When the engine runs for three minutes while clients write
            for (int second = 0; second < 180; second++) {
                cluster.write("during-" + second);
                cluster.advance(Duration.ofSeconds(1));
                recovery.runCycle();
            }

            // Then its data was repaired by the right ladder, it was never quarantined, and it rejoined with every write
            String report = SimReport.of(cluster, List.of(recovery), 80);
            assertThat(recovery.quarantined()).as(report).isEmpty();
            assertThat(recovery.events(RecoveryEvent.RecoveryVerified.class)).as(report)
                    .anyMatch(e -> e.failure().type().equals(repair) && e.failure().affects(follower));
            assertThat(recovery.events(RecoveryEvent.Escalated.class)).as(report).isEmpty();
            assertThat(cluster.view(follower).role()).as(report).isEqualTo(Role.FOLLOWER);
            cluster.advance(Duration.ofSeconds(5));
            cluster.invariants().checkAcknowledgedWrites();
            assertThat(cluster.invariants().violations()).as(report).isEmpty();
            assertThat(cluster).satisfies(c -> assertThat(c.view(follower).appliedIndex())
                    .isEqualTo(c.view(leader).appliedIndex()));
        }
    }
}
