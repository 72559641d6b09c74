package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

/**
 * Symptom: a node whose corrupt log could not be repaired ended quarantined with the escalation journaled for the
 * slow follower its stalled log also showed, a failure that had never run a rung, while the log corruption that
 * spent every attempt was never escalated. The recovery whose failed rung spends the last attempt escalates at once,
 * not whichever failure of the node comes next in the cycle. (Attempts are now counted per node and failure type,
 * so the slow follower may run its own rung while the repair backs off; it must never take the blame.)
 */
class EscalationNamedAnotherFailureOfTheNodeTest {

    @Test
    void theRecoveryThatSpentTheNodesLastAttemptIsTheOneEscalated() {
        // Given a node with two failures: one of higher precedence whose repair keeps failing, one of lower
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(1).build();
        NodeId node = cluster.nodeIds().get(1);
        FlaggedStrategy corrupt = new FlaggedStrategy(FailureType.LOG_CORRUPTION, true,
                Map.entry("repair", RungResult.failed("could not repair")));
        FlaggedStrategy slow = new FlaggedStrategy(FailureType.SLOW_FOLLOWER, true,
                Map.entry("sync", RungResult.acted("synced")));
        corrupt.flag(node);
        slow.flag(node);
        RecoveryOptions options = RecoveryOptions.builder().maxRestartAttempts(3)
                .backoffInitial(Duration.ofSeconds(2)).backoffMax(Duration.ofSeconds(2)).build();
        InMemoryJournal journal = new InMemoryJournal();

        // When the engine runs until it escalates, and a while longer
        try (RecoveryEngine engine = cluster.engine().strategies(List.of(corrupt, slow)).options(options)
                .journal(journal).build()) {
            for (int cycle = 0; cycle < 60; cycle++) {
                cluster.advance(Duration.ofSeconds(1));
                engine.runCycle();
            }
            assertThat(engine.quarantined()).containsExactly(node);
        }

        // Then the failing repair ran three times and its failure is the one escalated
        assertThat(corrupt.ran()).containsExactly("repair", "repair", "repair");
        assertThat(journal.records("recovery_escalated")).singleElement().satisfies(r -> assertThat(r.details())
                .containsEntry("failure_id", "log_corruption:" + node.value())
                .hasEntrySatisfying("why", reason -> assertThat((String) reason)
                        .startsWith("max_restart_attempts (3) reached: 3 attempts over ")
                        .contains(" s, with no healthy restart_cooldown (60 s) between them; the last attempt:")));
        assertThat(journal.records("node_quarantined")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("node_id", node.value()));
    }
}
