package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.T0;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.follower;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.id;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.leader;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.distributedtesting.recovery.strategies.PerfSnapshots.Timeline;
import org.junit.jupiter.api.Test;

class DeadlockStrategyTest {

    private final DeadlockStrategy strategy = new DeadlockStrategy();

    /** Node 1 leads and commits 5 entries a second; node 3 does whatever {@code three} says. */
    private static Timeline cluster(int cycles, IntFunction<NodeStatus.Builder> three) {
        return new Timeline(3).cycles(cycles, k -> i -> switch (i) {
            case 1 -> leader(1, 100 + 5L * k);
            case 2 -> follower(100 + 5L * k);
            default -> three.apply(k);
        });
    }

    private static Operation startedSecondsBeforeT0(String id, long seconds) {
        return new Operation(id, "client_write", T0.minusSeconds(seconds));
    }

    @Test
    void operationsOlderThanTheLimitAreADeadlockWithTheirIdsAsEvidence() {
        // Given
        Timeline t = cluster(1, k -> follower(100).operations(List.of(startedSecondsBeforeT0("op-1", 31),
                startedSecondsBeforeT0("op-2", 5))));

        // When
        List<Failure> failures = t.detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("deadlock:node-3");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("signals", List.of("old_operations"))
                    .containsEntry("old_operations", List.of("op-1")).containsEntry("oldest_operation_age_s", 31L);
        });
    }

    @Test
    void operationsYoungerThanTheLimitAreNotADeadlock() {
        Timeline t = cluster(1, k -> follower(100).operations(List.of(startedSecondsBeforeT0("op-1", 29))));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void anAppliedIndexStandingStillForStallCyclesWhileCommitsAdvanceIsAStall() {
        // Given: node 3 keeps learning of commits and applies none of them, for 5 cycles (6 snapshots)
        Timeline t = cluster(6, k -> follower(100).commitIndex(100 + 5L * k).queueDepth(5L * k));

        // When
        List<Failure> failures = t.detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.evidence())
                .containsEntry("signals", List.of("apply_stalled", "queue_growing"))
                .containsEntry("applied_index", 100L).containsEntry("commit_index", 125L)
                .containsEntry("commit_index_before", 100L));
    }

    @Test
    void aStallShorterThanStallCyclesIsNotYetADeadlock() {
        Timeline t = cluster(5, k -> follower(100).commitIndex(100 + 5L * k).queueDepth(5L * k));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void anIdleNodeWhoseIndexesStandStillIsNotStalled() {
        Timeline t = new Timeline(3).cycles(10, k -> i -> i == 1 ? leader(1, 100) : follower(100));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void aQueueThatGrowsEveryCycleWhileNothingIsAppliedIsADeadlockEvenWithoutCommits() {
        // Given: the leader's request handling is stuck: requests pile up, nothing commits or applies
        Timeline t = new Timeline(3).cycles(6, k -> i -> i == 1 ? leader(1, 100).queueDepth(3L * k + 1)
                : follower(100));

        // When / Then
        assertThat(t.detect(strategy.detector())).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("deadlock:node-1");
            assertThat(f.severity()).as("a stuck leader stops every write").isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("signals", List.of("queue_growing"))
                    .containsEntry("queue_depth_before", 1L).containsEntry("queue_depth", 16L);
        });
    }

    @Test
    void aQueueThatStopsGrowingForOneCycleIsNotADeadlock() {
        Timeline t = new Timeline(3).cycles(6, k -> i -> i == 1 ? leader(1, 100).queueDepth(k == 3 ? 6 : 3L * k)
                : follower(100));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void aNodeBehindTheHighestTermIsLeftToTheLeadershipStrategies() {
        Timeline t = cluster(1, k -> follower(100).term(2).operations(List.of(startedSecondsBeforeT0("op-1", 60))));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void anUnreachableNodeIsNotJudgedSinceRequestsThatTimeOutArePartitionSignals() {
        Timeline t = cluster(8, k -> k == 7 ? null : follower(100).commitIndex(100 + 5L * k));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void isResolvedOnlyOnceTheNodeAnswersHasAppliedPastTheStallAndHasNoOldOperation() {
        // Given
        Timeline t = cluster(6, k -> follower(100).commitIndex(100 + 5L * k));
        Failure stall = t.detect(strategy.detector()).get(0);

        // Then
        assertThat(strategy.isResolved(stall, cluster(1, k -> null).now(), t.history())).as("down").isFalse();
        assertThat(strategy.isResolved(stall, cluster(1, k -> follower(110).commitIndex(125)).now(),
                t.history())).as("applying, not caught up").isFalse();
        assertThat(strategy.isResolved(stall, cluster(1, k -> follower(125).operations(List.of(
                startedSecondsBeforeT0("op-9", 40)))).now(), t.history())).as("an old operation").isFalse();
        assertThat(strategy.isResolved(stall, cluster(1, k -> follower(126)).now(), t.history())).isTrue();
    }

    @Test
    void theCancelRungCancelsOnlyTheOldOperationsAndSkipsWhenThereAreNone() {
        // Given
        Timeline t = cluster(1, k -> follower(100).operations(List.of(startedSecondsBeforeT0("op-1", 45),
                startedSecondsBeforeT0("op-2", 1))));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        // When
        RungResult result = strategy.attempt(0, failure, context);

        // Then
        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.CancelOperations(id(3), List.of("op-1")));
        Timeline young = cluster(1, k -> follower(100));
        assertThat(strategy.attempt(0, failure, RecordingContext.of(failure, young.now())))
                .isInstanceOf(RungResult.Skipped.class);
    }

    @Test
    void detectorAndCancelRungAgreeThatAnOldApplyOperationIsBlockedButNotCancellable() {
        // Given a node with an old apply operation and an old client write
        Timeline t = cluster(1, k -> follower(100).operations(List.of(
                new Operation("op-1", DeadlockStrategy.APPLY_KIND, T0.minusSeconds(44)),
                startedSecondsBeforeT0("op-2", 40))));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        // When
        RungResult result = strategy.attempt(0, failure, context);

        // Then both count, and only the client write is cancelled
        assertThat(failure.evidence()).containsEntry("old_operations", List.of("op-1", "op-2"))
                .containsEntry("cancellable_operations", List.of("op-2"));
        assertThat(failure.summary()).contains("2 operations older than 30 s, 1 of kind apply, which no cancel ends");
        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.CancelOperations(id(3), List.of("op-2")));
    }

    @Test
    void anOldApplyOperationAloneSkipsTheCancelRungSayingWhyAndTheComponentIsRestarted() {
        // Given a node whose only old operation is of kind apply
        Timeline t = cluster(1, k -> follower(100).operations(List.of(
                new Operation("op-1", DeadlockStrategy.APPLY_KIND, T0.minusSeconds(44)))));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        // When
        RungResult cancel = strategy.attempt(0, failure, context);
        RungResult component = strategy.attempt(1, failure, context);

        // Then the detector and the rung say the same thing about op-1
        assertThat(failure.summary()).contains("1 operation older than 30 s, of kind apply, which no cancel ends");
        assertThat(failure.evidence()).containsEntry("cancellable_operations", List.of());
        assertThat(cancel).isInstanceOf(RungResult.Skipped.class);
        assertThat(cancel.detail()).isEqualTo("no operation a cancel can end: 'node-3' op-1 older than 30 s is of"
                + " kind apply (a committed entry being applied, which must finish, not be cancelled); the next rung"
                + " restarts the stuck apply loop");
        assertThat(component).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performedNames()).containsExactly(DeadlockStrategy.RESTART_STUCK_COMPONENT);
    }

    @Test
    void theUpperRungsRestartTheComponentThenTheNodeWithTheSeedsJournalNames() {
        Timeline t = cluster(6, k -> follower(100).commitIndex(100 + 5L * k));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        strategy.attempt(1, failure, context);
        strategy.attempt(2, failure, context);

        assertThat(context.performedNames()).containsExactly("restart_stuck_component", "restart_deadlocked_node");
        assertThat(context.performed().get(0).impact()).isEqualTo(Action.Impact.NONE);
        assertThat(strategy.rungs()).containsExactly("cancel_blocked_operations", "restart_stuck_component",
                "restart_node");
        assertThat(List.of(strategy.rungAction(0), strategy.rungAction(1), strategy.rungAction(2)))
                .containsOnly("recover_deadlock");
    }

    @Test
    void aHostOverridesOneRungBySubclassing() {
        // Given
        DeadlockStrategy gentle = new DeadlockStrategy() {
            @Override
            protected RungResult restartNode(Failure failure, RecoveryContext context) {
                return RungResult.skipped("this host never restarts a node for a deadlock");
            }
        };
        Timeline t = cluster(6, k -> follower(100).commitIndex(100 + 5L * k));
        Failure failure = t.detect(gentle.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        // When / Then
        assertThat(gentle.attempt(2, failure, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void settingsAreReadAndValidatedWithTheirFullKey() {
        DeadlockStrategy tuned = new DeadlockStrategy(new Settings(Map.of("max_operation_age", 10, "stall_cycles",
                8L)));
        assertThat(tuned.maxOperationAge()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tuned.stallCycles()).isEqualTo(8);
        assertThatThrownBy(() -> new DeadlockStrategy(new Settings(Map.of("stall_cycles", -1L))))
                .hasMessage("strategies.deadlock.stall_cycles must be > 0, but was -1");
        assertThatThrownBy(() -> new DeadlockStrategy(new Settings(Map.of("max_operation_age", 0))))
                .hasMessage("strategies.deadlock.max_operation_age must be > 0 seconds, but was 0.0");
        assertThatThrownBy(() -> new DeadlockStrategy(new Settings(Map.of("stall_cycles", "five"))))
                .hasMessage("strategies.deadlock.stall_cycles must be a whole number, but was five");
    }

    @Test
    void theThreePerformanceStrategiesAreRegisteredAsASet() {
        StrategyRegistry registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve(BuiltInStrategies.PERFORMANCE)).extracting(RecoveryStrategy::name)
                .containsExactlyInAnyOrder(DeadlockStrategy.NAME, ResourceExhaustionStrategy.NAME,
                        SlowFollowerStrategy.NAME);
        assertThat(registry.resolve(DeadlockStrategy.NAME)).singleElement().isInstanceOf(DeadlockStrategy.class);
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void anApplyStandingStillOrARoleUnknownNotYetLastingIsFormingNotReported() {
        // Given node-3 whose applied index stood still over the last cycle while its commit index moved
        Timeline stalling = cluster(3, k -> follower(100 + 5L * Math.min(k, 1)).commitIndex(100 + 5L * k));
        // and node-3 answering without a consensus role for one cycle
        Timeline starting = cluster(2, k -> k == 1 ? follower(110).role(Role.UNKNOWN).leader(null) : follower(105));

        // Then neither is reported, and each is forming
        assertThat(stalling.detect(strategy.detector())).isEmpty();
        assertThat(strategy.detector().forming(stalling.now(), stalling.history())).singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("'node-3' applied index 105 stands still",
                        "stall_cycles"));
        assertThat(starting.detect(strategy.detector())).isEmpty();
        assertThat(strategy.detector().forming(starting.now(), starting.history())).singleElement()
                .satisfies(f -> assertThat(f.summary()).contains("role unknown", "max_not_serving"));
        Timeline healthy = cluster(3, k -> follower(100 + 5L * k));
        assertThat(strategy.detector().forming(healthy.now(), healthy.history())).isEmpty();
    }
}
