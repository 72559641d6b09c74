package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.engine.EngineHarness;
import org.distributedtesting.recovery.core.engine.FakeCluster;
import org.distributedtesting.recovery.core.engine.TestStrategy;
import org.junit.jupiter.api.Test;

/**
 * The engine's restart wiped its memory: a new engine on the journal of the one before started with no attempts, no
 * backoff, no quarantine and an empty action budget, so with {@code max_restart_attempts} 2, four daemon runs gave 8
 * restarts and 4 quarantines of one node, and a crash loop of the daemon (systemd's {@code Restart=on-failure}) left
 * a crash loop of the node unbounded. The engine rebuilds its ledger from the journal when it is built.
 */
class EngineRestartWipedItsLedgerTest {

    private static final RecoveryOptions OPTIONS = EngineHarness.FAST.toBuilder()
            .maxRestartAttempts(2)
            .quarantineRetryAfter(Duration.ZERO)
            .build();

    /** A node whose every start fails: its process exits at once. */
    private static EngineHarness crashLoop(RecoveryOptions options) {
        EngineHarness h = new EngineHarness(3, options, TestStrategy.of(FailureType.PROCESS_CRASH, "restart",
                EngineHarness::restartFirst));
        h.cluster.onAction(a -> a.kind() == ActionKind.START ? new ActionResult.Failed("exited with code 2")
                : ActionResult.Done.of("ok"));
        h.cluster.crash(2);
        return h;
    }

    private static List<Instant> restarts(EngineHarness h) {
        return h.records("restart_node").stream().map(JournalRecord::timestamp).toList();
    }

    @Test
    void aRestartedEngineGoesOnWithTheAttemptBudgetAndBackoffOfTheOneBefore() {
        // Given an engine that restarted the crash-looping node once, then stopped
        EngineHarness first = crashLoop(OPTIONS);
        first.cycles(3);
        assertThat(restarts(first)).hasSize(1);

        // When a new engine runs on its journal, and a third one after that
        EngineHarness second = first.restart();
        second.cycles(60);
        EngineHarness third = second.restart();
        third.cycles(60);
        third.close();

        // Then the node was restarted twice in all, the second time only once the backoff (10 s) after the first
        // had passed, and it stays quarantined
        List<Instant> restarts = restarts(third);
        assertThat(restarts).hasSize(2);
        assertThat(Duration.between(restarts.get(0), restarts.get(1))).isEqualTo(Duration.ofSeconds(10));
        assertThat(third.records("node_quarantined")).hasSize(1);
        assertThat(third.engine.quarantined()).containsExactly(FakeCluster.id(2));
    }

    @Test
    void aQuarantinedNodeStaysQuarantinedAcrossARestartUntilItsOwnHalfOpenTime() {
        // Given the node quarantined after two failed restarts, with quarantine_retry_after 120 s
        EngineHarness first = crashLoop(OPTIONS.toBuilder().quarantineRetryAfter(Duration.ofSeconds(120)).build());
        first.cycles(20);
        assertThat(first.records("node_quarantined")).hasSize(1);
        Instant quarantinedAt = first.records("node_quarantined").get(0).timestamp();

        // When a new engine takes over, and runs until 10 s past the half-open time
        EngineHarness second = first.restart();
        assertThat(second.engine.quarantined()).containsExactly(FakeCluster.id(2));
        while (second.clock.instant().isBefore(quarantinedAt.plusSeconds(130))) {
            second.cycles(1);
        }
        second.close();

        // Then it half-opened 120 s after it was quarantined, not 120 s after the new engine started, and got one
        // attempt, which quarantined it again
        assertThat(second.records("node_half_open")).singleElement()
                .satisfies(r -> assertThat(r.timestamp()).isEqualTo(quarantinedAt.plusSeconds(120)));
        assertThat(restarts(second)).hasSize(3);
        assertThat(restarts(second).get(2)).isEqualTo(quarantinedAt.plusSeconds(120));
        assertThat(second.records("node_quarantined")).hasSize(2);
    }

    @Test
    void anOperatorsReleaseIsNotUndoneByARestart() {
        // Given the node quarantined, then released by the operator
        EngineHarness first = crashLoop(OPTIONS);
        first.cycles(20);
        assertThat(first.engine.release(FakeCluster.id(2))).isTrue();

        // When a new engine takes over
        EngineHarness second = first.restart();

        // Then the node is not quarantined, and has its fresh budget: two more restarts before the next quarantine
        assertThat(second.engine.quarantined()).isEmpty();
        second.cycles(60);
        second.close();
        assertThat(restarts(second)).hasSize(4);
        assertThat(second.records("node_quarantined")).hasSize(2);
    }

    @Test
    void anActionBudgetSpentBeforeARestartStaysSpentUntilItsWindowHasPassed() {
        // Given a budget of one action per 600 s, spent on the first restart, and the alert that it is spent
        EngineHarness first = crashLoop(OPTIONS.toBuilder().maxRestartAttempts(5).actionBudget(1)
                .actionBudgetWindow(Duration.ofSeconds(600)).build());
        first.cycles(20);
        assertThat(restarts(first)).hasSize(1);
        assertThat(first.records("action_budget_exhausted")).hasSize(1);
        Instant firstRestart = restarts(first).get(0);

        // When a new engine takes over and runs until 10 s before the window ends
        EngineHarness second = first.restart();
        while (second.clock.instant().isBefore(firstRestart.plusSeconds(590))) {
            second.cycles(1);
        }

        // Then it held the recovery back for the action budget, without a second alert in the same window
        assertThat(restarts(second)).hasSize(1);
        assertThat(second.events(RecoveryEvent.RecoveryDeferred.class))
                .extracting(RecoveryEvent.RecoveryDeferred::guard).contains("action_budget");
        assertThat(second.records("action_budget_exhausted")).hasSize(1);

        // and restarts the node once the first restart has left the window
        while (second.clock.instant().isBefore(firstRestart.plusSeconds(605))) {
            second.cycles(1);
        }
        second.close();
        assertThat(restarts(second)).hasSize(2);
        assertThat(restarts(second).get(1)).isAfterOrEqualTo(firstRestart.plusSeconds(600));
    }

    @Test
    void attemptsOfAFailureThatWentQuietLongBeforeTheRestartDoNotCount() {
        // Given one failed restart, and the engine stopped for two hours
        EngineHarness first = crashLoop(OPTIONS);
        first.cycles(3);
        first.engine.close();
        first.clock.advance(Duration.ofHours(2));

        // When a new engine takes over
        EngineHarness second = first.restart();
        int before = second.journal.records().size();
        second.cycles(60);
        second.close();

        // Then the node has a whole budget again: attempts 1 and 2, then quarantine
        List<JournalRecord> rungs = second.journal.records().subList(before, second.journal.records().size()).stream()
                .filter(r -> r.action().equals("recovery_attempted")).toList();
        assertThat(rungs).extracting(r -> ((Number) r.details().get("attempt")).intValue()).containsExactly(1, 2);
        assertThat(second.records("node_quarantined")).hasSize(1);
    }

    @Test
    void aFailureThatComesBackAfterARestartResumesItsLadderWhereTheEngineBeforeLeftIt() {
        // Given an engine whose first rung restarted the crashed node, verified, and then stopped
        TestStrategy ladder = new TestStrategy(FailureType.PROCESS_CRASH.name(), FailureType.PROCESS_CRASH, false,
                List.of(Map.entry("restart", EngineHarness::restartFirst),
                        Map.entry("restart_and_page", EngineHarness::restartFirst)));
        EngineHarness first = new EngineHarness(3, OPTIONS.toBuilder().maxRestartAttempts(5).build(), ladder);
        first.cluster.onAction(a -> {
            first.cluster.heal(2); // a restart brings the node back
            return ActionResult.Done.of("restarted");
        });
        first.cluster.crash(2);
        first.cycles(15);
        assertThat(first.events(RecoveryEvent.RecoveryVerified.class)).as("%s", first.actions()).hasSize(1);

        // When a new engine takes over on its journal and the node crashes again within restart_cooldown
        EngineHarness second = first.restart();
        second.cluster.crash(2);
        second.cycles(15);
        second.close();

        // Then the new engine ran the second rung: the rung of the last attempt came back with the attempts
        assertThat(second.events(RecoveryEvent.RungAttempted.class)).extracting(RecoveryEvent.RungAttempted::rung)
                .containsExactly("restart_and_page");
        assertThat(second.events(RecoveryEvent.RecoveryVerified.class)).hasSize(1);
    }
}
