package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.SimClock;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The partition strategy on the simulated cluster, with every built-in strategy, through the unmodified engine. */
class SimulatedPartitionRecoveryTest {

    private static final List<String> MEMBERSHIP_CHANGES = List.of("demote_to_non_voter", "promote_to_voter");

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static List<String> actions(ScenarioResult result) {
        return result.journal().stream().map(JournalRecord::action).toList();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aTransientPartitionIsRecoveredByWaitingWithoutAnyMembershipChange(int nodes, long seed) {
        // Given a node isolated from its peers and the monitor, healing after 30 s
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.NETWORK_PARTITION)
                .strategies(builtIns()).build().run();

        // Then it is confirmed on the third cycle (2 s), waited out and verified once healed
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome partition = result.faults().get(0);
        assertThat(partition.rungs()).containsExactly("wait_for_healing");
        assertThat(partition.timeToDetect().orElseThrow()).isBetween(2_000L, 3_000L);
        assertThat(partition.timeToRecover().orElseThrow()).isBetween(30_000L, 32_000L);
        assertThat(actions(result)).containsSubsequence("failure_detected", NetworkPartitionStrategy.WAIT_ACTION,
                "recovery_verified");
        // and nothing was restarted, demoted or removed meanwhile
        assertThat(actions(result)).doesNotContainAnyElementsOf(MEMBERSHIP_CHANGES).doesNotContain("restart_node");
        assertThat(result.acknowledged()).isGreaterThan(100);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void aPermanentPartitionClimbsTheLadderAndEscalatesInsteadOfLooping(int nodes) {
        // Given an isolation that never heals
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(11).inject(FailureType.NETWORK_PARTITION)
                .permanent(true).maxDuration(Duration.ofMinutes(4)).strategies(builtIns()).build().run();

        // Then every rung ran in order, the last one gave up, and the node ended quarantined
        FaultOutcome partition = result.faults().get(0);
        String trace = String.join("\n", result.trace());
        assertThat(partition.escalated()).as(trace).isTrue();
        assertThat(partition.rungs()).containsExactly("wait_for_healing", "try_alternative_addresses",
                "fence_minority_leader", "alert");
        List<String> actions = actions(result);
        assertThat(actions).containsSubsequence(NetworkPartitionStrategy.WAIT_ACTION, "recovery_rung_failed",
                "try_alternative_addresses", "fence_minority_leader", "alert_network_partition", "recovery_escalated",
                "node_quarantined");
        assertThat(actions).doesNotContainAnyElementsOf(MEMBERSHIP_CHANGES).doesNotContain("restart_node");
        // and nothing more happened in the minutes after the escalation: no loop
        int escalatedAt = actions.lastIndexOf("recovery_escalated");
        assertThat(actions.subList(escalatedAt + 1, actions.size())).as(trace).containsOnly("node_quarantined");
        Duration quietAfterEscalation = Duration.between(result.journal().get(escalatedAt).timestamp(),
                SimClock.EPOCH.plusMillis(result.endedAt()));
        assertThat(quietAfterEscalation).isGreaterThan(Duration.ofMinutes(1));
    }

    @Test
    void aNodeWhoseProcessIsDeadIsACrashAndNeverAPartition() {
        // Given a crashed node, with every built-in strategy watching
        List<RecoveryEvent> events = new ArrayList<>();
        ScenarioResult result = Scenario.builder().nodes(5).seed(3).inject(FailureType.PROCESS_CRASH)
                .listener(events::add).strategies(builtIns()).build().run();

        // Then the crash strategy restarts it and no cycle reports a partition
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        assertThat(result.faults().get(0).rungs()).containsExactly("restart");
        assertThat(detectedTypes(events)).contains(FailureType.PROCESS_CRASH)
                .doesNotContain(FailureType.NETWORK_PARTITION);
    }

    @Test
    void anAliveNodeThatCannotBeReachedIsAPartitionAndNeverACrash() {
        // Given an isolated node whose process runs
        List<RecoveryEvent> events = new ArrayList<>();
        ScenarioResult result = Scenario.builder().nodes(5).seed(3).inject(FailureType.NETWORK_PARTITION)
                .listener(events::add).strategies(builtIns()).build().run();

        // Then no cycle reports a crash and nothing restarts it
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        assertThat(detectedTypes(events)).contains(FailureType.NETWORK_PARTITION)
                .doesNotContain(FailureType.PROCESS_CRASH);
        assertThat(actions(result)).doesNotContain("restart_node");
    }

    private static List<FailureType> detectedTypes(List<RecoveryEvent> events) {
        return events.stream().filter(RecoveryEvent.CycleCompleted.class::isInstance)
                .map(RecoveryEvent.CycleCompleted.class::cast)
                .flatMap(e -> e.failures().stream()).map(f -> f.type()).distinct().toList();
    }

    @Test
    void anAlternativeAddressReachesANodeTheMonitorLostWhenWaitingDidNotHeal() {
        // Given nodes with an alternative address each, and a monitor that lost its link to one of them for good
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(4).build();
        List<NodeSpec> specs = cluster.nodeSpecs().stream().map(s -> new NodeSpec(s.id(), s.host(), s.port(),
                s.dataDir(), List.of("backup-net:" + s.port()), s.startCommand())).toList();
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster, builtIns(), specs)) {
            NodeId leader = driver.start(Duration.ofSeconds(3));
            NodeId lost = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.faults().monitorCut(lost);

            // When the engine runs until the recovery is verified
            driver.cyclesUntil(r -> !r.verified().isEmpty(), 120);

            // Then waiting did not help, the alternative address did, and the node answers again
            assertThat(driver.actions()).as(driver.describe()).containsSubsequence(
                    NetworkPartitionStrategy.WAIT_ACTION, "recovery_rung_failed",
                    NetworkPartitionStrategy.USE_ALTERNATIVE_ADDRESS, "try_alternative_addresses",
                    "recovery_verified");
            JournalRecord switched = driver.journal().stream()
                    .filter(r -> r.action().equals(NetworkPartitionStrategy.USE_ALTERNATIVE_ADDRESS))
                    .findFirst().orElseThrow();
            assertThat(switched.details()).containsEntry("node_id", lost.value()).containsEntry("outcome", "done")
                    .containsEntry("address", "backup-net:" + specs.get(cluster.nodeIds().indexOf(lost)).port());
            assertThat(driver.cycle().snapshot().observation(lost).reachable()).isTrue();
            assertThat(cluster.invariants().violations()).isEmpty();
        }
    }

    @Test
    void aStaleLeaderTheMonitorSeesAloneIsFencedBeforeTheAlert() {
        // Given a leader cut off from its peers, and a monitor that cannot see the leader the majority then elects
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(8).build();
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster, builtIns())) {
            NodeId stale = driver.start(Duration.ofSeconds(3));
            cluster.faults().staleLeader(stale);
            cluster.advance(Duration.ofSeconds(3));
            NodeId elected = cluster.leaders().stream().filter(n -> !n.equals(stale)).findFirst().orElseThrow();
            cluster.faults().monitorCut(elected);

            // When the engine runs until it gives up on the stale leader's partition
            driver.cyclesUntil(r -> r.escalated().stream().anyMatch(f -> f.affects(stale)), 400);

            // Then leadership was settled first: the stale leader's term, below the majority's, was raised (always
            // Raft-safe), which fenced it; the partition's fencing rung found no leader left to fence, then alerted
            List<JournalRecord> journal = driver.journal();
            int raised = indexOf(journal, r -> r.action().equals("raise_term")
                    && stale.value().equals(r.details().get("node_id")) && "done".equals(r.details().get("outcome")));
            assertThat(raised).as(driver.describe()).isNotNegative();
            assertThat(journal.get(raised).details()).containsEntry("rung", "raise_lagging_terms")
                    .containsEntry("failure_id", "term_divergence:" + stale.value());
            String partition = "network_partition:" + stale.value();
            int fence = indexOf(journal, r -> r.action().equals("fence_minority_leader")
                    && partition.equals(r.details().get("failure_id")));
            int alert = indexOf(journal, r -> r.action().equals("alert_network_partition")
                    && partition.equals(r.details().get("failure_id")));
            assertThat(raised).isLessThan(fence).isLessThan(alert);
            assertThat(journal.get(fence).details()).containsEntry("outcome", "skipped");
            assertThat(cluster.view(stale).role()).isNotEqualTo(org.distributedtesting.recovery.Role.LEADER);
            assertThat(driver.actions()).containsSubsequence("fence_minority_leader", "alert_network_partition",
                    "recovery_escalated").doesNotContainAnyElementsOf(MEMBERSHIP_CHANGES);
            assertThat(cluster.invariants().violations()).isEmpty();
        }
    }

    @Test
    void withOnlyTheAvailabilityStrategiesTheFencingRungStepsTheStaleLeaderDownBeforeTheAlert() {
        // Given the same fault, watched only by the crash and partition strategies (--strategy availability)
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(8).build();
        List<RecoveryStrategy> availability = StrategyRegistry.discover(n -> Settings.EMPTY)
                .resolve(BuiltInStrategies.AVAILABILITY);
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster, availability)) {
            NodeId stale = driver.start(Duration.ofSeconds(3));
            cluster.faults().staleLeader(stale);
            cluster.advance(Duration.ofSeconds(3));
            NodeId elected = cluster.leaders().stream().filter(n -> !n.equals(stale)).findFirst().orElseThrow();
            cluster.faults().monitorCut(elected);

            // When the engine runs until it gives up on the stale leader's partition
            driver.cyclesUntil(r -> r.escalated().stream().anyMatch(f -> f.affects(stale)), 400);

            // Then the stale leader was asked to step down by the fencing rung, and it no longer claims leadership
            List<JournalRecord> stepDowns = driver.journal().stream()
                    .filter(r -> r.action().equals("step_down_leader")).toList();
            assertThat(stepDowns).as(driver.describe()).isNotEmpty().allSatisfy(r -> {
                assertThat(r.details()).containsEntry("node_id", stale.value()).containsEntry("outcome", "done")
                        .containsEntry("rung", "fence_minority_leader");
            });
            assertThat(cluster.view(stale).role()).isNotEqualTo(org.distributedtesting.recovery.Role.LEADER);
            assertThat(driver.actions()).containsSubsequence("fence_minority_leader", "alert_network_partition",
                    "recovery_escalated").doesNotContainAnyElementsOf(MEMBERSHIP_CHANGES);
            assertThat(cluster.invariants().violations()).isEmpty();
        }
    }

    private static int indexOf(List<JournalRecord> journal, java.util.function.Predicate<JournalRecord> wanted) {
        for (int i = 0; i < journal.size(); i++) {
            if (wanted.test(journal.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
