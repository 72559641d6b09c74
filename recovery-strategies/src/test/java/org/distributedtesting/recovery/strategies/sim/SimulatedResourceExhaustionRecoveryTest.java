package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The resource-exhaustion strategy on the simulated cluster, with every built-in strategy, through the engine. */
class SimulatedResourceExhaustionRecoveryTest {

    private static final Set<String> NODE_ACTIONS = Set.of("cleanup_resources", "enforce_memory_limit",
            "reject_new_work", "restart_resource_exhausted_node");

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static List<String> rungs(PerfSimDriver sim) {
        return sim.events.stream().filter(RecoveryEvent.RungAttempted.class::isInstance)
                .map(e -> ((RecoveryEvent.RungAttempted) e).rung()).toList();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aFillingDiskIsPredictedBeforeItIsFullAndCleanedUp(int nodes, long seed) {
        // Given / When: old snapshots pile up on a follower's disk at 200 MB/s (10 GB volume)
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.RESOURCE_EXHAUSTION)
                .strategies(builtIns()).build().run();

        // Then
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome fill = result.faults().get(0);
        assertThat(fill.rungs()).containsExactly("cleanup");
        // the trend counts from the 50% floor (~25 s in), long before the disk is 90% full (~46 s in)
        assertThat(fill.timeToDetect().orElseThrow()).isBetween(24_000L, 32_000L);
        List<JournalRecord> detected = result.journal().stream()
                .filter(r -> r.action().equals("failure_detected")).toList();
        assertThat(detected).singleElement().satisfies(r -> assertThat(r.details().toString())
                .contains("resource=disk").contains("slope_per_second").contains("seconds_to_exhaustion"));
        assertThat(result.journal()).extracting(JournalRecord::action).containsSubsequence("failure_detected",
                "cleanup_resources", "recover_resource_exhaustion", "recovery_verified");
        assertThat(result.violations()).isEmpty();
    }

    @Test
    void aMemoryLeakReachesTheRestartWithinTheAttemptBudget() {
        // Given a follower leaking 20 MB/s of its 2 GB; the simulated node implements neither host action
        try (PerfSimDriver sim = new PerfSimDriver(5, 3, RecoveryOptions.defaults(), builtIns())) {
            NodeId node = sim.follower(1);
            sim.cluster.faults().memoryLeak(node, 20L << 20);

            // When
            sim.cyclesUntil(r -> !r.verified().isEmpty(), 180);

            // Then
            assertThat(rungs(sim)).containsExactly("cleanup", "enforce_memory_limit", "degrade", "restart");
            assertThat(sim.records("recovery_rung_failed")).hasSize(2);
            assertThat(sim.records("restart_resource_exhausted_node")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("outcome", "done"));
            assertThat(sim.records("recovery_verified")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "restart"));
            assertThat(sim.records("failure_detected")).singleElement().satisfies(r -> assertThat(
                    r.details().toString()).contains("resource=memory").contains("leak"));
        }
    }

    @Test
    void aFileHandleLeakSkipsTheDiskAndMemoryRungs() {
        // Given a follower leaking 50 file handles a second of its 4096
        try (PerfSimDriver sim = new PerfSimDriver(3, 5, RecoveryOptions.defaults(), builtIns())) {
            NodeId node = sim.follower(0);
            sim.cluster.faults().fileHandleLeak(node, 50);

            // When
            sim.cyclesUntil(r -> !r.verified().isEmpty(), 180);

            // Then
            assertThat(sim.events).filteredOn(RecoveryEvent.RungAttempted.class::isInstance)
                    .map(e -> (RecoveryEvent.RungAttempted) e)
                    .extracting(e -> e.rung() + ":" + e.result().getClass().getSimpleName())
                    .containsExactly("cleanup:Skipped", "enforce_memory_limit:Skipped", "degrade:Failed",
                            "restart:Acted");
            assertThat(sim.records("recovery_verified")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "restart"));
        }
    }

    @Test
    void whenEveryActionFailsTheLadderClimbsRepeatsTheRestartAndStopsAtTheBudget() {
        // Given a filling disk on a node that refuses every action; auto_restart off, so no restart takes it down
        RecoveryOptions options = RecoveryOptions.builder().autoRestart(false).build();
        try (PerfSimDriver sim = new PerfSimDriver(5, 7, options, builtIns())) {
            NodeId node = sim.follower(2);
            sim.cluster.faults().diskFill(node, 200L << 20);
            sim.cluster.faults().refuseActions(node);

            // When
            sim.cyclesUntil(r -> !r.escalated().isEmpty(), 400);
            int actionsAtEscalation = sim.actions().size();
            sim.cycles(240);

            // Then
            assertThat(rungs(sim)).containsExactly("cleanup", "enforce_memory_limit", "degrade", "restart",
                    "restart", "restart");
            assertThat(sim.events.stream().filter(e -> e instanceof RecoveryEvent.RungAttempted r
                    && r.result() instanceof RungResult.Failed)).hasSize(RecoveryOptions.DEFAULT_MAX_RESTART_ATTEMPTS);
            assertThat(sim.actions()).containsSubsequence("recovery_escalated", "node_quarantined");
            assertThat(sim.quarantined()).containsExactly(node);
            assertThat(sim.actions().subList(actionsAtEscalation, sim.actions().size()))
                    .doesNotContainAnyElementsOf(NODE_ACTIONS);
        }
    }
}
