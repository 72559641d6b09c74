package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.junit.jupiter.api.Test;

/**
 * A node whose process was never started (not running when the daemon started) is started at once, as a start and
 * not a recovery: a {@code node_started} record, no attempt spent, no {@code node_cooldown}, under the guards that
 * apply to a start.
 */
class ColdStartTest {

    private static TestStrategy crashLadder() {
        return TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst);
    }

    private static void startsHeal(EngineHarness h, int node) {
        h.cluster.onAction(a -> {
            if (a instanceof Action.Start || a instanceof Action.Restart) {
                h.cluster.heal(node);
            }
            return ActionResult.Done.of("ok");
        });
    }

    @Test
    void startsANodeNeverStartedInTheFirstCycleWithANodeStartedRecord() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, crashLadder())) {
            // Given
            h.cluster.neverStarted(2);
            startsHeal(h, 2);

            // When
            h.cycles(5);

            // Then
            assertThat(h.cluster.actions()).containsExactly(new Action.Start(FakeCluster.id(2)));
            assertThat(h.records("node_started")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("node_id", "node-2").containsEntry("outcome", "done")
                    .containsEntry("why", "not running when the daemon started: its process was never started")
                    .doesNotContainKeys("reason", "failure_id"));
            assertThat(h.actions()).doesNotContain("failure_detected", "restart_node", "recovery_attempted");
        }
    }

    @Test
    void aCrashRightAfterTheStartIsRecoveredAsAFirstAttemptWithoutWaitingForTheNodeCooldown() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, crashLadder())) {
            // Given a node started by the engine's first cycle
            h.cluster.neverStarted(2);
            startsHeal(h, 2);
            h.cycles(2);

            // When it crashes right after
            h.cluster.crash(2);
            h.cycles(5);

            // Then its first recovery attempt runs once confirmed, well within node_cooldown (30 s)
            assertThat(h.records("recovery_attempted")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("attempt", 1));
            assertThat(h.records("recovery_deferred")).isEmpty();
            // (the supervisor restarts a dead process by starting it)
            assertThat(h.cluster.actions()).containsExactly(new Action.Start(FakeCluster.id(2)),
                    new Action.Start(FakeCluster.id(2)));
            assertThat(h.records("node_started")).hasSize(1);
        }
    }

    @Test
    void startsNothingWithAutoRestartOffAndSaysWhy() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().autoRestart(false).build(),
                crashLadder())) {
            // Given
            h.cluster.neverStarted(2);

            // When
            h.cycles(3);

            // Then
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(h.records("node_started")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("outcome", "refused").containsEntry("detail",
                            "auto_restart is off in recovery_options"));
        }
    }

    @Test
    void onlyPlansTheStartInADryRun() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().dryRun(true).build(), crashLadder())) {
            // Given
            h.cluster.neverStarted(2);

            // When
            h.cycles(2);

            // Then
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(h.records("node_started")).extracting(JournalRecord::details)
                    .extracting(d -> d.get("outcome")).containsExactly("planned");
        }
    }

    @Test
    void aNodeThatCrashedBeforeIsNoColdStart() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, crashLadder())) {
            // Given a node whose process ran and ended (its supervisor knows an exit)
            h.cluster.crash(2);

            // When
            h.cycles(4);

            // Then it is a crash, recovered by the ladder
            assertThat(h.records("node_started")).isEmpty();
            assertThat(h.records("recovery_attempted")).hasSize(1);
        }
    }
}
