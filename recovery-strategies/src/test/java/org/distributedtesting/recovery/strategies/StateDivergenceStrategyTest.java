package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.strategies.Snapshots.id;
import static org.distributedtesting.recovery.strategies.Snapshots.node;
import static org.distributedtesting.recovery.strategies.Snapshots.timeline;

import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.distributedtesting.recovery.strategies.Snapshots.Timeline;
import org.junit.jupiter.api.Test;

class StateDivergenceStrategyTest {

    private final StateDivergenceStrategy strategy = new StateDivergenceStrategy();

    private List<Failure> detect(Timeline t) {
        return strategy.detector().detect(t.now(), t.history());
    }

    private static NodeStatus at(int i, int n, long index, String checksum) {
        return node(i, n, 2).appliedIndex(index + 3).stateChecksum(new StateChecksum(checksum, index)).build();
    }

    @Test
    void aNodeDisagreeingWithTheMajorityAtTheSameIndexDiverged() {
        Timeline t = timeline(2, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});

        assertThat(detect(t)).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("state_divergence:node-3");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("index", 32L).containsEntry("checksum", "bad")
                    .containsEntry("authoritative_checksum", "aaa").containsEntry("majority", List.of("node-1", "node-2"))
                    .containsEntry("checksums", Map.of("node-1", "aaa", "node-2", "aaa", "node-3", "bad"));
        });
    }

    @Test
    void checksumsAtDifferentIndexesAreNeverCompared() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 48, "x48"), at(2, 3, 48, "x48"),
                at(3, 3, 32, "y32")});

        assertThat(detect(t)).isEmpty();
    }

    @Test
    void theOthersChecksumsAtTheNodesIndexComeFromTheHistory() {
        Timeline t = timeline(3, c -> c < 3
                ? new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"), at(3, 3, 16, "old")}
                : new NodeStatus[] {at(1, 3, 48, "ccc"), at(2, 3, 48, "ccc"), at(3, 3, 32, "bad")});

        assertThat(detect(t)).singleElement().satisfies(f -> assertThat(f.nodes()).containsExactly(id(3)));
    }

    @Test
    void theLeaderIsNotTheAuthorityTheMajorityIs() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 5, 64, "wrong"), at(2, 5, 64, "right"),
                at(3, 5, 64, "right"), at(4, 5, 64, "right"), at(5, 5, 64, "right")});

        assertThat(t.now().status(id(1)).orElseThrow().role()).isEqualTo(Role.LEADER);
        assertThat(detect(t)).singleElement().satisfies(f -> {
            assertThat(f.nodes()).containsExactly(id(1));
            assertThat(f.evidence()).containsEntry("majority", List.of("node-2", "node-3", "node-4", "node-5"));
        });
    }

    @Test
    void withoutAMajorityAnIndexEveryoneHasAppliedHasNoSafeAuthority() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "bbb"), null});

        assertThat(detect(t)).singleElement().satisfies(f -> {
            assertThat(f.nodes()).containsExactly(id(1), id(2));
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.evidence()).containsEntry("authoritative_checksum", "none");
        });
    }

    /**
     * Seen on the real Ratis cluster under steady writes: the leader was always an entry ahead when probed, so one
     * diverged follower and one healthy follower looked like a split without a majority, and both were quarantined.
     */
    @Test
    void aReachableVoterThatPassedTheIndexUnseenIsAMissingVoteNotADissentingOne() {
        // Given two followers that disagree at 32 and a leader already past 32, never probed there
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 33, "lead"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});

        // Then nothing is reported: the leader's checksum at 32 could still make a majority with either
        assertThat(detect(t)).isEmpty();
    }

    @Test
    void withoutAMajorityYetWhileAVoterHasNotAppliedTheIndexItWaits() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "bbb"),
                node(3, 3, 2).appliedIndex(30).stateChecksum(new StateChecksum("ccc", 16)).build()});

        assertThat(detect(t)).isEmpty();
    }

    @Test
    void isResolvedByTheNodesCurrentChecksumNotItsOldOnes() {
        Timeline diverged = timeline(2, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});
        Failure failure = detect(diverged).get(0);
        Timeline restored = timeline(3, c -> c < 3
                ? new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"), at(3, 3, 32, "bad")}
                : new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"), at(3, 3, 32, "aaa")});

        assertThat(strategy.isResolved(failure, diverged.now(), diverged.history())).isFalse();
        assertThat(strategy.isResolved(failure, restored.now(), restored.history()))
                .as("its old 'bad' at 32 is still in the history").isTrue();
        Timeline noReportYet = restored.withNow(s -> {
            s[2] = node(3, 3, 2).appliedIndex(40).build();
            return s;
        });
        assertThat(strategy.isResolved(failure, noReportYet.now(), noReportYet.history())).isFalse();
    }

    @Test
    void transfersTheStateFromTheLeaderWhenItIsInTheMajority() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history());

        assertThat(strategy.attempt(0, failure, context)).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)),
                new Action.MoveAside(id(3), Artifact.DATABASE), new Action.Restore(id(3), Artifact.DATABASE, id(1)),
                new Action.Start(id(3)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void aWrongLeaderIsRestoredFromTheFollowerWithTheHighestAppliedIndex() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "bad"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "aaa").toBuilder().appliedIndex(40).build()});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history());

        strategy.attempt(0, failure, context);

        assertThat(context.performed()).contains(new Action.Restore(id(1), Artifact.DATABASE, id(3)));
    }

    @Test
    void aFullResyncAlsoMovesTheLogAsideAndResetsIt() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history());

        assertThat(strategy.attempt(1, failure, context)).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)),
                new Action.MoveAside(id(3), Artifact.DATABASE), new Action.Restore(id(3), Artifact.DATABASE, id(1)),
                new Action.MoveAside(id(3), Artifact.LOG), new Action.Reset(id(3), Artifact.LOG),
                new Action.Start(id(3)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void aFailedRestoreStillStartsTheNodeAndFailsTheRung() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history()).answering(a ->
                a instanceof Action.Restore ? new ActionResult.Failed("copy interrupted") : ActionResult.Done.of("ok"));

        RungResult result = strategy.attempt(0, failure, context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("restore_database on 'node-3' failed: copy interrupted")
                .contains("started it again on its old data");
        assertThat(context.performed()).last().isEqualTo(new Action.Start(id(3)));
    }

    @Test
    void withoutASafeAuthorityBothRungsSkipAndTouchNothing() {
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "bbb"), null});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history());

        assertThat(strategy.attempt(0, failure, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(strategy.attempt(1, failure, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void isRegisteredThroughServiceLoaderInTheDataSet() {
        var registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve("state_divergence")).singleElement().isInstanceOf(StateDivergenceStrategy.class);
        assertThat(registry.resolve(BuiltInStrategies.DATA))
                .anySatisfy(s -> assertThat(s).isInstanceOf(StateDivergenceStrategy.class));
        assertThat(strategy.rungs()).containsExactly("transfer_state", "full_resync");
        assertThat(strategy.rungAction(0)).isEqualTo("recover_state_divergence");
        assertThat(strategy.rungAction(1)).isEqualTo("recover_state_divergence");
    }

    @Test
    void aNodeWhoseDataNothingReachesOnceStoppedIsNotStoppedAndBothRungsSkipWithTheReason() {
        // Given
        Timeline t = timeline(1, c -> new NodeStatus[] {at(1, 3, 32, "aaa"), at(2, 3, 32, "aaa"),
                at(3, 3, 32, "bad")});
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history())
                .dataUnreachableWhenStopped(id(3));

        // When
        RungResult transfer = strategy.attempt(0, failure, context);
        RungResult resync = strategy.attempt(1, failure, context);

        // Then
        assertThat(context.performed()).isEmpty();
        assertThat(List.of(transfer, resync)).allSatisfy(r -> {
            assertThat(r).isInstanceOf(RungResult.Skipped.class);
            assertThat(r.detail()).contains("cannot repair the data of a stopped node without maintenance_command");
        });
    }
}
