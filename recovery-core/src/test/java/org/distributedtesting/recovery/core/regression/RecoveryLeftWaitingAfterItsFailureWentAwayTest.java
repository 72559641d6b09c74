package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

/**
 * Symptom: in a campaign, a slow follower that healed while its sync awaited verification was never verified nor
 * cleared once a term divergence preempted it; and a node's term divergence escalated because a new finding of the
 * same key inherited the rung a recovery had climbed to after its own failure had gone. When a failure is no longer
 * detected, its verification decides; when that verification then ends without success (timed out or preempted),
 * nothing is left to recover: the failure is cleared, and a later failure of the same key starts a fresh ladder.
 */
class RecoveryLeftWaitingAfterItsFailureWentAwayTest {

    private final SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(1).build();
    private final NodeId node = cluster.nodeIds().get(1);
    private final InMemoryJournal journal = new InMemoryJournal();

    private RecoveryEngine engine(RecoveryStrategy... strategies) {
        RecoveryOptions options = RecoveryOptions.builder().verifyTimeout(Duration.ofSeconds(10))
                .backoffInitial(Duration.ofSeconds(2)).backoffMax(Duration.ofSeconds(2)).build();
        return cluster.engine().strategies(List.of(strategies)).options(options).journal(journal).build();
    }

    private static void cycles(RecoveryEngine engine, SimulatedCluster cluster, int count) {
        for (int i = 0; i < count; i++) {
            cluster.advance(Duration.ofSeconds(1));
            engine.runCycle();
        }
    }

    private List<String> actions() {
        return journal.records().stream().map(JournalRecord::action).toList();
    }

    @Test
    void aFailureGoneBeforeItsVerificationTimedOutIsClearedAndItsOccurrenceAfterRestartCooldownStartsAtTheFirstRung() {
        FlaggedStrategy strict = new FlaggedStrategy(FailureType.TERM_DIVERGENCE, false,
                Map.entry("first", RungResult.acted("first acted")),
                Map.entry("second", RungResult.acted("second acted")));
        try (RecoveryEngine engine = engine(strict)) {
            // Given a failure whose first rung acted, then a verification that cannot pass
            strict.flag(node);
            cycles(engine, cluster, 4);
            assertThat(strict.ran()).containsExactly("first");
            // When the failure goes away before the verify timeout, and the timeout passes
            strict.unflag(node);
            cycles(engine, cluster, 12);
            // Then the rung is reported as failed and the failure as cleared
            assertThat(actions()).containsSubsequence("recovery_rung_failed", "failure_cleared");
            assertThat(journal.records("failure_cleared")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("failure_id", "term_divergence:" + node.value())
                    .containsEntry("why", "no longer detected when its verification ended"));
            // and when a failure of the same key comes back after a healthy restart_cooldown, its ladder starts
            // over (one that comes back sooner resumes after the rung that ran: CrashLoopNeverReachedTheSecondRungTest)
            cycles(engine, cluster, (int) RecoveryOptions.DEFAULT_RESTART_COOLDOWN.toSeconds() + 2);
            strict.flag(node);
            cycles(engine, cluster, 6);
        }
        assertThat(strict.ran()).containsExactly("first", "first");
    }

    @Test
    void aPreemptedRecoveryWhoseFailureIsGoneIsCleared() {
        FlaggedStrategy slow = new FlaggedStrategy(FailureType.SLOW_FOLLOWER, false,
                Map.entry("sync", RungResult.acted("synced")));
        FlaggedStrategy terms = new FlaggedStrategy(FailureType.TERM_DIVERGENCE, true,
                Map.entry("raise", RungResult.acted("raised")));
        try (RecoveryEngine engine = engine(slow, terms)) {
            // Given a slow follower synced and awaiting verification, whose lag then went away
            slow.flag(node);
            cycles(engine, cluster, 4);
            slow.unflag(node);
            cycles(engine, cluster, 2);
            // When a failure of higher precedence takes the node before the verification ended
            terms.flag(node);
            cycles(engine, cluster, 4);
        }
        // Then the preempted recovery is cleared: it waits for nothing
        assertThat(terms.ran()).containsExactly("raise");
        assertThat(actions()).containsSubsequence("recovery_preempted", "failure_cleared");
        assertThat(journal.records("failure_cleared")).singleElement().satisfies(r -> assertThat(r.details())
                .containsEntry("failure_id", "slow_follower:" + node.value()));
    }
}
