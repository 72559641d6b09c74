package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.Observations.down;
import static org.distributedtesting.recovery.strategies.Observations.healthy;
import static org.distributedtesting.recovery.strategies.Observations.id;
import static org.distributedtesting.recovery.strategies.Observations.snapshot;
import static org.distributedtesting.recovery.strategies.Observations.up;

import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.junit.jupiter.api.Test;

class DatabaseCorruptionStrategyTest {

    private static final IntegrityCheck CORRUPT = IntegrityCheck.failed("page checksum mismatch in page 7");
    private final DatabaseCorruptionStrategy strategy = new DatabaseCorruptionStrategy();

    /** Three nodes agree at index 32; node-3's database is corrupt. */
    private static ClusterSnapshot corruptNode3(long cycle) {
        return snapshot(cycle, up(1, healthy(Role.LEADER, 40, "aa", 32)), up(2, healthy(Role.FOLLOWER, 39, "aa", 32)),
                up(3, healthy(Role.FOLLOWER, 38, "aa", 32).database(CORRUPT)));
    }

    private Failure detectedOn(ClusterSnapshot snapshot) {
        return strategy.detector().detect(snapshot, ClusterHistory.EMPTY).get(0);
    }

    @Test
    void detectsAReachableNodeWhoseDatabaseCheckFailedWithItsEvidence() {
        List<Failure> failures = strategy.detector().detect(corruptNode3(1), ClusterHistory.EMPTY);

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("database_corruption:node-3");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.immediate()).isFalse();
            assertThat(f.evidence()).containsEntry("database_check", CORRUPT.detail()).containsEntry("applied_index",
                    38L).containsEntry("state_checksum", "aa").containsEntry("state_checksum_index", 32L);
        });
    }

    @Test
    void aDatabaseThatPassesOrWasNotCheckedOrANodeThatIsDownIsNoFailure() {
        ClusterSnapshot snapshot = snapshot(1, up(1, healthy(Role.LEADER, 40)),
                up(2, healthy(Role.FOLLOWER, 40).database(IntegrityCheck.UNKNOWN)),
                down(3, ProcessStatus.exited(3000, 137)));

        assertThat(strategy.detector().detect(snapshot, ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void restoreSourcesAreHealthyReplicasTheMajorityAgreesWithHighestAppliedIndexFirst() {
        // Given five nodes: node-5 corrupt, node-4 ahead but diverged at index 32, node-3 with a corrupt log
        ClusterSnapshot now = snapshot(2, up(1, healthy(Role.LEADER, 40, "aa", 32)),
                up(2, healthy(Role.FOLLOWER, 41, "aa", 32)), up(3, healthy(Role.FOLLOWER, 45, "aa", 32)
                        .log(IntegrityCheck.failed("index gap"))),
                up(4, healthy(Role.FOLLOWER, 50, "bb", 32)), up(5, healthy(Role.FOLLOWER, 40, "aa", 32)
                        .database(CORRUPT)));

        // When
        List<NodeId> sources = strategy.restoreSources(detectedOn(now), now, ClusterHistory.EMPTY);

        // Then
        assertThat(sources).containsExactly(id(2), id(1));
    }

    @Test
    void checksumsAreComparedAtTheSameIndexAcrossTheHistory() {
        // Given node-1 and node-2 met at index 32 only in an earlier cycle; node-2 now reports index 48
        ClusterSnapshot earlier = corruptNode3(1);
        ClusterSnapshot now = snapshot(2, up(1, healthy(Role.LEADER, 40, "aa", 32)),
                up(2, healthy(Role.FOLLOWER, 50, "cc", 48)), up(3, healthy(Role.FOLLOWER, 38, "aa", 32)
                        .database(CORRUPT)));

        // When / Then: the corrupt node's own checksum is not a vote, yet node-1 and node-2 make a majority
        assertThat(strategy.restoreSources(detectedOn(now), now, new ClusterHistory(List.of(earlier))))
                .containsExactly(id(2), id(1));
        assertThat(strategy.restoreSources(detectedOn(now), now, ClusterHistory.EMPTY)).as("no common index")
                .isEmpty();
    }

    @Test
    void withoutStateChecksumsNoReplicaIsTrustedUnlessAgreementIsNotRequired() {
        ClusterSnapshot now = snapshot(1, up(1, healthy(Role.LEADER, 40)), up(2, healthy(Role.FOLLOWER, 40)),
                up(3, healthy(Role.FOLLOWER, 40).database(CORRUPT)));
        DatabaseCorruptionStrategy lenient = new DatabaseCorruptionStrategy(
                new Settings(Map.of("require_checksum_agreement", false)));

        assertThat(strategy.restoreSources(detectedOn(now), now, ClusterHistory.EMPTY)).isEmpty();
        assertThat(lenient.restoreSources(detectedOn(now), now, ClusterHistory.EMPTY))
                .containsExactly(id(1), id(2));
    }

    @Test
    void restoreStopsTheNodeMovesItsDatabaseAsideRestoresFromTheBestReplicaStartsItAndStepsTheLeaderDown() {
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY);

        RungResult result = strategy.restoreFromReplica(context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)),
                new Action.MoveAside(id(3), Artifact.DATABASE), new Action.Restore(id(3), Artifact.DATABASE, id(1)),
                new Action.Start(id(3)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void whenTheEngineCallsASourceSuspectTheNextReplicaIsTried() {
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY).answering(a -> a instanceof Action.Restore r && r.from().equals(id(1))
                        ? new ActionResult.Refused("suspect_source", "affected by another failure")
                        : ActionResult.Done.of("done"));

        RungResult result = strategy.restoreFromReplica(context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsSubsequence(new Action.Restore(id(3), Artifact.DATABASE, id(1)),
                new Action.Restore(id(3), Artifact.DATABASE, id(2)), new Action.Start(id(3)));
    }

    @Test
    void withNoTrustedReplicaTheRestoreIsSkippedWithoutTouchingTheNode() {
        ClusterSnapshot now = snapshot(1, up(1, healthy(Role.LEADER, 40)), up(2, healthy(Role.FOLLOWER, 40)),
                up(3, healthy(Role.FOLLOWER, 40).database(CORRUPT)));
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY);

        assertThat(strategy.restoreFromReplica(context.failure(), context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void aStopRefusedByTheQuorumBudgetLeavesTheNodeAlone() {
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY).answering(a -> new ActionResult.Refused("quorum_budget", "would leave 1 of 3 voters up"));

        RungResult result = strategy.restoreFromReplica(context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("quorum_budget");
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)));
    }

    @Test
    void aFailedRestoreStartsTheNodeAgainOnItsOldData() {
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY).answering(a -> a instanceof Action.Restore ? new ActionResult.Failed("disk full")
                        : ActionResult.Done.of("done"));

        RungResult result = strategy.restoreFromReplica(context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("disk full");
        assertThat(context.performed()).endsWith(new Action.Restore(id(3), Artifact.DATABASE, id(1)),
                new Action.Start(id(3)));
    }

    @Test
    void fullStateSyncMovesAsideAndResetsTheDatabaseThenTheLog() {
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY);

        RungResult result = strategy.fullStateSync(context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)),
                new Action.MoveAside(id(3), Artifact.DATABASE), new Action.Reset(id(3), Artifact.DATABASE),
                new Action.MoveAside(id(3), Artifact.LOG), new Action.Reset(id(3), Artifact.LOG),
                new Action.Start(id(3)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void isResolvedWhenTheDatabasePassesTheNodeServesAndItsChecksumAgreesWithTheMajority() {
        Failure failure = detectedOn(corruptNode3(1));

        assertThat(strategy.isResolved(failure, corruptNode3(2), ClusterHistory.EMPTY)).as("still corrupt")
                .isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 40, "aa", 32)),
                up(2, healthy(Role.FOLLOWER, 40, "aa", 32)), down(3, ProcessStatus.alive(3001))),
                ClusterHistory.EMPTY)).as("still starting").isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 40, "aa", 32)),
                up(2, healthy(Role.FOLLOWER, 40, "aa", 32)), up(3, healthy(Role.FOLLOWER, 40, "xx", 32))),
                ClusterHistory.EMPTY)).as("restored a state the majority does not hold").isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 40, "aa", 32)),
                up(2, healthy(Role.FOLLOWER, 40, "aa", 32)), up(3, healthy(Role.FOLLOWER, 40, "aa", 32))),
                ClusterHistory.EMPTY)).as("agrees").isTrue();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 40)),
                up(2, healthy(Role.FOLLOWER, 40)), up(3, healthy(Role.FOLLOWER, 40))), ClusterHistory.EMPTY))
                .as("nothing to compare").isTrue();
    }

    @Test
    void theChecksumAgreementSettingIsValidated() {
        assertThat(strategy.requiresChecksumAgreement()).isTrue();
        assertThatThrownBy(() -> new DatabaseCorruptionStrategy(
                new Settings(Map.of("require_checksum_agreement", "yes"))))
                .hasMessage("strategies.database_corruption.require_checksum_agreement must be true or false, but "
                        + "was yes");
    }

    @Test
    void theRungsJournalUnderTheSeedsNameAndANewOne() {
        assertThat(strategy.rungs()).containsExactly("restore_from_replica", "full_state_sync");
        assertThat(strategy.rungAction(0)).isEqualTo("recover_database_corruption");
        assertThat(strategy.rungAction(1)).isEqualTo("full_state_sync_on_corrupt_database");
    }

    @Test
    void aNodeWhoseDataNothingReachesOnceStoppedIsNotStoppedAndBothRungsSkipWithTheReason() {
        // Given a corrupt node whose data actions would be requests to the node itself (no maintenance command)
        ClusterSnapshot now = corruptNode3(1);
        RecordingContext context = RecordingContext.of(detectedOn(now), now).history(ClusterHistory.EMPTY)
                .dataUnreachableWhenStopped(id(3));

        // When
        RungResult restore = strategy.restoreFromReplica(context.failure(), context);
        RungResult fullSync = strategy.fullStateSync(context.failure(), context);

        // Then nothing was stopped, and the ladder climbs to its end with the reason
        assertThat(context.performed()).isEmpty();
        assertThat(List.of(restore, fullSync)).allSatisfy(r -> {
            assertThat(r).isInstanceOf(RungResult.Skipped.class);
            assertThat(r.detail()).startsWith("'node-3': cannot repair the data of a stopped node without"
                    + " maintenance_command");
        });
    }
}
