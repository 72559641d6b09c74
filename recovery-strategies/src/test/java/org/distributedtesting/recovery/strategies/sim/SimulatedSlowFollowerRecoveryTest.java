package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.InjectedFault;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The slow-follower strategy on the simulated cluster, with every built-in strategy running, through the engine. */
class SimulatedSlowFollowerRecoveryTest {

    /** What the strategy does to a node; the journal must show none of them once the engine gave up. */
    private static final Set<String> NODE_ACTIONS = Set.of("trigger_sync_on_slow_follower", "restart_slow_follower",
            "stop_node", "start_node", "move_aside_database", "restore_database", "demote_to_non_voter",
            "promote_to_voter");

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static Scenario.Builder scenario(int nodes, long seed) {
        return Scenario.builder().nodes(nodes).seed(seed).strategies(builtIns());
    }

    private static List<String> actions(ScenarioResult result) {
        return result.journal().stream().map(JournalRecord::action).toList();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aFollowerOnASlowDiskIsDetectedWithinTwentyCyclesAndVerifiedOnceItHasCaughtUp(int nodes, long seed) {
        // Given a follower whose disk takes 300 ms a write (it heals after 30 s)
        // When
        ScenarioResult result = scenario(nodes, seed).inject(FailureType.SLOW_FOLLOWER).build().run();

        // Then
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome slow = result.faults().get(0);
        assertThat(slow.rungs()).containsExactly("trigger_sync");
        // the lag grows by ~3 entries a second and crosses the 50-entry floor after ~14 s; damping adds 2 cycles
        assertThat(slow.timeToDetect().orElseThrow()).isBetween(12_000L, 20_000L);
        assertThat(actions(result)).containsSubsequence("failure_detected", "trigger_sync_on_slow_follower",
                "recover_slow_follower", "recovery_verified");
        assertThat(result.violations()).isEmpty();
    }

    @Test
    void theTypicalInjectionIsASlowDiskThatMakesTheLagGrowUnderWrites() {
        // Given
        try (PerfSimDriver sim = new PerfSimDriver(5, 3, RecoveryOptions.defaults(),
                List.of(new ProcessCrashStrategy()))) {
            NodeId follower = sim.follower(0);
            InjectedFault fault = sim.cluster.faults().inject(FailureType.SLOW_FOLLOWER, follower);

            // When
            sim.cycles(5);
            long early = lag(sim, follower);
            sim.cycles(15);
            long late = lag(sim, follower);

            // Then
            assertThat(fault.description()).contains("disk writes take 300 ms");
            assertThat(late).isGreaterThan(early + 40).isGreaterThan(50);
        }
    }

    private static long lag(PerfSimDriver sim, NodeId follower) {
        return sim.cluster.view(sim.leader).commitIndex() - sim.cluster.view(follower).appliedIndex();
    }

    @ParameterizedTest
    @CsvSource({"5,1", "5,2", "5,3"})
    void aPermanentlySlowFollowerOfFiveIsDemotedOnceSyncRestartAndStateTransferDidNotHelp(int nodes, long seed) {
        // Given
        Scenario scenario = scenario(nodes, seed).inject(FailureType.SLOW_FOLLOWER).permanent(true).build();

        // When
        ScenarioResult result = scenario.run();

        // Then
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome slow = result.faults().get(0);
        assertThat(slow.rungs()).containsExactly("trigger_sync", "restart_slow_follower", "transfer_state", "demote");
        assertThat(actions(result)).containsSubsequence("trigger_sync_on_slow_follower", "restart_slow_follower",
                "stop_node", "move_aside_database", "restore_database", "start_node", "demote_to_non_voter",
                "recovery_verified");
        NodeId node = slow.nodes().get(0);
        assertThat(scenario.cluster().view(node).voter()).isFalse();
        assertThat(scenario.cluster().movedAside(node)).anyMatch(m -> m.startsWith("database@"));
    }

    @Test
    void aPermanentlySlowFollowerOfThreeIsNeverDemotedAndTheEngineEscalatesInsteadOfLooping() {
        // Given three voters: demoting one would leave two, which tolerate no failure
        Scenario scenario = scenario(3, 4).inject(FailureType.SLOW_FOLLOWER).permanent(true)
                .maxDuration(Duration.ofMinutes(6)).build();

        // When
        ScenarioResult result = scenario.run();

        // Then
        FaultOutcome slow = result.faults().get(0);
        assertThat(slow.escalated()).as(String.join("\n", result.trace())).isTrue();
        assertThat(slow.rungs()).containsExactly("trigger_sync", "restart_slow_follower", "transfer_state", "demote",
                "re_promote");
        assertThat(actions(result)).doesNotContain("demote_to_non_voter")
                .containsSubsequence("recovery_escalated", "node_quarantined");
        assertThat(scenario.cluster().view(slow.nodes().get(0)).voter()).isTrue();
        assertNoNodeActionAfterEscalation(result.journal());
        assertThat(result.violations()).isEmpty();
    }

    @Test
    void whenEveryActionFailsTheLadderClimbsToTheTopAndTheNodeIsQuarantined() {
        // Given a five-node cluster whose slow follower refuses every action; auto_restart off, so that no restart
        // takes the node down (the simulator's refusing node would not start again)
        RecoveryOptions noRestarts = RecoveryOptions.builder().autoRestart(false).build();
        try (PerfSimDriver sim = new PerfSimDriver(5, 8, noRestarts, builtIns())) {
            NodeId node = sim.follower(1);
            sim.cluster.faults().slowDisk(node, Duration.ofMillis(300));
            sim.cluster.faults().refuseActions(node);

            // When
            sim.cyclesUntil(r -> !r.escalated().isEmpty(), 300);
            int actionsAtEscalation = sim.actions().size();
            sim.cycles(240);

            // Then
            assertThat(sim.events).filteredOn(RecoveryEvent.RungAttempted.class::isInstance)
                    .map(e -> ((RecoveryEvent.RungAttempted) e).rung())
                    .containsExactly("trigger_sync", "restart_slow_follower", "transfer_state", "demote", "re_promote");
            assertThat(sim.actions()).containsSubsequence("trigger_sync_on_slow_follower", "restart_slow_follower",
                    "demote_to_non_voter", "recovery_escalated");
            assertThat(sim.records("recovery_rung_failed")).hasSize(3);
            assertThat(sim.actions()).containsSubsequence("recovery_escalated", "node_quarantined");
            assertThat(sim.quarantined()).containsExactly(node);
            assertThat(sim.actions().subList(actionsAtEscalation, sim.actions().size()))
                    .as("nothing is tried on a quarantined node").doesNotContainAnyElementsOf(NODE_ACTIONS);
        }
    }

    @Test
    void aDemotedFollowerIsLeftAloneWhileSlowAndPromotedBackOnceHealedAndStable() {
        // Given a permanently slow follower in five nodes, demoted by the ladder
        try (PerfSimDriver sim = new PerfSimDriver(5, 11, RecoveryOptions.defaults(), builtIns())) {
            NodeId node = sim.follower(2);
            InjectedFault slowDisk = sim.cluster.faults().slowDisk(node, Duration.ofMillis(300));
            sim.cyclesUntil(r -> !sim.records("demote_to_non_voter").isEmpty() && !r.verified().isEmpty(), 400);
            assertThat(sim.cluster.view(node).voter()).isFalse();

            // When it stays slow for two minutes as a learner
            int detections = sim.records("failure_detected").size();
            sim.cycles(120);

            // Then it is not reported again
            assertThat(sim.records("failure_detected")).hasSize(detections);

            // When the disk is fast again
            slowDisk.heal();
            int cycles = sim.cyclesUntil(r -> sim.cluster.view(node).voter() && !r.verified().isEmpty(), 120);

            // Then it is promoted back once it has caught up for stable_cycles (10), after damping (3)
            assertThat(cycles).isBetween(12, 50);
            assertThat(sim.actions()).containsSubsequence("demote_to_non_voter", "recovery_verified",
                    "promote_to_voter", "recovery_verified");
            assertThat(sim.records("promote_to_voter")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "re_promote"));
            sim.cycles(20);
            assertThat(sim.cluster.view(node).voter()).isTrue();
            assertThat(sim.records("promote_to_voter")).hasSize(1);
            sim.cluster.invariants().checkAcknowledgedWrites();
            assertThat(sim.cluster.invariants().violations()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3", "4", "5"})
    void aCrashAndASlowFollowerTogetherRecoverInPrecedenceOrder(long seed) {
        // Given / When: one follower crashes while another's disk turns slow
        ScenarioResult result = scenario(5, seed).inject(FailureType.PROCESS_CRASH, FailureType.SLOW_FOLLOWER)
                .build().run();

        // Then
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome crash = result.faults().get(0);
        FaultOutcome slow = result.faults().get(1);
        assertThat(crash.nodes()).doesNotContainAnyElementsOf(slow.nodes());
        assertThat(crash.rungs()).containsExactly("restart");
        assertThat(slow.rungs()).containsExactly("trigger_sync");
        assertThat(crash.recoveredAt().orElseThrow()).isLessThan(slow.detectedAt().orElseThrow());
        assertThat(actions(result)).containsSubsequence("restart_node", "recovery_verified",
                "trigger_sync_on_slow_follower", "recovery_verified");
    }

    private static void assertNoNodeActionAfterEscalation(List<JournalRecord> journal) {
        List<String> actions = journal.stream().map(JournalRecord::action).toList();
        int escalated = actions.indexOf("recovery_escalated");
        assertThat(escalated).isNotNegative();
        assertThat(actions.subList(escalated, actions.size())).doesNotContainAnyElementsOf(NODE_ACTIONS);
    }
}
