package org.distributedtesting.recovery.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The design's record shape: {@code node_id} / {@code node_ids}, the failure type in {@code reason}, the sentence in
 * {@code why}, and {@code resolution} on the record that ends a recovery.
 */
class JournalRecordShapeTest {

    private static final Instant T = Instant.parse("2026-11-26T07:12:01.988Z");
    private static final NodeId NODE_1 = NodeId.of("node-1");
    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final NodeId NODE_3 = NodeId.of("node-3");
    private static final Failure CRASH = new Failure(FailureType.PROCESS_CRASH, List.of(NODE_2), Severity.MEDIUM,
            "'node-2' crashed", Map.of("reachable", false), false);
    private static final Failure SPLIT = new Failure(FailureType.SPLIT_BRAIN, List.of(NODE_1, NODE_3),
            Severity.CRITICAL, "two leaders", Map.of("leaders", List.of("node-1", "node-3")), true);

    /** One event of every kind that has a record. */
    static Stream<RecoveryEvent> everyKind() {
        return Stream.of(
                new RecoveryEvent.FailureConfirmed(T, CRASH, 2, T.minusSeconds(1)),
                new RecoveryEvent.RungAttempted(T, CRASH, "restart", 1, RungResult.acted("restarted"),
                        "recovery_attempted", false, false),
                restart(),
                new RecoveryEvent.RecoveryVerified(T, SPLIT, "force_term_increment", Duration.ofSeconds(2)),
                new RecoveryEvent.RungFailed(T, CRASH, "restart", "exited with code 2"),
                new RecoveryEvent.RecoveryDeferred(T, CRASH, "backoff", "waits out its backoff", Optional.of(T)),
                new RecoveryEvent.RecoveryPreempted(T, CRASH, SPLIT, "split brain first"),
                new RecoveryEvent.FailureCleared(T, CRASH, false, Optional.of("no longer detected"),
                        Optional.of("restart")),
                new RecoveryEvent.Escalated(T, CRASH, List.of(NODE_2), "max_restart_attempts (3) reached"),
                new RecoveryEvent.NodeQuarantined(T, NODE_2, CRASH, "max_restart_attempts (3) reached"),
                new RecoveryEvent.NodeHalfOpen(T, NODE_2, "quarantine_retry_after passed"),
                new RecoveryEvent.NodeReleased(T, NODE_2, "released by the operator"),
                new RecoveryEvent.NodeStarted(T, NODE_2, ActionResult.Done.of("started"),
                        "not running when the daemon started"),
                new RecoveryEvent.ActionBudgetExhausted(T, CRASH, "budget of 2 actions spent"));
    }

    private static RecoveryEvent.ActionTaken restart() {
        return new RecoveryEvent.ActionTaken(T, CRASH, new Action.Restart(NODE_2),
                new ActionResult.Done("restarted with pid 12345", Map.of("pid", 12345L)),
                "process crashed: adopted process 4242 ended", "restart", 1, Optional.empty(), Optional.empty(),
                false);
    }

    private static JournalRecord recordOf(RecoveryEvent event) {
        return JournalRecords.of(event).orElseThrow();
    }

    @Test
    void aStartOfANodeNeverStartedNamesTheNodeWhyAndTheOutcomeAndNoFailure() {
        JournalRecord record = recordOf(new RecoveryEvent.NodeStarted(T, NODE_2, ActionResult.Done.of("started"),
                "not running when the daemon started"));

        assertThat(record.action()).isEqualTo("node_started");
        assertThat(record.details()).containsExactly(Map.entry("node_id", "node-2"),
                Map.entry("why", "not running when the daemon started"), Map.entry("outcome", "done"),
                Map.entry("detail", "started"));
    }

    @Test
    void aChangeOfRoleNamesTheInstanceItsRoleAndEpochAndNoNode() {
        JournalRecord record = recordOf(new RecoveryEvent.RoleChanged(T, "recovery-b", true, 7,
                "instance 'recovery-b' holds the lease"));

        assertThat(record.action()).isEqualTo("role_changed");
        assertThat(record.details()).containsExactly(Map.entry("instance", "recovery-b"),
                Map.entry("role", "active"), Map.entry("epoch", 7L),
                Map.entry("why", "instance 'recovery-b' holds the lease"));
    }

    @Test
    void anActionRecordNamesItsNodeTheFailureTypeAsReasonAndSaysWhyApart() {
        JournalRecord record = recordOf(restart());

        assertThat(record.action()).isEqualTo("restart_node");
        assertThat(record.details()).containsEntry("node_id", "node-2").containsEntry("reason", "process_crash")
                .containsEntry("pid", 12345L).containsEntry("why", "process crashed: adopted process 4242 ended")
                .containsEntry("node_ids", List.of("node-2")).containsEntry("failure_id", "process_crash:node-2");
        // the design's order: node_id, reason, then the rest
        assertThat(record.details().keySet()).startsWith("node_id", "reason");
    }

    @Test
    void theVerifiedRecordNamesTheRungThatRecoveredItAsResolution() {
        JournalRecord record = recordOf(new RecoveryEvent.RecoveryVerified(T, SPLIT, "force_term_increment",
                Duration.ofSeconds(2)));

        assertThat(record.details()).containsEntry("node_ids", List.of("node-1", "node-3"))
                .containsEntry("reason", "split_brain").containsEntry("resolution", "force_term_increment")
                .containsEntry("outcome", "recovered").containsEntry("time_to_recover_ms", 2000L);
    }

    @Test
    void aFailureClearedAfterARungNamesThatRungAsResolutionAndOneGoneBeforeAnyRungHasNone() {
        JournalRecord afterRung = recordOf(new RecoveryEvent.FailureCleared(T, CRASH, false,
                Optional.of("no longer detected when its verification ended"), Optional.of("restart")));
        JournalRecord transient_ = recordOf(new RecoveryEvent.FailureCleared(T, CRASH, false, Optional.empty(),
                Optional.empty()));
        JournalRecord planned = recordOf(new RecoveryEvent.FailureCleared(T, CRASH, true, Optional.empty(),
                Optional.of("restart")));

        assertThat(afterRung.details()).containsEntry("resolution", "restart").containsEntry("after_rung", "restart")
                .containsEntry("why", "no longer detected when its verification ended")
                .containsEntry("outcome", "cleared");
        assertThat(transient_.details()).doesNotContainKey("resolution").containsEntry("outcome", "cleared");
        assertThat(planned.details()).doesNotContainKey("resolution").containsEntry("outcome", "planned_only");
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void noRecordSpellsANodeOrTheFailureTypeTheOldWay(RecoveryEvent event) {
        assertThat(recordOf(event).details()).doesNotContainKeys("node", "nodes", "failure");
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyRecordAboutAFailureHasItsTypeAsReasonAndItsNodesAsNodeIds(RecoveryEvent event) {
        Map<String, Object> details = recordOf(event).details();
        if (details.containsKey("failure_id")) {
            String type = ((String) details.get("failure_id")).split(":")[0];
            assertThat(details).containsEntry("reason", type);
        } else {
            assertThat(details).doesNotContainKey("reason").containsKey("node_id");
        }
        assertThat(details.containsKey("node_id") || details.containsKey("node_ids")).as("%s", details).isTrue();
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void aReasonInWordsIsInWhy(RecoveryEvent event) {
        Optional<String> sentence = switch (event.kind()) {
            case ACTION_TAKEN -> Optional.of(((RecoveryEvent.ActionTaken) event).reason());
            case RUNG_FAILED -> Optional.of(((RecoveryEvent.RungFailed) event).reason());
            case RECOVERY_DEFERRED -> Optional.of(((RecoveryEvent.RecoveryDeferred) event).reason());
            case RECOVERY_PREEMPTED -> Optional.of(((RecoveryEvent.RecoveryPreempted) event).reason());
            case FAILURE_CLEARED -> ((RecoveryEvent.FailureCleared) event).reason();
            case ESCALATED -> Optional.of(((RecoveryEvent.Escalated) event).reason());
            case NODE_QUARANTINED -> Optional.of(((RecoveryEvent.NodeQuarantined) event).reason());
            case NODE_HALF_OPEN -> Optional.of(((RecoveryEvent.NodeHalfOpen) event).reason());
            case NODE_RELEASED -> Optional.of(((RecoveryEvent.NodeReleased) event).reason());
            case NODE_STARTED -> Optional.of(((RecoveryEvent.NodeStarted) event).reason());
            case ACTION_BUDGET_EXHAUSTED -> Optional.of(((RecoveryEvent.ActionBudgetExhausted) event).reason());
            case ROLE_CHANGED -> Optional.of(((RecoveryEvent.RoleChanged) event).reason());
            case FAILURE_CONFIRMED, RUNG_ATTEMPTED, RECOVERY_VERIFIED, CYCLE_COMPLETED -> Optional.empty();
        };
        Map<String, Object> details = recordOf(event).details();
        sentence.ifPresentOrElse(s -> assertThat(details).containsEntry("why", s),
                () -> assertThat(details).doesNotContainKey("why"));
    }
}
