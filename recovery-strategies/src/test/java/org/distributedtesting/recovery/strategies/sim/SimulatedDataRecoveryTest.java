package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The data strategies on the simulated cluster, end to end through the unmodified engine with every built-in
 * strategy: the fault is injected, confirmed on the third cycle that sees it (2 virtual seconds after injection,
 * cycles one second apart), recovered by the expected rung, verified, and every invariant holds (no acknowledged
 * write lost, one leader per term, no suspect source, quorum budget, backup before every destructive step).
 */
class SimulatedDataRecoveryTest {

    /** Confirmation takes three cycles one second apart; the first sees the fault at once. */
    private static final long DETECTED_WITHIN_MILLIS = 3_000;

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static Scenario scenario(int nodes, long seed, Duration warmup, FailureType... faults) {
        return Scenario.builder().nodes(nodes).seed(seed).warmup(warmup).inject(faults).strategies(builtIns())
                .build();
    }

    private static List<String> actions(ScenarioResult result) {
        return result.journal().stream().map(JournalRecord::action).toList();
    }

    private static List<JournalRecord> records(ScenarioResult result, String action, NodeId node) {
        return result.journal().stream().filter(r -> r.action().equals(action))
                .filter(r -> node.value().equals(r.details().get("node_id"))).toList();
    }

    @ParameterizedTest(name = "{0} nodes, seed {1}, warm-up {2} s")
    @CsvSource({"3,1,5", "3,2,5", "3,3,90", "3,4,5", "3,5,90", "5,1,5", "5,2,90", "5,3,5", "5,4,90", "5,5,5"})
    void aCorruptDatabaseIsRestoredFromAReplicaTheMajorityAgreesWith(int nodes, long seed, int warmup) {
        // Given
        Scenario scenario = scenario(nodes, seed, Duration.ofSeconds(warmup), FailureType.DATABASE_CORRUPTION);

        // When
        ScenarioResult result = scenario.run();

        // Then
        String trace = String.join("\n", result.trace());
        assertThat(result.passed()).as(trace).isTrue();
        FaultOutcome fault = result.faults().get(0);
        NodeId node = fault.nodes().get(0);
        assertThat(fault.rungs()).as(trace).containsExactly("restore_from_replica");
        assertThat(fault.timeToDetect().orElseThrow()).isBetween(2_000L, DETECTED_WITHIN_MILLIS);
        assertThat(actions(result)).containsSubsequence("failure_detected", "stop_node", "move_aside_database",
                "restore_database", "start_node", "recover_database_corruption", "recovery_verified");
        assertThat(records(result, "restore_database", node)).singleElement()
                .satisfies(r -> assertThat(r.details().get("source")).isNotNull().isNotEqualTo(node.value()));
        assertThat(scenario.cluster().movedAside(node)).singleElement().asString().startsWith("database@");
        assertThat(scenario.cluster().view(node).database().failed()).isFalse();
    }

    @ParameterizedTest(name = "{0} nodes, seed {1}, warm-up {2} s")
    @CsvSource({"3,1,5", "3,2,5", "3,3,90", "3,4,5", "3,5,90", "5,1,5", "5,2,90", "5,3,5", "5,4,90", "5,5,5"})
    void aCorruptLogIsMovedAsideResetAndRefilledByTheLeader(int nodes, long seed, int warmup) {
        // Given
        Scenario scenario = scenario(nodes, seed, Duration.ofSeconds(warmup), FailureType.LOG_CORRUPTION);

        // When
        ScenarioResult result = scenario.run();

        // Then
        String trace = String.join("\n", result.trace());
        assertThat(result.passed()).as(trace).isTrue();
        FaultOutcome fault = result.faults().get(0);
        NodeId node = fault.nodes().get(0);
        assertThat(fault.rungs()).as(trace).containsExactly("reset_log");
        assertThat(fault.timeToDetect().orElseThrow()).isBetween(2_000L, DETECTED_WITHIN_MILLIS);
        assertThat(actions(result)).containsSubsequence("failure_detected", "stop_node", "move_aside_log",
                "reset_log", "start_node", "recover_log_corruption", "recovery_verified");
        assertThat(scenario.cluster().movedAside(node)).singleElement().asString().startsWith("log@");
        assertThat(scenario.cluster().view(node).log().failed()).isFalse();
    }

    @ParameterizedTest(name = "{0} nodes, seed {1}")
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void logCorruptionOnOneNodeIsRecoveredBeforeDatabaseCorruptionOnAnother(int nodes, long seed) {
        // Given both faults at once, on two different followers
        Scenario scenario = scenario(nodes, seed, Duration.ofSeconds(5), FailureType.LOG_CORRUPTION,
                FailureType.DATABASE_CORRUPTION);

        // When
        ScenarioResult result = scenario.run();

        // Then both recover, and the log's rung ran first (precedence 50 before 60)
        String trace = String.join("\n", result.trace());
        assertThat(result.passed()).as(trace).isTrue();
        FaultOutcome log = result.faults().get(0);
        FaultOutcome database = result.faults().get(1);
        assertThat(log.nodes()).doesNotContainAnyElementsOf(database.nodes());
        assertThat(log.rungs()).as(trace).containsExactly("reset_log");
        List<String> actions = actions(result);
        assertThat(actions).containsSubsequence("recover_log_corruption", "recover_database_corruption");
        int firstDatabaseStop = result.journal().indexOf(records(result, "stop_node", database.nodes().get(0))
                .get(0));
        int firstLogStop = result.journal().indexOf(records(result, "stop_node", log.nodes().get(0)).get(0));
        assertThat(firstLogStop).isLessThan(firstDatabaseStop);
        if (nodes == 5) {
            // two voters of five may be down at once: both repairs run in the same cycle
            assertThat(database.rungs()).as(trace).containsExactly("restore_from_replica");
        } else {
            // one of three: the quorum budget holds the database back until the log's node serves again
            assertThat(records(result, "stop_node", database.nodes().get(0)).get(0).details())
                    .containsEntry("outcome", "refused").containsEntry("guard", "quorum_budget");
        }
    }
}
