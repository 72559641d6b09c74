package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.follower;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.id;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.leader;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.distributedtesting.recovery.strategies.PerfSnapshots.Timeline;
import org.junit.jupiter.api.Test;

class SlowFollowerStrategyTest {

    private final SlowFollowerStrategy strategy = new SlowFollowerStrategy();

    private static long commit(int k) {
        return 1000 + 5L * k;
    }

    /** Node 1 leads and commits 5 entries a cycle; the others keep up; node 3 does what {@code three} says. */
    private static Timeline cluster(int size, int cycles, IntFunction<NodeStatus.Builder> three) {
        return new Timeline(size).cycles(cycles, k -> i -> switch (i) {
            case 1 -> leader(1, commit(k));
            case 3 -> three.apply(k);
            default -> follower(commit(k) - 2);
        });
    }

    /** Node 3, {@code lag} entries behind in snapshot k. */
    private static IntFunction<NodeStatus.Builder> lagging(IntFunction<Long> lag) {
        return k -> follower(commit(k) - lag.apply(k));
    }

    @Test
    void aLagAboveTheMaximumForSustainCyclesIsASlowFollower() {
        // Given / When
        List<Failure> failures = cluster(5, 3, lagging(k -> 300L)).detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("slow_follower:node-3");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("signal", "sustained_lag").containsEntry("lag_entries", 300L)
                    .containsEntry("leader", "node-1").containsEntry("leader_commit_index", 1010L)
                    .containsEntry("max_lag_entries", 250L).doesNotContainKey("slow_probe_ms");
        });
    }

    @Test
    void aLagAboveTheMaximumForTwoCyclesIsNotYetSustained() {
        assertThat(cluster(5, 3, lagging(k -> k == 0 ? 200L : 300L)).detect(strategy.detector())).isEmpty();
    }

    @Test
    void aLagAboveTheFloorThatKeepsGrowingIsASlowFollowerLongBeforeTheMaximum() {
        // Given: 3 more entries behind every cycle, 63 behind now, 33 ten cycles ago
        List<Failure> failures = cluster(5, 11, lagging(k -> 33L + 3L * k)).detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.evidence()).containsEntry("signal", "growing_lag").containsEntry("lag_entries", 63L)
                    .containsEntry("lag_entries_before", 33L).containsEntry("growth_window_cycles", 10);
            assertThat(f.summary()).contains("63 entries behind leader 'node-1'", "falling further behind");
        });
    }

    @Test
    void aSteadyLagBelowTheMaximumIsNotASlowFollower() {
        assertThat(cluster(5, 20, lagging(k -> k % 2 == 0 ? 120L : 110L)).detect(strategy.detector())).isEmpty();
    }

    @Test
    void aGrowingLagBelowTheFloorIsNoise() {
        assertThat(cluster(5, 11, lagging(k -> 2L + 4L * k)).detect(strategy.detector())).isEmpty();
    }

    @Test
    void aNodeThatWasDownInTheWindowIsCatchingUpRatherThanSlow() {
        Timeline t = cluster(5, 11, k -> k == 3 ? null : follower(commit(k) - (k < 3 ? 2 : 60)));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void aNodeThatDoesNotFollowTheLeaderInItsTermHasNoLagToJudge() {
        assertThat(cluster(5, 11, k -> follower(900).term(2)).detect(strategy.detector())).as("older term")
                .isEmpty();
        assertThat(cluster(5, 11, k -> follower(900).role(Role.CANDIDATE)).detect(strategy.detector()))
                .as("campaigning").isEmpty();
        assertThat(cluster(5, 11, k -> follower(900).leader(id(4))).detect(strategy.detector()))
                .as("following another node").isEmpty();
    }

    @Test
    void twoLeadersInTheHighestTermLeaveNoLeaderToMeasureAgainst() {
        Timeline t = new Timeline(3).cycles(5, k -> i -> i == 3 ? follower(500) : leader(i, commit(k)));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void aNodeStuckApplyingWhatItKnowsIsCommittedIsLeftToTheDeadlockStrategy() {
        Timeline t = cluster(5, 11, k -> follower(900).commitIndex(commit(k)));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void aProbeSlowerThanAHeartbeatIsAddedToTheEvidence() {
        Timeline t = new Timeline(5).latency(Duration.ofMillis(250));
        for (int k = 0; k < 3; k++) {
            int cycle = k;
            t.cycle(i -> i == 1 ? leader(1, commit(cycle)) : i == 3 ? follower(commit(cycle) - 400)
                    : follower(commit(cycle)));
        }

        assertThat(t.detect(strategy.detector())).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("slow_probe_ms", 250L));
    }

    @Test
    void aLearnerThatIsBehindIsLeftAlone() {
        assertThat(cluster(5, 15, k -> follower(commit(k) - 100 - 5L * k).voter(false))
                .detect(strategy.detector())).isEmpty();
    }

    @Test
    void aLearnerThatHasCaughtUpForStableCyclesIsReportedOnceForRePromotion() {
        // Given: a learner behind until cycle 4, then within 20 entries for 10 cycles
        IntFunction<NodeStatus.Builder> learner = k -> follower(commit(k) - (k < 4 ? 300 : 5)).voter(false);

        // When / Then
        assertThat(cluster(5, 13, learner).detect(strategy.detector())).as("9 stable cycles").isEmpty();
        assertThat(cluster(5, 14, learner).detect(strategy.detector())).singleElement().satisfies(f -> {
            assertThat(SlowFollowerStrategy.isRePromotion(f)).isTrue();
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.evidence()).containsEntry("signal", "re_promotion").containsEntry("lag_entries", 5L);
        });
    }

    @Test
    void aPermanentLearnerIsNeverPromoted() {
        SlowFollowerStrategy keepsLearners = new SlowFollowerStrategy(new Settings(Map.of("permanent_learners",
                List.of("node-3"))));

        assertThat(cluster(5, 14, k -> follower(commit(k)).voter(false)).detect(keepsLearners.detector()))
                .isEmpty();
    }

    @Test
    void onlyTheRePromoteRungActsOnARePromotionAndItPromotes() {
        // Given
        Timeline t = cluster(5, 10, k -> follower(commit(k)).voter(false));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        // When
        List<String> results = IntStream.range(0, 5)
                .mapToObj(r -> strategy.attempt(r, failure, context).getClass().getSimpleName()).toList();

        // Then
        assertThat(results).containsExactly("Skipped", "Skipped", "Skipped", "Skipped", "Acted");
        assertThat(context.performed()).containsExactly(new Action.SetVoter(id(3), true));
    }

    @Test
    void theLowerRungsSyncFromTheLeaderAndRestartWithTheSeedsJournalNames() {
        Timeline t = cluster(5, 3, lagging(k -> 300L));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        strategy.attempt(0, failure, context);
        strategy.attempt(1, failure, context);

        assertThat(context.performed()).containsExactly(new Action.TriggerSync(id(3), id(1),
                "trigger_sync_on_slow_follower"), new Action.Restart(id(3), "restart_slow_follower"));
        assertThat(strategy.rungs()).containsExactly("trigger_sync", "restart_slow_follower", "transfer_state",
                "demote", "re_promote");
        assertThat(strategy.rungAction(4)).isEqualTo("recover_slow_follower");
        assertThat(strategy.attempt(4, failure, context)).as("nothing to re-promote")
                .isInstanceOf(RungResult.Skipped.class);
    }

    @Test
    void theStateTransferStopsBacksUpCopiesTheLeadersDatabaseAndStarts() {
        Timeline t = cluster(5, 3, lagging(k -> 300L));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now());

        assertThat(strategy.attempt(2, failure, context)).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(3)),
                new Action.MoveAside(id(3), Action.Artifact.DATABASE),
                new Action.Restore(id(3), Action.Artifact.DATABASE, id(1)), new Action.Start(id(3)));
    }

    @Test
    void aFailedCopyStillStartsTheNodeAgain() {
        Timeline t = cluster(5, 3, lagging(k -> 300L));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).options(RecoveryOptions.defaults()).answering(a -> a instanceof Action.Restore ? new ActionResult.Refused("suspect_source", "leader is suspect")
                        : ActionResult.Done.of("done"));

        assertThat(strategy.attempt(2, failure, context)).isInstanceOf(RungResult.Failed.class);
        assertThat(context.performedNames()).containsExactly("stop_node", "move_aside_database", "restore_database",
                "start_node");
    }

    @Test
    void theStateTransferIsSkippedWithoutAutoRestartOrWithoutAHealthyLeader() {
        Timeline t = cluster(5, 3, lagging(k -> 300L));
        Failure failure = t.detect(strategy.detector()).get(0);
        RecoveryOptions noRestart = RecoveryOptions.builder().autoRestart(false).build();
        RecordingContext context = RecordingContext.of(failure, t.now()).options(noRestart).answering(a -> ActionResult.Done.of("x"));
        assertThat(strategy.attempt(2, failure, context)).isInstanceOf(RungResult.Skipped.class);

        Timeline corruptLeader = new Timeline(5).cycle(i -> i == 1
                ? leader(1, 1000).database(IntegrityCheck.failed("page 3")) : follower(600));
        RecordingContext other = RecordingContext.of(failure, corruptLeader.now());
        assertThat(strategy.attempt(2, failure, other)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
        assertThat(other.performed()).isEmpty();
    }

    @Test
    void demotionKeepsTheConfiguredFaultTolerance() {
        // five voters: four remain, tolerating one failure
        Timeline five = cluster(5, 3, lagging(k -> 300L));
        Failure slowOfFive = five.detect(strategy.detector()).get(0);
        RecordingContext demoted = RecordingContext.of(slowOfFive, five.now());
        assertThat(strategy.attempt(3, slowOfFive, demoted)).isInstanceOf(RungResult.Acted.class);
        assertThat(demoted.performed()).containsExactly(new Action.SetVoter(id(3), false));

        // three voters: two remain, tolerating none
        Timeline three = cluster(3, 3, lagging(k -> 300L));
        Failure slowOfThree = three.detect(strategy.detector()).get(0);
        RungResult skipped = strategy.attempt(3, slowOfThree, RecordingContext.of(slowOfThree, three.now()));
        assertThat(skipped).isInstanceOf(RungResult.Skipped.class);
        assertThat(skipped.detail()).contains("leave 2 voters (2 up) tolerating 0 failures");

        // five voters with one down: four remain but only three answer, a bare majority
        Timeline oneDown = new Timeline(5).cycle(i -> i == 5 ? null : i == 1 ? leader(1, 1000)
                : follower(i == 3 ? 600 : 1000));
        assertThat(strategy.attempt(3, slowOfFive, RecordingContext.of(slowOfFive, oneDown.now())))
                .isInstanceOf(RungResult.Skipped.class);
    }

    @Test
    void aLagIsResolvedWhenCaughtUpForStableCyclesOrDemoted() {
        Failure slow = cluster(5, 3, lagging(k -> 300L)).detect(strategy.detector()).get(0);

        Timeline briefly = cluster(5, 12, lagging(k -> k < 9 ? 300L : 3L));
        assertThat(strategy.isResolved(slow, briefly.now(), briefly.history())).as("3 cycles caught up").isFalse();
        Timeline stable = cluster(5, 12, lagging(k -> k < 2 ? 300L : 3L));
        assertThat(strategy.isResolved(slow, stable.now(), stable.history())).as("10 cycles caught up").isTrue();
        Timeline demoted = cluster(5, 1, k -> follower(500).voter(false));
        assertThat(strategy.isResolved(slow, demoted.now(), demoted.history())).as("demoted").isTrue();
        Timeline down = cluster(5, 1, k -> null);
        assertThat(strategy.isResolved(slow, down.now(), down.history())).as("down").isFalse();
    }

    @Test
    void aRePromotionIsResolvedWhenTheNodeVotesAgain() {
        Failure promote = cluster(5, 10, k -> follower(commit(k)).voter(false)).detect(strategy.detector()).get(0);

        assertThat(strategy.isResolved(promote, cluster(5, 1, k -> follower(commit(k)).voter(false)).now(),
                ClusterHistory.EMPTY)).isFalse();
        assertThat(strategy.isResolved(promote, cluster(5, 1, k -> follower(commit(k))).now(),
                ClusterHistory.EMPTY)).isTrue();
    }

    @Test
    void settingsAreReadAndValidatedWithTheirFullKey() {
        SlowFollowerStrategy tuned = new SlowFollowerStrategy(new Settings(Map.of("caught_up_lag_entries", 5L,
                "min_fault_tolerance", 0L)));
        assertThat(tuned.caughtUpLagEntries()).isEqualTo(5);
        assertThat(tuned.minFaultTolerance()).isZero();
        assertThatThrownBy(() -> new SlowFollowerStrategy(new Settings(Map.of("max_lag_entries", -1L))))
                .hasMessage("strategies.slow_follower.max_lag_entries must be > 0, but was -1");
        assertThatThrownBy(() -> new SlowFollowerStrategy(new Settings(Map.of("caught_up_lag_entries", 50L))))
                .hasMessage("strategies.slow_follower.caught_up_lag_entries must be < lag_floor_entries (50), "
                        + "but was 50");
        assertThatThrownBy(() -> new SlowFollowerStrategy(new Settings(Map.of("lag_floor_entries", 300L))))
                .hasMessage("strategies.slow_follower.lag_floor_entries must be <= max_lag_entries (250), "
                        + "but was 300");
        assertThatThrownBy(() -> new SlowFollowerStrategy(new Settings(Map.of("permanent_learners", "node-3"))))
                .hasMessage("strategies.slow_follower.permanent_learners must be a list of node ids, but was node-3");
        assertThatThrownBy(() -> new SlowFollowerStrategy(new Settings(Map.of("stable_cycles", 0L))))
                .hasMessage("strategies.slow_follower.stable_cycles must be > 0, but was 0");
    }

    @Test
    void aLagAboveTheMaximumForFewerThanSustainCyclesIsFormingNotReported() {
        // Given node-3 300 entries behind in the last of three cycles only
        Timeline t = cluster(5, 3, lagging(k -> k == 2 ? 300L : 2L));

        // Then it is not reported, but it is forming (a --once run waits for it)
        assertThat(t.detect(strategy.detector())).isEmpty();
        assertThat(strategy.detector().forming(t.now(), t.history())).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("slow_follower:node-3");
            assertThat(f.summary()).contains("300 entries behind", "not yet for 3 cycles");
        });
        Timeline keepingUp = cluster(5, 3, lagging(k -> 2L));
        assertThat(strategy.detector().forming(keepingUp.now(), keepingUp.history())).isEmpty();
    }
}
