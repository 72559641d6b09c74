package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.Snapshots.id;
import static org.distributedtesting.recovery.strategies.Snapshots.node;
import static org.distributedtesting.recovery.strategies.Snapshots.timeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.distributedtesting.recovery.strategies.Snapshots.Timeline;
import org.junit.jupiter.api.Test;

class TermDivergenceStrategyTest {

    private final TermDivergenceStrategy strategy = new TermDivergenceStrategy();

    private List<Failure> detect(Timeline t) {
        return strategy.detector().detect(t.now(), t.history());
    }

    /** Three nodes: node-3 has stayed at term 4 while the others moved to 5, for {@code cycles} snapshots. */
    private static Timeline node3Lagging(int cycles) {
        return timeline(cycles, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, 4).leader(null).build()});
    }

    /** Three nodes: node-2 is cut off and starts two elections of its own per cycle. */
    private static Timeline node2Campaigning(int cycles) {
        return timeline(cycles, c -> new NodeStatus[] {node(1, 3, 3).build(),
                node(2, 3, 3 + 2L * c).role(Role.CANDIDATE).leader(null).electionsStarted(1 + 2L * c).build(),
                node(3, 3, 3).build()});
    }

    @Test
    void aLagThatOutlastsStabilizationIsATermSpreadOnTheLaggingNode() {
        List<Failure> failures = detect(node3Lagging(6));

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("term_divergence:node-3");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("kind", "term_spread").containsEntry("max_term", 5L)
                    .containsEntry("majority_term", 5L)
                    .containsEntry("spread", 1L).containsEntry("lagging_cycles", 6)
                    .containsEntry("terms", Map.of("node-1", 5L, "node-2", 5L, "node-3", 4L));
        });
    }

    @Test
    void aLagNoLongerThanStabilizationIsAnElectionSettlingAndNotReported() {
        assertThat(detect(node3Lagging(5))).as("5 snapshots").isEmpty();
        Timeline interrupted = timeline(12, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, c == 7 ? 5 : 4).build()});
        assertThat(detect(interrupted)).as("caught up once in between").isEmpty();
    }

    @Test
    void unreachableNodesAndNonVotersDoNotCountTowardTheSpread() {
        Timeline t = timeline(8, c -> new NodeStatus[] {node(1, 4, 5).build(), node(2, 4, 5).build(), null,
                node(4, 4, 2).voter(false).build()});

        assertThat(detect(t)).isEmpty();
    }

    @Test
    void aNodeWhoseOwnElectionsKeepRaisingItsTermCampaignsInALoop() {
        List<Failure> failures = detect(node2Campaigning(7));

        assertThat(failures).as("the lasting spread it causes is not reported besides").singleElement()
                .satisfies(f -> {
            assertThat(f.key()).isEqualTo("term_divergence:node-2");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("kind", "campaign_loop")
                    .containsEntry("own_term_growth", Map.of("node-2", 12L)).containsEntry("max_term_growth", 5L);
        });
    }

    @Test
    void growthWithinTheLimitIsNotACampaignLoop() {
        assertThat(detect(node2Campaigning(3))).as("+4 in 2 cycles").isEmpty();
    }

    @Test
    void aNodeThatFollowsOrIsRaisedToAHigherTermIsNotCampaigning() {
        Timeline raised = timeline(6, c -> new NodeStatus[] {node(1, 3, 10L * c).build(),
                node(2, 3, 10L * c).build(), node(3, 3, 10L * c).build()});

        assertThat(detect(raised)).isEmpty();
    }

    @Test
    void aPausedNodeWhoseTermStoppedRisingNoLongerCampaigns() {
        Timeline paused = node2Campaigning(5).withNow(s -> {
            s[1] = node(2, 3, 11).role(Role.CANDIDATE).leader(null).electionsStarted(9).electionsPaused(true).build();
            return s;
        });

        assertThat(detect(paused)).noneMatch(f -> "campaign_loop".equals(f.evidence().get("kind")));
    }

    @Test
    void aPausedNodeThatStillClimbsStillCampaigns() {
        Timeline stillClimbing = node2Campaigning(5).withNow(s -> {
            s[1] = s[1].toBuilder().electionsPaused(true).build();
            return s;
        });

        assertThat(detect(stillClimbing)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("kind", "campaign_loop"));
    }

    @Test
    void aPausedNodeIsReportedOnceItsTermAgreesAndAMajorityReachesIt() {
        Timeline healthy = timeline(3, c -> new NodeStatus[] {node(1, 3, 7).build(), node(2, 3, 7).build(),
                node(3, 3, 7).electionsPaused(true).build()});

        assertThat(detect(healthy)).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("term_divergence:node-3");
            assertThat(f.severity()).isEqualTo(Severity.LOW);
            assertThat(f.evidence()).containsEntry("kind", "elections_paused");
        });
    }

    @Test
    void aPausedNodeThatItsPeersCannotReachStaysPaused() {
        Timeline cutOff = timeline(3, c -> new NodeStatus[] {
                node(1, 3, 7).peerReachability(Map.of(id(2), true, id(3), false)).build(),
                node(2, 3, 7).peerReachability(Map.of(id(1), true, id(3), false)).build(),
                node(3, 3, 7).electionsPaused(true).leader(null)
                        .peerReachability(Map.of(id(1), false, id(2), false)).build()});

        assertThat(detect(cutOff)).isEmpty();
    }

    @Test
    void withoutPeerReportsAPausedNodeCountsAsReachedWhenItFollowsTheLeaderOfItsTerm() {
        Timeline following = timeline(3, c -> new NodeStatus[] {node(1, 3, 7).peerReachability(Map.of()).build(),
                node(2, 3, 7).peerReachability(Map.of()).build(),
                node(3, 3, 7).peerReachability(Map.of()).electionsPaused(true).build()});

        assertThat(detect(following)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("kind", "elections_paused"));
        assertThat(detect(following.withNow(s -> {
            s[2] = s[2].toBuilder().leader(null).build();
            return s;
        }))).isEmpty();
    }

    @Test
    void isResolvedWhenTermsAgreeUnderALeaderAndNoNodeCampaigns() {
        Failure spread = detect(node3Lagging(6)).get(0);
        Timeline t = node3Lagging(6);

        assertThat(strategy.isResolved(spread, t.now(), t.history())).as("still lagging").isFalse();
        Timeline raisedNoLeader = t.withNow(s -> new NodeStatus[] {node(1, 3, 5).role(Role.FOLLOWER).leader(null)
                .build(), node(2, 3, 5).leader(null).build(), node(3, 3, 5).leader(null).build()});
        assertThat(strategy.isResolved(spread, raisedNoLeader.now(), raisedNoLeader.history()))
                .as("terms agree, the election has not settled").isFalse();
        Timeline settled = t.withNow(s -> new NodeStatus[] {node(1, 3, 6).build(), node(2, 3, 6).build(),
                node(3, 3, 6).build()});
        assertThat(strategy.isResolved(spread, settled.now(), settled.history())).isTrue();
    }

    @Test
    void pausedElectionsAreResolvedOnlyOnceResumed() {
        Timeline t = timeline(3, c -> new NodeStatus[] {node(1, 3, 7).build(), node(2, 3, 7).build(),
                node(3, 3, 7).electionsPaused(true).build()});
        Failure paused = detect(t).get(0);

        assertThat(strategy.isResolved(paused, t.now(), t.history())).isFalse();
        Timeline resumed = t.withNow(s -> {
            s[2] = s[2].toBuilder().electionsPaused(false).build();
            return s;
        });
        assertThat(strategy.isResolved(paused, resumed.now(), resumed.history())).isTrue();
    }

    @Test
    void eachRungActsOnItsOwnFindingAndSkipsTheOthers() {
        Timeline t = node2Campaigning(5);
        Failure campaign = detect(t).get(0);
        RecordingContext context = RecordingContext.of(campaign, t.now()).history(t.history());

        assertThat(strategy.attempt(0, campaign, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(strategy.attempt(1, campaign, context)).isInstanceOf(RungResult.Acted.class);
        assertThat(strategy.attempt(2, campaign, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(strategy.attempt(3, campaign, context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).containsExactly(new Action.SetElectionsPaused(id(2), true));
        assertThat(strategy.rungs())
                .containsExactly("resume_elections", "pause_disruptive_node", "raise_lagging_terms", "rerun_election");
        assertThat(List.of(0, 1, 2, 3)).allSatisfy(r -> assertThat(strategy.rungAction(r))
                .isEqualTo("recover_term_divergence"));
    }

    @Test
    void neverPausesSoManyVotersThatNoMajorityCouldCampaign() {
        Timeline t = node2Campaigning(5).withNow(s -> {
            s[0] = s[0].toBuilder().electionsPaused(true).build();
            return s;
        });
        Failure campaign = detect(t).get(0);
        RecordingContext context = RecordingContext.of(campaign, t.now()).history(t.history());

        RungResult result = strategy.attempt(1, campaign, context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("fewer than a majority (2)");
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void raisesOnlyNodesWhoseFreshTermIsStillBelowTheMajoritysTerm() {
        Timeline t = timeline(6, c -> new NodeStatus[] {node(1, 5, 9).build(), node(2, 5, 9).build(),
                node(3, 5, 9).build(), node(4, 5, 4).leader(null).build(), node(5, 5, 5).leader(null).build()});
        Failure spread = detect(t).get(0);
        NodeStatus movedOn = node(5, 5, 12).build();
        RecordingContext context = RecordingContext.of(spread, t.now()).history(t.history()).probing(
                new NodeObservation.Reachable(id(5), t.now().takenAt(), Duration.ofMillis(1), movedOn,
                        ProcessStatus.alive(5)));

        RungResult result = strategy.attempt(2, spread, context);

        assertThat(spread.nodes()).containsExactly(id(4), id(5));
        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).as("node-5 is at 12 now: a raise to 9 would lower it")
                .containsExactly(new Action.RaiseTerm(id(4), 9));
    }

    @Test
    void aTermOnlyAMinorityHoldsIsNeverATargetSoTheMajorityIsNotLagging() {
        // one node of three came back from a cut-off at a high term; a majority is below it
        Timeline oneHigh = timeline(8, c -> new NodeStatus[] {node(1, 3, 2).build(), node(2, 3, 2).build(),
                node(3, 3, 11).role(Role.FOLLOWER).leader(null).build()});
        // two of five report absurd terms, one of them the largest there is
        Timeline twoHigh = timeline(8, c -> new NodeStatus[] {node(1, 5, 2).build(), node(2, 5, 2).build(),
                node(3, 5, 2).build(), node(4, 5, 40).leader(null).build(),
                node(5, 5, Long.MAX_VALUE).leader(null).build()});

        assertThat(detect(oneHigh)).as("3 nodes, one ahead").isEmpty();
        assertThat(detect(twoHigh)).as("5 nodes, two ahead").singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("term_divergence:node-5");
            assertThat(f.evidence()).containsEntry("kind", "implausible_term").containsEntry("majority_term", 2L);
        });
    }

    @Test
    void aTermNoElectionsExplainMakesItsNodeThePatientAndNoRungActsOnIt() {
        // node-3 of three answers a term a million and one above the majority's, at once
        Timeline absurd = timeline(2, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, 1_000_006).build()});
        Timeline far = timeline(2, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, 1_000_005).build()});

        Failure failure = detect(absurd).get(0);
        RecordingContext context = RecordingContext.of(failure, absurd.now()).history(absurd.history());

        assertThat(failure.key()).isEqualTo("term_divergence:node-3");
        assertThat(failure.severity()).isEqualTo(Severity.HIGH);
        assertThat(failure.summary()).contains("'node-3'", "above the majority's term 5", "never a target");
        assertThat(detect(far)).as("exactly max_term_ahead above").isEmpty();
        assertThat(List.of(0, 1, 2, 3)).allSatisfy(r -> assertThat(strategy.attempt(r, failure, context))
                .isInstanceOf(RungResult.Skipped.class));
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void withFewerThanAMajorityReportingNoNodeLags() {
        // node-3 and node-4 of five do not answer: two terms cannot vouch for anything
        Timeline t = timeline(8, c -> new NodeStatus[] {node(1, 5, 7).build(), node(2, 5, 3).leader(null).build(),
                null, null, null});

        assertThat(detect(t)).isEmpty();
    }

    @Test
    void rerunsTheElectionFromAnUpToDateUnaffectedVoter() {
        Timeline t = timeline(6, c -> new NodeStatus[] {node(1, 3, 9).build(),
                node(2, 3, 9).lastLogIndex(120).build(), node(3, 3, 4).leader(null).build()});
        Failure spread = detect(t).get(0);
        RecordingContext context = RecordingContext.of(spread, t.now()).history(t.history());

        assertThat(strategy.attempt(3, spread, context)).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.StepDown(id(1), Optional.of(id(2))));
    }

    @Test
    void aFailedActionFailsTheRung() {
        Timeline t = node3Lagging(6);
        Failure spread = detect(t).get(0);
        RecordingContext context = RecordingContext.of(spread, t.now()).history(t.history())
                .answering(a -> new ActionResult.Failed("refused by the node"));

        assertThat(strategy.attempt(2, spread, context)).isInstanceOf(RungResult.Failed.class);
    }

    @Test
    void settingsAreReadAndValidated() {
        TermDivergenceStrategy tuned = new TermDivergenceStrategy(new Settings(Map.of("stabilization_cycles", 2L,
                "max_term_spread", 1L, "max_term_growth", 9L, "growth_window_cycles", 20L)));

        assertThat(tuned.stabilizationCycles()).isEqualTo(2);
        assertThat(tuned.maxTermSpread()).isEqualTo(1);
        assertThat(tuned.maxTermGrowth()).isEqualTo(9);
        assertThat(tuned.growthWindowCycles()).isEqualTo(20);
        assertThat(strategy.stabilizationCycles()).isEqualTo(TermDivergenceStrategy.DEFAULT_STABILIZATION_CYCLES);
        assertThatThrownBy(() -> new TermDivergenceStrategy(new Settings(Map.of("max_term_growth", 0L))))
                .hasMessage("strategies.term_divergence.max_term_growth must be > 0, but was 0");
        assertThatThrownBy(() -> new TermDivergenceStrategy(new Settings(Map.of("max_term_spread", -1L))))
                .hasMessage("strategies.term_divergence.max_term_spread must be >= 0, but was -1");
        assertThatThrownBy(() -> new TermDivergenceStrategy(new Settings(Map.of("stabilization_cycles", -1L))))
                .hasMessage("strategies.term_divergence.stabilization_cycles must be >= 0, but was -1");
        assertThatThrownBy(() -> new TermDivergenceStrategy(new Settings(Map.of("growth_window_cycles", 0L))))
                .hasMessage("strategies.term_divergence.growth_window_cycles must be >= 1, but was 0");
    }

    @Test
    void isRegisteredThroughServiceLoaderInTheLeadershipSet() {
        var registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve("term_divergence")).singleElement().isInstanceOf(TermDivergenceStrategy.class);
        assertThat(registry.resolve(BuiltInStrategies.LEADERSHIP))
                .anySatisfy(s -> assertThat(s).isInstanceOf(TermDivergenceStrategy.class));
        assertThat(registry.problems()).isEmpty();
    }

    /** Three followers of term 5 that know no leader (it stepped down), for {@code cycles} snapshots a second apart. */
    private static Timeline leaderless(int cycles, java.util.function.IntUnaryOperator electionsOfNode2) {
        return timeline(cycles, c -> new NodeStatus[] {node(1, 3, 5).role(Role.FOLLOWER).leader(null).build(),
                node(2, 3, 5).leader(null).electionsStarted(electionsOfNode2.applyAsInt(c)).build(),
                node(3, 3, 5).leader(null).build()});
    }

    @Test
    void aMajorityWithoutLeaderThatStartsNoElectionForTheWindowIsFlaggedNoLeader() {
        // Given 6 snapshots (5 s) with no leader and elections_started unchanged
        List<Failure> failures = detect(leaderless(6, c -> 1));

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("term_divergence:node-1,node-2,node-3");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("kind", "no_leader").containsEntry("leaderless_for_seconds", 5L)
                    .containsEntry("leaderless_window_s", 5L);
            assertThat(f.summary()).startsWith("no leader among the 3 reachable voters");
        });
    }

    @Test
    void aShorterLeaderlessStretchOrOneWithElectionsStartingIsNoNoLeaderFinding() {
        assertThat(detect(leaderless(5, c -> 1))).as("4 s").isEmpty();
        assertThat(detect(leaderless(6, c -> c))).as("node-2 keeps campaigning").isEmpty();
        Timeline oneNamesALeader = timeline(8, c -> new NodeStatus[] {node(1, 3, 5).role(Role.FOLLOWER).leader(null)
                .build(), node(2, 3, 5).build(), node(3, 3, 5).leader(null).build()});
        assertThat(detect(oneNamesALeader)).as("node-2 still hears node-1, which the monitor sees as a follower")
                .isEmpty();
    }

    @Test
    void theLeaderlessWindowIsASetting() {
        TermDivergenceStrategy quick = new TermDivergenceStrategy(new Settings(Map.of("leaderless_window", 2)));

        assertThat(quick.detector().detect(leaderless(3, c -> 1).now(), leaderless(3, c -> 1).history()))
                .singleElement().satisfies(f -> assertThat(f.evidence()).containsEntry("kind", "no_leader"));
        assertThatThrownBy(() -> new TermDivergenceStrategy(new Settings(Map.of("leaderless_window", 0))))
                .hasMessageContaining("strategies.term_divergence.leaderless_window must be > 0");
    }

    @Test
    void noLeaderAsksEveryReachableVoterForAnElection() {
        // Given
        Timeline t = leaderless(6, c -> 1);
        Failure failure = detect(t).get(0);
        RecordingContext context = RecordingContext.of(failure, t.now()).history(t.history());

        // When
        RungResult result = strategy.attempt(0, failure, context);

        // Then
        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.SetElectionsPaused(id(1), false),
                new Action.SetElectionsPaused(id(2), false), new Action.SetElectionsPaused(id(3), false));
        assertThat(context.reasons()).allSatisfy(r -> assertThat(r).contains("asking for an election"));
    }

    @Test
    void aLeaderlessMajorityOrALaggingTermNotYetLastingIsFormingSoThatOnceWaitsForIt() {
        // Given 4 s without a leader (the window is 5 s), and node-3 one cycle below the majority's term
        Timeline shortLeaderless = leaderless(5, c -> 1);
        Timeline justLagging = timeline(2, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, c == 2 ? 4 : 5).leader(null).build()});

        // Then neither is a failure yet, and each is forming
        assertThat(detect(shortLeaderless)).isEmpty();
        assertThat(strategy.detector().forming(shortLeaderless.now(), shortLeaderless.history())).singleElement()
                .satisfies(f -> {
                    assertThat(f.evidence()).containsEntry("kind", "no_leader");
                    assertThat(f.summary()).contains("no leader among the 3 reachable voters", "not yet for 5 s");
                });
        assertThat(detect(justLagging)).isEmpty();
        assertThat(strategy.detector().forming(justLagging.now(), justLagging.history())).singleElement()
                .satisfies(f -> {
                    assertThat(f.nodes()).containsExactly(Snapshots.id(3));
                    assertThat(f.summary()).contains("below the majority's term 5", "stabilization_cycles");
                });
        Timeline healthy = timeline(2, c -> new NodeStatus[] {node(1, 3, 5).build(), node(2, 3, 5).build(),
                node(3, 3, 5).build()});
        assertThat(strategy.detector().forming(healthy.now(), healthy.history())).isEmpty();
    }
}
