package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.cutFrom;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.follower;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.id;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.leader;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.snapshot;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.status;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.up;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.junit.jupiter.api.Test;

/** The split-brain detector and ladder on hand-built snapshots. */
class SplitBrainStrategyTest {

    private final SplitBrainStrategy strategy = new SplitBrainStrategy();

    /** Node 1 still claims term 2, cut off; nodes 3 to 5 follow node 2, elected in term 3. */
    private static final ClusterSnapshot STALE_LEADER = snapshot(4, cutFrom(leader(1, 5, 2), 2, 3, 4, 5),
            cutFrom(leader(2, 5, 3), 1), cutFrom(follower(3, 5, 3, 2), 1), cutFrom(follower(4, 5, 3, 2), 1),
            cutFrom(follower(5, 5, 3, 2), 1));

    /** Nodes 1 and 2 both claim term 3; node 3 follows node 1, node 4 node 2, node 5 campaigns. */
    private static final ClusterSnapshot SAME_TERM = snapshot(4, leader(1, 5, 3), leader(2, 5, 3),
            follower(3, 5, 3, 1), follower(4, 5, 3, 2), up(5, status(5, 5, Role.CANDIDATE, 4, null).build()));

    /** Node 1 leads term 2 followed by node 3, node 2 leads term 3 followed by node 4, node 5 campaigns. */
    private static final ClusterSnapshot NO_MAJORITY = snapshot(4, leader(1, 5, 2), leader(2, 5, 3),
            follower(3, 5, 2, 1), follower(4, 5, 3, 2), up(5, status(5, 5, Role.CANDIDATE, 4, null).build()));

    private Failure detectOne(ClusterSnapshot snapshot) {
        List<Failure> failures = strategy.detector().detect(snapshot, ClusterHistory.EMPTY);
        assertThat(failures).hasSize(1);
        return failures.get(0);
    }

    @Test
    void oneLeaderIsNoSplitBrain() {
        ClusterSnapshot healthy = snapshot(1, leader(1, 3, 2), follower(2, 3, 2, 1), follower(3, 3, 2, 1));

        assertThat(strategy.detector().detect(healthy, ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void aStaleLeaderOfAnOlderTermIsConfirmedLikeAnyFailureAndOnlyItIsAffected() {
        Failure failure = detectOne(STALE_LEADER);

        assertThat(failure.key()).isEqualTo("split_brain:node-1");
        assertThat(failure.immediate()).isFalse();
        assertThat(failure.severity()).isEqualTo(Severity.HIGH);
        assertThat(failure.summary()).contains("a majority follows 'node-2'");
        assertThat(failure.evidence()).containsEntry("leaders", List.of("node-1", "node-2"))
                .containsEntry("leader_terms", Map.of("node-1", 2L, "node-2", 3L))
                .containsEntry("leader_supporters", Map.of("node-1", 1, "node-2", 4))
                .containsEntry("majority_leader", "node-2").containsEntry("same_term", false)
                .containsEntry("quorum", 3);
    }

    @Test
    void twoLeadersOfOneTermAreACriticalSafetyViolationActedOnAtOnce() {
        Failure failure = detectOne(SAME_TERM);

        assertThat(failure.nodes()).containsExactly(id(1), id(2));
        assertThat(failure.immediate()).isTrue();
        assertThat(failure.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(failure.summary()).contains("term 3", "election safety is violated");
        assertThat(failure.evidence()).containsEntry("same_term", true);
    }

    @Test
    void leadersOfUnknownTermAreNotTakenForLeadersOfOneTerm() {
        ClusterSnapshot unknownTerms = snapshot(1, leader(1, 3, -1), leader(2, 3, -1), follower(3, 3, -1, 2));

        assertThat(detectOne(unknownTerms).immediate()).isFalse();
    }

    @Test
    void withoutALeaderToKeepEveryClaimedLeaderIsAffected() {
        Failure failure = detectOne(NO_MAJORITY);

        assertThat(failure.nodes()).containsExactly(id(1), id(2));
        assertThat(failure.immediate()).isFalse();
        assertThat(failure.evidence()).containsEntry("majority_leader", "none");
    }

    @Test
    void fencingKeepsTheLeaderTheMajorityFollowsAndStepsTheOthersDown() {
        RecordingContext context = RecordingContext.of(detectOne(STALE_LEADER), STALE_LEADER);

        RungResult result = strategy.attempt(0, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(result.detail()).contains("kept 'node-2' (term 3, followed by 4 of 5 voters)");
        assertThat(context.performed()).containsExactly(new Action.StepDown(id(1), Optional.empty()));
    }

    @Test
    void fencingIsSkippedWhenNoLeaderHasAMajority() {
        RecordingContext context = RecordingContext.of(detectOne(NO_MAJORITY), NO_MAJORITY);

        RungResult fence = strategy.attempt(0, context.failure(), context);
        assertThat(fence).isInstanceOf(RungResult.Skipped.class);
        assertThat(fence.detail()).startsWith("no claimed leader is followed by a majority");
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void fencingIsSkippedWhenTwoLeadersShareTheHighestTermEvenIfOneHasAMajority() {
        ClusterSnapshot sameTermOneMajority = snapshot(4, leader(1, 5, 3), leader(2, 5, 3), follower(3, 5, 3, 1),
                follower(4, 5, 3, 1), follower(5, 5, 3, 2));
        RecordingContext context = RecordingContext.of(detectOne(sameTermOneMajority), sameTermOneMajority);

        RungResult fence = strategy.attempt(0, context.failure(), context);
        assertThat(fence).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
        // the record says why: a majority does follow node-1, but node-2 claims its term
        assertThat(fence.detail()).startsWith("'node-1' is followed by a majority, but 'node-2' claims the same term 3")
                .doesNotContain("no claimed leader is followed by a majority");
    }

    @Test
    void fencingFailsWhenTheStaleLeaderDoesNotStepDown() {
        RecordingContext context = RecordingContext.of(detectOne(STALE_LEADER), STALE_LEADER).answering(a -> new ActionResult.Failed("connection refused"));

        RungResult result = strategy.attempt(0, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("node-1", "connection refused");
    }

    @Test
    void withNoLeaderToKeepEveryClaimedLeaderStepsDown() {
        RecordingContext context = RecordingContext.of(detectOne(SAME_TERM), SAME_TERM);

        RungResult result = strategy.attempt(1, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.StepDown(id(1), Optional.empty()),
                new Action.StepDown(id(2), Optional.empty()));
    }

    @Test
    void steppingEveryoneDownIsSkippedWhileAMajorityFollowsALeaderToKeep() {
        RecordingContext context = RecordingContext.of(detectOne(STALE_LEADER), STALE_LEADER);

        RungResult result = strategy.attempt(1, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void theStaggeredRestartTakesTheLeaderWithTheLowestTermFirst() {
        RecordingContext context = RecordingContext.of(detectOne(NO_MAJORITY), NO_MAJORITY);

        RungResult result = strategy.attempt(2, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Restart(id(1), "restart_split_brain_leader"));
    }

    @Test
    void aRestartTheEngineRefusesFailsTheRung() {
        RecordingContext context = RecordingContext.of(detectOne(NO_MAJORITY), NO_MAJORITY).answering(a -> new ActionResult.Refused("quorum_budget", "would leave 2 of 5 voters up"));

        RungResult result = strategy.attempt(2, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("would leave 2 of 5 voters up");
    }

    @Test
    void rungsThatFindASingleLeaderLeftHaveNothingToDoAndLetTheEngineVerify() {
        ClusterSnapshot healed = snapshot(5, leader(2, 3, 3), follower(1, 3, 3, 2), follower(3, 3, 3, 2));
        Failure failure = detectOne(NO_MAJORITY);

        for (int rung = 0; rung < strategy.rungs().size(); rung++) {
            RecordingContext context = RecordingContext.of(failure, healed);
            assertThat(strategy.attempt(rung, failure, context)).isInstanceOf(RungResult.Acted.class);
            assertThat(context.performed()).isEmpty();
        }
        assertThat(strategy.isResolved(failure, healed, ClusterHistory.EMPTY)).isTrue();
        assertThat(strategy.isResolved(failure, NO_MAJORITY, ClusterHistory.EMPTY)).isFalse();
    }

    @Test
    void theLadderFencesThenStepsAllDownThenRestartsWithTheSeedsJournalName() {
        assertThat(strategy.name()).isEqualTo("split_brain");
        assertThat(strategy.rungs()).containsExactly("fence_stale_leaders", "step_down_all", "restart_staggered");
        assertThat(List.of(strategy.rungAction(0), strategy.rungAction(1), strategy.rungAction(2)))
                .containsExactly("recover_split_brain", "step_down_all_leaders", "restart_leaders_staggered");
    }

    @Test
    void isRegisteredThroughServiceLoaderInTheLeadershipSet() {
        StrategyRegistry registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve("split_brain")).singleElement().isInstanceOf(SplitBrainStrategy.class);
        assertThat(registry.resolve(BuiltInStrategies.LEADERSHIP)).anyMatch(SplitBrainStrategy.class::isInstance);
    }
}
