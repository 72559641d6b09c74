package org.distributedtesting.recovery.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.junit.jupiter.api.Test;

/**
 * The exhaustive {@code switch} that the Javadoc of {@link Action} and {@link RecoveryEvent} tells a consumer to
 * write, compiled here with {@code release 17}: a switch expression over {@link Action#kind()} and over
 * {@link RecoveryEvent#kind()} without {@code default}, so a kind added later fails this compilation (Java 17 cannot
 * check a switch over the sealed interfaces themselves; pattern matching in switch came in Java 21).
 */
class KindSwitchCompilesOnJava17Test {

    /** As {@link Action}'s Javadoc: a host's {@code NodeControl} switches over the kind, casting where it needs fields. */
    static String describe(Action action) {
        return switch (action.kind()) {
            case START -> "start";
            case STOP -> "stop";
            case RESTART -> "restart";
            case STEP_DOWN -> "step_down";
            case PAUSE_ELECTIONS -> "pause_elections";
            case RESUME_ELECTIONS -> "resume_elections";
            case CANCEL_OPERATIONS -> "cancel_operations";
            case CLEANUP_RESOURCES -> "cleanup_resources";
            case TRIGGER_SYNC -> "trigger_sync";
            case MOVE_ASIDE -> "move_aside";
            case RESTORE -> "restore";
            case RESET -> "reset";
            case DEMOTE -> "demote";
            case PROMOTE -> "promote";
            case RAISE_TERM -> "raise_term";
            case CHECK_DATA -> "check_data";
            case CUSTOM -> "custom";
        };
    }

    /** As {@link RecoveryEvent}'s Javadoc: a listener switches over the kind. */
    static String describe(RecoveryEvent.Kind kind) {
        return switch (kind) {
            case FAILURE_CONFIRMED -> "failure_confirmed";
            case RUNG_ATTEMPTED -> "rung_attempted";
            case ACTION_TAKEN -> "action_taken";
            case RECOVERY_VERIFIED -> "recovery_verified";
            case RUNG_FAILED -> "rung_failed";
            case RECOVERY_DEFERRED -> "recovery_deferred";
            case RECOVERY_PREEMPTED -> "recovery_preempted";
            case FAILURE_CLEARED -> "failure_cleared";
            case ESCALATED -> "escalated";
            case NODE_QUARANTINED -> "node_quarantined";
            case NODE_HALF_OPEN -> "node_half_open";
            case NODE_RELEASED -> "node_released";
            case ACTION_BUDGET_EXHAUSTED -> "action_budget_exhausted";
            case NODE_STARTED -> "node_started";
            case ROLE_CHANGED -> "role_changed";
            case CYCLE_COMPLETED -> "cycle_completed";
        };
    }

    /** {@link RecoveryEvent}'s Javadoc example, whole: casts where the record's fields are needed. */
    static String javadocExample(RecoveryEvent event) {
        return switch (event.kind()) {
            case FAILURE_CONFIRMED -> "confirmed " + ((RecoveryEvent.FailureConfirmed) event).failure().key();
            case RUNG_ATTEMPTED -> "rung_attempted";
            case ACTION_TAKEN -> "action_taken";
            case RECOVERY_VERIFIED -> "recovery_verified";
            case RUNG_FAILED -> "rung_failed";
            case RECOVERY_DEFERRED -> "recovery_deferred";
            case RECOVERY_PREEMPTED -> "recovery_preempted";
            case FAILURE_CLEARED -> "failure_cleared";
            case ESCALATED -> "escalated " + ((RecoveryEvent.Escalated) event).failure().key();
            case NODE_QUARANTINED -> "node_quarantined";
            case NODE_HALF_OPEN -> "node_half_open";
            case NODE_RELEASED -> "node_released";
            case ACTION_BUDGET_EXHAUSTED -> "action_budget_exhausted";
            case NODE_STARTED -> "node_started";
            case ROLE_CHANGED -> "role_changed";
            case CYCLE_COMPLETED -> null;
        };
    }

    @Test
    void everyActionKindHasItsCase() {
        // Given a step-down, the kind with a field the Javadoc's example reads after a cast
        Action stepDown = new Action.StepDown(NodeId.of("node-1"), java.util.Optional.empty());

        // When / Then
        assertThat(describe(stepDown)).isEqualTo("step_down");
        assertThat(ActionKind.values()).hasSize(17);
    }

    @Test
    void everyEventKindHasItsCase() {
        // Given / When / Then
        assertThat(Arrays.stream(RecoveryEvent.Kind.values()).map(KindSwitchCompilesOnJava17Test::describe))
                .doesNotHaveDuplicates().hasSize(RecoveryEvent.Kind.values().length);
    }
}
