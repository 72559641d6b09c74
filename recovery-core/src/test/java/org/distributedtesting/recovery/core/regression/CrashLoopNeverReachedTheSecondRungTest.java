package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.core.engine.EngineHarness;
import org.distributedtesting.recovery.core.engine.TestStrategy;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.junit.jupiter.api.Test;

/**
 * A failure that came back started again at the first rung: a crash loop ran the first rung (restart) five times and
 * never reached the strategy's paging rung before the attempt budget escalated. A failure that recurs on the same
 * node within {@code restart_cooldown} now resumes its ladder after the rung that ran last; after a healthy
 * {@code restart_cooldown} it starts at the first rung again.
 */
class CrashLoopNeverReachedTheSecondRungTest {

    private static final String RESTART = "restart";
    private static final String PAGE = "page_and_restart";

    /** Restarts a dead node; from the second rung on, pages someone first. */
    static final class PagingLadder extends LadderStrategy {
        final List<NodeId> pages = new ArrayList<>();

        PagingLadder() {
            super("paging_ladder", FailureType.PROCESS_CRASH, Settings.EMPTY);
            rung(RESTART, this::restart);
            rung(PAGE, (failure, context) -> {
                pages.addAll(failure.nodes());
                return restart(failure, context);
            });
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            List<Failure> failures = new ArrayList<>();
            for (NodeObservation o : snapshot.observations().values()) {
                if (o instanceof NodeObservation.Unreachable down && down.process().isDead()) {
                    failures.add(Failure.of(type(), List.of(o.node()), Severity.HIGH, "'" + o.node() + "' is down",
                            Map.of()));
                }
            }
            return failures;
        }

        private RungResult restart(Failure failure, RecoveryContext context) {
            ActionResult result = context.perform(new Action.Restart(failure.nodes().get(0)), "process dead");
            return result.done() ? RungResult.acted(result.detail()) : RungResult.failed(result.detail());
        }
    }

    private static NodeId follower(SimulatedCluster cluster) {
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        return cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    }

    private static List<String> rungsRun(SimulatedRecovery recovery) {
        return recovery.events(RecoveryEvent.RungAttempted.class).stream().map(RecoveryEvent.RungAttempted::rung)
                .toList();
    }

    @Test
    void aCrashLoopClimbsToThePagingRungBeforeTheBudgetEscalates() {
        // Given a follower that dies two seconds after each of its next ten starts
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(7).build();
        NodeId looping = follower(cluster);
        PagingLadder strategy = new PagingLadder();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(strategy),
                RecoveryOptions.defaults())) {
            cluster.faults().crashLoop(looping, 10, Duration.ofSeconds(2));

            // When the engine runs until it gives up
            recovery.runFor(Duration.ofMinutes(10));

            // Then each recurrence resumed after the rung before: restart once, then page (the last rung repeats),
            // and the attempt budget (5) still escalated
            assertThat(rungsRun(recovery)).containsExactly(RESTART, PAGE, PAGE, PAGE, PAGE);
            assertThat(strategy.pages).containsOnly(looping).hasSize(4);
            assertThat(recovery.events(RecoveryEvent.Escalated.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("max_restart_attempts (5) reached"));
            assertThat(recovery.quarantined()).containsExactly(looping);
        }
    }

    @Test
    void aCrashWithinRestartCooldownOfTheLastResumesAtTheNextRung() {
        // Given a follower that crashed once and was restarted by the first rung
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(7).build();
        NodeId node = follower(cluster);
        PagingLadder strategy = new PagingLadder();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(strategy),
                RecoveryOptions.defaults())) {
            cluster.crash(node);
            assertThat(recovery.runUntilHealthy(Duration.ofMinutes(5)).healthy()).isTrue();

            // When it crashes again 20 s later, within restart_cooldown (60 s)
            recovery.runFor(Duration.ofSeconds(20));
            cluster.crash(node);
            assertThat(recovery.runUntilHealthy(Duration.ofMinutes(5)).healthy()).isTrue();

            // Then the second recovery ran the paging rung, not the restart rung again
            assertThat(rungsRun(recovery)).containsExactly(RESTART, PAGE);
            assertThat(strategy.pages).containsExactly(node);
        }
    }

    @Test
    void aCrashAfterAHealthyRestartCooldownStartsAtTheFirstRungAgain() {
        // Given a follower that crashed once and was restarted by the first rung
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(7).build();
        NodeId node = follower(cluster);
        PagingLadder strategy = new PagingLadder();
        RecoveryOptions options = RecoveryOptions.defaults();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(strategy), options)) {
            cluster.crash(node);
            assertThat(recovery.runUntilHealthy(Duration.ofMinutes(5)).healthy()).isTrue();

            // When it stays healthy for longer than restart_cooldown, then crashes again
            recovery.runFor(options.restartCooldown().plusSeconds(5));
            cluster.crash(node);
            assertThat(recovery.runUntilHealthy(Duration.ofMinutes(5)).healthy()).isTrue();

            // Then the second recovery starts at the first rung, and nobody is paged
            assertThat(rungsRun(recovery)).containsExactly(RESTART, RESTART);
            assertThat(strategy.pages).isEmpty();
        }
    }

    @Test
    void aRecurrenceThatNoRungAboveTheLastOneHandlesGoesBackToTheFirstRungInsteadOfEscalating() {
        // Given a ladder whose second rung applies to another kind of finding than the first (it skips this one)
        EngineHarness h = new EngineHarness(3, EngineHarness.FAST, new TestStrategy("kinds", FailureType.PROCESS_CRASH,
                false, List.of(Map.entry("first_kind", EngineHarness::restartFirst),
                        Map.entry("second_kind", (f, c) -> RungResult.skipped("not the second kind of finding")))));
        h.cluster.onAction(a -> {
            h.cluster.heal(2);
            return ActionResult.Done.of("restarted");
        });
        h.cluster.crash(2);
        h.cycles(15);

        // When the same failure comes back within restart_cooldown
        h.cluster.crash(2);
        h.cycles(15);
        h.close();

        // Then the resumed ladder found no rung above the first that applies, and ran the first again
        assertThat(h.events(RecoveryEvent.RungAttempted.class)).extracting(RecoveryEvent.RungAttempted::rung)
                .containsExactly("first_kind", "second_kind", "first_kind");
        assertThat(h.events(RecoveryEvent.RecoveryVerified.class)).hasSize(2);
        assertThat(h.events(RecoveryEvent.Escalated.class)).isEmpty();
    }
}
