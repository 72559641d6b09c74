package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.SplitBrainStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The split-brain strategy on the simulated cluster, with every built-in strategy, through the unmodified engine. */
class SimulatedSplitBrainRecoveryTest {

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static List<String> actions(ScenarioResult result) {
        return result.journal().stream().map(JournalRecord::action).toList();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aStaleLeaderIsFencedAndTheLeaderTheMajorityFollowsIsKept(int nodes, long seed) {
        // Given the leader cut off from its peers while the monitor still sees it; the majority elects another
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.SPLIT_BRAIN)
                .strategies(builtIns()).build().run();

        // Then the split is confirmed within 4 s (an election of 1-2 s, then three cycles) and the first rung fences
        // the stale leader only
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome split = result.faults().get(0);
        NodeId stale = split.nodes().get(0);
        assertThat(split.rungs()).containsExactly("fence_stale_leaders");
        assertThat(split.timeToDetect().orElseThrow()).isBetween(3_000L, 5_000L);
        assertThat(split.timeToRecover().orElseThrow()).isLessThan(split.timeToDetect().getAsLong() + 2_000L);
        assertThat(actions(result)).containsSubsequence("failure_detected", "step_down_leader",
                SplitBrainStrategy.FENCE_ACTION, "recovery_verified");
        assertThat(result.journal()).filteredOn(r -> r.action().equals("step_down_leader"))
                .allSatisfy(r -> assertThat(r.details()).containsEntry("node_id", stale.value()));
        assertThat(actions(result)).doesNotContain("restart_node", SplitBrainStrategy.RESTART_ACTION,
                "demote_to_non_voter");
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aPartitionAndASplitBrainTogetherAreBothRecovered(int nodes, long seed) {
        // Given a follower isolated and, at the same time, the leader cut off from the others
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed)
                .inject(FailureType.NETWORK_PARTITION, FailureType.SPLIT_BRAIN).strategies(builtIns()).build().run();

        // Then both end recovered, with every invariant holding, and no membership change
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        assertThat(result.faults()).extracting(FaultOutcome::type)
                .containsExactly(FailureType.NETWORK_PARTITION, FailureType.SPLIT_BRAIN);
        assertThat(result.faults().get(0).rungs()).containsExactly("wait_for_healing");
        if (nodes == 5) {
            // the three others still form a majority and elect a leader: the stale one is fenced
            assertThat(result.faults().get(1).rungs()).containsExactly("fence_stale_leaders");
        } else {
            // one node of three cannot elect anyone: there is a single leader, the partition rungs wait it out
            assertThat(result.faults().get(1).detectedAt()).isEmpty();
        }
        assertThat(actions(result)).doesNotContain("restart_node", "demote_to_non_voter");
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "5,1", "5,2", "5,3"})
    void twoLeadersInOneTermAreFencedAtOnceWithoutConfirmation(int nodes, long seed) {
        // Given a node that declares itself leader of the current leader's term (a bug the checker is told of)
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(seed).build();
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster, builtIns())) {
            NodeId leader = driver.start(Duration.ofSeconds(3));
            long term = cluster.view(leader).term();
            NodeId rogue = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.invariants().exemptTerm(term, "two leaders in one term injected on purpose");
            cluster.faults().twoLeadersInOneTerm(rogue);

            // When the engine runs its next cycle
            CycleReport first = driver.cycle();

            // Then the failure is critical and acted on in that very cycle: neither leader can be kept by its term,
            // so both step down and a fresh election runs above it
            assertThat(first.detected()).singleElement().satisfies(f -> {
                assertThat(f.immediate()).isTrue();
                assertThat(f.severity()).isEqualTo(org.distributedtesting.recovery.Severity.CRITICAL);
                assertThat(f.nodes()).containsExactlyInAnyOrder(leader, rogue);
            });
            assertThat(first.rungsRun()).isEqualTo(1);
            driver.cyclesUntil(r -> !r.verified().isEmpty(), 10);
            assertThat(driver.actions()).as(driver.describe()).containsSubsequence(SplitBrainStrategy.FENCE_ACTION,
                    "step_down_leader", "step_down_leader", "step_down_all_leaders", "recovery_verified");
            cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
            assertThat(cluster.view(cluster.leader().orElseThrow()).term()).isGreaterThan(term);
            assertThat(cluster.leaders()).hasSize(1);
            cluster.invariants().checkAcknowledgedWrites();
            assertThat(cluster.invariants().violations()).as(cluster.invariants().report()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void whenFencingKeepsFailingTheLadderClimbsThenEscalatesInsteadOfLooping(int nodes) {
        // Given a stale leader cut off for good that refuses to step down, and auto_restart off (a restart through
        // the supervisor would end the split by taking the stale leader down)
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(21).build();
        RecoveryOptions noRestarts = RecoveryOptions.builder().autoRestart(false).build();
        try (LeadershipFaultDriver driver = new LeadershipFaultDriver(cluster, builtIns(), cluster.nodeSpecs(),
                noRestarts)) {
            NodeId stale = driver.start(Duration.ofSeconds(3));
            cluster.faults().staleLeader(stale);
            cluster.faults().refuseActions(stale);

            // When the engine runs until it gives up
            driver.cyclesUntil(r -> r.escalated().stream().anyMatch(f -> f.type().equals(FailureType.SPLIT_BRAIN)),
                    600);
            int recordsAtEscalation = driver.journal().size();
            driver.cycles(120);

            // Then every rung was tried in order, the stale leader is quarantined, and nothing more was attempted
            List<String> rungs = driver.events().stream().filter(RecoveryEvent.RungAttempted.class::isInstance)
                    .map(RecoveryEvent.RungAttempted.class::cast)
                    .filter(e -> e.failure().type().equals(FailureType.SPLIT_BRAIN)).map(e -> e.rung()).toList();
            // (stepping down all is skipped: a majority follows a leader that can be kept)
            assertThat(rungs).as(driver.describe()).containsExactly("fence_stale_leaders", "step_down_all",
                    "restart_staggered", "restart_staggered", "restart_staggered", "restart_staggered");
            assertThat(driver.actions()).containsSubsequence(SplitBrainStrategy.FENCE_ACTION, "step_down_all_leaders",
                    SplitBrainStrategy.RESTART_ACTION, "restart_leaders_staggered", "recovery_escalated",
                    "node_quarantined");
            assertThat(driver.journal()).filteredOn(r -> r.action().equals(SplitBrainStrategy.RESTART_ACTION))
                    .hasSize(4).allSatisfy(r -> assertThat(r.details()).containsEntry("node_id", stale.value())
                            .containsEntry("guard", "auto_restart"));
            assertThat(driver.journal()).filteredOn(r -> r.action().equals("node_quarantined"))
                    .anySatisfy(r -> assertThat(r.details()).containsEntry("node_id", stale.value()));
            assertThat(driver.journal().subList(recordsAtEscalation, driver.journal().size()))
                    .extracting(JournalRecord::action)
                    .doesNotContain(SplitBrainStrategy.FENCE_ACTION, "step_down_all_leaders",
                            "restart_leaders_staggered", "step_down_leader", SplitBrainStrategy.RESTART_ACTION);
            assertThat(cluster.view(stale).role()).isEqualTo(Role.LEADER);
            assertThat(cluster.invariants().violations()).isEmpty();
        }
    }
}
