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
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The deadlock strategy on the simulated cluster, with every built-in strategy running, through the engine. */
class SimulatedDeadlockRecoveryTest {

    private static final Set<String> NODE_ACTIONS = Set.of("cancel_deadlocked_operations", "restart_stuck_component",
            "restart_deadlocked_node");

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aStuckApplyLoopIsDetectedWithinTenCyclesAndFixedByRestartingTheComponent(int nodes, long seed) {
        // Given / When: a follower's apply loop hangs while the cluster keeps committing
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.DEADLOCK)
                .strategies(builtIns()).build().run();

        // Then
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome deadlock = result.faults().get(0);
        // nothing has been blocked for 30 s yet, so there is nothing to cancel and the ladder climbs at once
        assertThat(deadlock.rungs()).containsExactly("cancel_blocked_operations", "restart_stuck_component");
        // stall_cycles (5) plus a cycle to see the stall begin, then damping (3 confirmations)
        assertThat(deadlock.timeToDetect().orElseThrow()).isBetween(5_000L, 10_000L);
        assertThat(result.journal()).extracting(JournalRecord::action).containsSubsequence("failure_detected",
                "recover_deadlock", "restart_stuck_component", "recover_deadlock", "recovery_verified");
        assertThat(result.violations()).isEmpty();
    }

    @Test
    void operationsBlockedForLongerThanTheLimitAreCancelled() {
        // Given
        try (PerfSimDriver sim = new PerfSimDriver(5, 2, RecoveryOptions.defaults(), builtIns())) {
            NodeId node = sim.follower(0);
            sim.cluster.faults().stuckOperations(node, 3);

            // When
            int cycles = sim.cyclesUntil(r -> !r.verified().isEmpty(), 60);

            // Then: older than 30 s, confirmed over three cycles
            assertThat(cycles).isBetween(31, 36);
            assertThat(sim.records("cancel_deadlocked_operations")).singleElement().satisfies(r -> {
                assertThat(r.details()).containsEntry("outcome", "done").containsEntry("rung",
                        "cancel_blocked_operations");
                assertThat((List<?>) r.details().get("operation_ids")).hasSize(3);
            });
            assertThat(sim.records("recovery_verified")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "cancel_blocked_operations"));
            assertThat(sim.actions()).doesNotContain("restart_stuck_component", "restart_deadlocked_node");
        }
    }

    @Test
    void whenEveryActionFailsTheLadderClimbsRepeatsItsTopRungAndStopsAtTheBudget() {
        // Given a stuck node that refuses every action; auto_restart off, so no restart takes the node down
        RecoveryOptions options = RecoveryOptions.builder().autoRestart(false).build();
        try (PerfSimDriver sim = new PerfSimDriver(3, 4, options, builtIns())) {
            NodeId node = sim.follower(1);
            sim.cluster.faults().applyStuck(node);
            sim.cluster.faults().refuseActions(node);

            // When
            sim.cyclesUntil(r -> !r.escalated().isEmpty(), 400);
            int actionsAtEscalation = sim.actions().size();
            sim.cycles(240);

            // Then
            assertThat(sim.events).filteredOn(RecoveryEvent.RungAttempted.class::isInstance)
                    .map(e -> ((RecoveryEvent.RungAttempted) e).rung())
                    .containsExactly("cancel_blocked_operations", "restart_stuck_component", "restart_node",
                            "restart_node", "restart_node", "restart_node");
            assertThat(sim.actions()).containsSubsequence("recovery_escalated", "node_quarantined");
            assertThat(sim.quarantined()).containsExactly(node);
            assertThat(sim.actions().subList(actionsAtEscalation, sim.actions().size()))
                    .doesNotContainAnyElementsOf(NODE_ACTIONS);
        }
    }

    @Test
    void aNodeThatKeepsDeadlockingIsQuarantinedAndRetriedOnceAfterQuarantineRetryAfter() {
        // Given a node whose apply loop hangs again right after every fix
        RecoveryOptions options = RecoveryOptions.builder().quarantineRetryAfter(Duration.ofMinutes(3)).build();
        try (PerfSimDriver sim = new PerfSimDriver(5, 6, options, builtIns())) {
            NodeId node = sim.follower(0);
            sim.cluster.faults().applyStuck(node);
            int seen = 0;

            // When
            for (int i = 0; i < 600 && sim.records("node_quarantined").size() < 2; i++) {
                sim.cycle();
                if (fixedSince(sim, seen)) {
                    sim.cluster.faults().applyStuck(node);
                }
                seen = sim.events.size();
            }

            // Then: the fix works but the deadlock keeps coming back, so the attempts add up (the node is never
            // healthy for restart_cooldown) until the breaker opens; the deadlock that came back resumes the ladder
            // after the rung that fixed it for a while (restart_stuck_component), at restart_node; after
            // quarantine_retry_after it half-opens for one attempt, and opens again when the node deadlocks again
            assertThat(sim.records("recovery_verified")).isNotEmpty();
            assertThat(sim.records("node_quarantined")).hasSize(2);
            assertThat(sim.actions()).containsSubsequence("restart_stuck_component", "recovery_verified",
                    "failure_detected", "restart_deadlocked_node", "node_quarantined", "node_half_open",
                    "recover_deadlock", "node_quarantined");
            int firstEscalation = sim.events.indexOf(sim.events.stream()
                    .filter(RecoveryEvent.Escalated.class::isInstance).findFirst().orElseThrow());
            long attempts = sim.events.subList(0, firstEscalation).stream()
                    .filter(e -> e instanceof RecoveryEvent.RungAttempted r
                            && !(r.result() instanceof RungResult.Skipped)).count();
            assertThat(attempts).isEqualTo(RecoveryOptions.DEFAULT_MAX_RESTART_ATTEMPTS);
            assertThat(sim.quarantined()).containsExactly(node);
            int actionsNow = sim.actions().size();
            sim.cycles(120);
            assertThat(sim.actions().subList(actionsNow, sim.actions().size()))
                    .doesNotContainAnyElementsOf(NODE_ACTIONS);
        }
    }

    private static boolean fixedSince(PerfSimDriver sim, int seen) {
        return sim.events.subList(seen, sim.events.size()).stream()
                .anyMatch(e -> e instanceof RecoveryEvent.ActionTaken a && a.action().name().startsWith("restart_")
                        && a.result().done());
    }
}
