package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.junit.jupiter.api.Test;

class QuorumAndActionGuardsTest {

    /** A rung that performs the given actions and keeps their results. */
    private static BiFunction<Failure, RecoveryContext, RungResult> performing(List<ActionResult> results,
                                                                                Action... actions) {
        return (f, c) -> {
            for (Action a : actions) {
                results.add(c.perform(a, "test"));
            }
            return RungResult.acted("performed");
        };
    }

    @Test
    void refusesToStopAHealthyVoterWhenThatWouldLeaveNoMajority() {
        // given 3 voters, node-3 already down
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.DEADLOCK,
                "restart", performing(results, new Action.Restart(FakeCluster.id(2)))))) {
            h.cluster.crash(3);
            // when the strategy asks to restart healthy node-2
            h.cycles(3);
            // then the guard refuses and the node is untouched
            assertThat(results).singleElement().isInstanceOfSatisfying(ActionResult.Refused.class,
                    r -> assertThat(r.guard()).isEqualTo("quorum_budget"));
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(h.records("restart_node")).singleElement().satisfies(r -> {
                assertThat(r.details()).containsEntry("outcome", "refused").containsEntry("guard", "quorum_budget");
                assertThat((String) r.details().get("detail")).contains("would leave 1 of 3 voters up");
            });
        }
    }

    @Test
    void allowsRestartingANodeThatIsAlreadyDownBecauseItCanOnlyRegainQuorum() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.PROCESS_CRASH,
                "restart", performing(results, new Action.Restart(FakeCluster.id(3)))))) {
            h.cluster.crash(2);
            h.cluster.crash(3);
            h.cycles(3);
            assertThat(results).first().isInstanceOf(ActionResult.Done.class);
        }
    }

    @Test
    void countsNonVotersOutOfTheQuorumBudget() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(4, EngineHarness.FAST, TestStrategy.of(FailureType.DEADLOCK,
                "restart", performing(results, new Action.Restart(FakeCluster.id(4)))))) {
            // given 3 voters (node-4 is a learner) and node-3 down
            h.cluster.voter(4, false);
            h.cluster.crash(3);
            h.cycles(3);
            // then restarting the learner does not touch the voters' majority
            assertThat(results).first().isInstanceOf(ActionResult.Done.class);
        }
    }

    @Test
    void inFiveVotersAllowsTwoDisruptionsButNotThree() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(5, EngineHarness.FAST, TestStrategy.of(FailureType.DEADLOCK,
                "stop", performing(results, new Action.Stop(FakeCluster.id(2)), new Action.Stop(FakeCluster.id(3)),
                        new Action.Stop(FakeCluster.id(4)))))) {
            h.cluster.crash(5);
            h.cycles(1); // its process ended: confirmed, and acted on, in the first cycle
            // node-5 down: budget is 2, so one more stop fits and the next does not
            assertThat(results).hasSize(3);
            assertThat(results.get(0)).isInstanceOf(ActionResult.Done.class);
            assertThat(results.get(1)).isInstanceOf(ActionResult.Refused.class);
            assertThat(results.get(2)).isInstanceOf(ActionResult.Refused.class);
        }
    }

    @Test
    void refusesToDiscardAVotersLogWhileFewerThanAMajorityOfTheOthersHoldEveryCommittedEntry() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(5, EngineHarness.FAST, TestStrategy.of(FailureType.LOG_CORRUPTION,
                "reset", performing(results, new Action.Reset(FakeCluster.id(3), Action.Artifact.LOG))))) {
            // given node-3 down and node-4 and node-5 behind the commit index (back from a cut-off, say)
            h.cluster.crash(3);
            h.cluster.logEnd(4, 4);
            h.cluster.logEnd(5, 6);
            h.cycles(3);
            // then only node-1 and node-2 hold every committed entry: wiping node-3 could let a majority without
            // them elect a leader that lacks them
            assertThat(results).first().isInstanceOfSatisfying(ActionResult.Refused.class, r -> {
                assertThat(r.guard()).isEqualTo("committed_replicas");
                assertThat(r.detail()).contains("would leave 2 of 5 voters known to hold every entry committed up"
                        + " to index 10 [node-1, node-2]; a majority needs 3");
            });
            assertThat(h.cluster.actions()).as("not even the backup").isEmpty();

            // when node-4 has caught up
            h.cluster.logEnd(4, 10);
            results.clear();
            h.cycles(20);
            // then the log is discarded (moved aside first)
            assertThat(results).first().isInstanceOf(ActionResult.Done.class);
            assertThat(h.cluster.actions()).containsExactly(
                    new Action.MoveAside(FakeCluster.id(3), Action.Artifact.LOG),
                    new Action.Reset(FakeCluster.id(3), Action.Artifact.LOG));
        }
    }

    @Test
    void aRungThatAsksFirstAndIsHeldBackWaitsWithoutActingOrSpendingAnAttempt() {
        List<Optional<ActionResult.Refused>> answers = new ArrayList<>();
        Action reset = new Action.Reset(FakeCluster.id(3), Action.Artifact.LOG);
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.LOG_CORRUPTION,
                "reset", (f, c) -> {
                    Optional<ActionResult.Refused> refused = c.refusal(reset);
                    answers.add(refused);
                    if (refused.isPresent()) {
                        return RungResult.failed("would be refused: " + refused.get().detail());
                    }
                    return c.perform(reset, "test").succeeded() ? RungResult.acted("reset") : RungResult.failed("no");
                }))) {
            // given node-3 down and node-2 behind: only node-1 holds the committed entries
            h.cluster.crash(3);
            h.cluster.logEnd(2, 9);
            h.cycles(10);
            // then each try asked, was told "not now", and waited: no action, no journaled action, no attempt
            assertThat(answers).isNotEmpty().allSatisfy(a -> assertThat(a).get()
                    .extracting(ActionResult.Refused::guard).isEqualTo("committed_replicas"));
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(h.records("reset_log")).isEmpty();
            assertThat(h.records("recovery_rung_failed")).isEmpty();
            assertThat(h.records("recovery_attempted")).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.details()).containsEntry("outcome", "deferred"));
        }
    }

    @Test
    void movesDataAsideBeforeADestructiveActionWhenBackupIsOn() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.LOG_CORRUPTION,
                "reset", performing(results, new Action.Reset(FakeCluster.id(2), Action.Artifact.LOG))))) {
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(h.cluster.actions()).containsExactly(
                    new Action.MoveAside(FakeCluster.id(2), Action.Artifact.LOG),
                    new Action.Reset(FakeCluster.id(2), Action.Artifact.LOG));
            assertThat(h.actions()).containsSubsequence("move_aside_log", "reset_log");
        }
    }

    @Test
    void refusesADestructiveActionWhoseBackupFailed() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.LOG_CORRUPTION,
                "reset", performing(results, new Action.Reset(FakeCluster.id(2), Action.Artifact.LOG))))) {
            h.cluster.onAction(a -> a instanceof Action.MoveAside ? new ActionResult.Failed("disk full")
                    : ActionResult.Done.of("ok"));
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(results).singleElement().isInstanceOfSatisfying(ActionResult.Refused.class,
                    r -> assertThat(r.guard()).isEqualTo("backup_before_recovery"));
            assertThat(h.cluster.actions()).containsExactly(
                    new Action.MoveAside(FakeCluster.id(2), Action.Artifact.LOG));
        }
    }

    @Test
    void refusesToCopyFromASourceThatIsItselfSuspect() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(5, EngineHarness.FAST, TestStrategy.of(
                FailureType.DATABASE_CORRUPTION, "restore", performing(results,
                        new Action.Restore(FakeCluster.id(2), Action.Artifact.DATABASE, FakeCluster.id(3)),
                        new Action.Restore(FakeCluster.id(2), Action.Artifact.DATABASE, FakeCluster.id(2)),
                        new Action.Restore(FakeCluster.id(2), Action.Artifact.DATABASE, FakeCluster.id(1)))))) {
            h.cluster.crash(2);
            h.cluster.crash(3);
            h.cycles(3);
            // the first rung to run is node-2's; node-3 is down and affected, node-2 cannot feed itself
            List<ActionResult> first = results.subList(0, 3);
            assertThat(first.get(0)).isInstanceOfSatisfying(ActionResult.Refused.class,
                    r -> assertThat(r.guard()).isEqualTo("suspect_source"));
            assertThat(first.get(1)).isInstanceOfSatisfying(ActionResult.Refused.class,
                    r -> assertThat(r.guard()).isEqualTo("suspect_source"));
            assertThat(first.get(2)).isInstanceOf(ActionResult.Done.class);
        }
    }

    @Test
    void refusesRestartsWhenAutoRestartIsOff() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().autoRestart(false).build(),
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart",
                        performing(results, new Action.Restart(FakeCluster.id(2)))))) {
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(results).singleElement().isInstanceOfSatisfying(ActionResult.Refused.class,
                    r -> assertThat(r.guard()).isEqualTo("auto_restart"));
            assertThat(h.cluster.actions()).isEmpty();
        }
    }

    @Test
    void stopsActingWhenTheClusterWideActionBudgetIsSpent() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().actionBudget(2).build(),
                TestStrategy.of(FailureType.DEADLOCK, "cancel", performing(results,
                        new Action.CancelOperations(FakeCluster.id(2), List.of()),
                        new Action.CancelOperations(FakeCluster.id(2), List.of()),
                        new Action.CancelOperations(FakeCluster.id(2), List.of()))))) {
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(results).extracting(r -> r.getClass().getSimpleName())
                    .containsExactly("Done", "Done", "Refused");
            assertThat(h.cluster.actions()).hasSize(2);
        }
    }

    @Test
    void dryRunJournalsThePlanWithEvidenceQuorumEffectAndRollbackAndDoesNothing() {
        List<ActionResult> results = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().dryRun(true).build(),
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart",
                        performing(results, new Action.Restart(FakeCluster.id(2)))))) {
            h.cluster.crash(2);
            h.cycles(10);
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(results).singleElement().isInstanceOf(ActionResult.Planned.class);
            assertThat(h.records("restart_node")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("dry_run", true)
                    .containsEntry("outcome", "planned")
                    .containsEntry("evidence", Map.of("reachable", false))
                    .containsEntry("rung", "restart")
                    .containsKeys("quorum_effect", "rollback"));
            assertThat(h.records("recovery_planned")).hasSize(1);
        }
    }
}
