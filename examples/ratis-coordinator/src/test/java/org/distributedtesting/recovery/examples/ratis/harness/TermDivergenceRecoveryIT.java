package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.junit.jupiter.api.Test;

/**
 * A node without pre-vote, cut off from the others, campaigns again and again and comes back with a far higher
 * term: the daemon pauses its elections, the cluster moves up to its term (never down), and no node is restarted.
 *
 * <p>The healthy majority is never taken for the divergent side. Seen once here: while the campaigner was still cut
 * off, the daemon read node-1 and node-2 as "lagging" behind its term and asked them to raise their terms on that
 * one node's say-so; Ratis cannot raise a term on request, the rung failed again and again, and the majority was
 * quarantined. A term only a minority holds is never a target now (the majority's term is the highest a quorum
 * holds or exceeds).
 */
class TermDivergenceRecoveryIT extends RecoveryItSupport {

    private static final String CAMPAIGNER = "node-3";
    /** Long enough for a term spread to be found and acted on (stabilization_cycles 5, confirmations 3). */
    private static final Duration HELD_CUT_OFF = Duration.ofSeconds(12);

    @Test
    void daemonPausesTheCampaigningNodeAndTheClusterNeverLowersATerm() throws Exception {
        // Given a cluster under writes in which node-3 campaigns without pre-vote, and does not lead
        start(b -> b.network(true).nodeArgsOf(CAMPAIGNER, "--pre-vote", "false"));
        if (cluster.awaitLeader().equals(CAMPAIGNER)) {
            cluster.control().execute(new Action.StepDown(NodeId.of(CAMPAIGNER), Optional.of(NodeId.of("node-1"))));
            await("node-3 to hand over leadership").atMost(ClusterHarness.WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.agreedLeader().filter(l -> !l.equals(CAMPAIGNER)).isPresent());
        }
        long termBefore = cluster.status(CAMPAIGNER).term();
        InvariantMonitor invariants = InvariantMonitor.start(cluster);

        // When it is cut off from the other nodes (the monitor still reaches it)
        Injection cut = cluster.faults().isolateCampaigner(CAMPAIGNER);

        // Then its term climbs, and the daemon pauses its elections
        await("the daemon to pause " + CAMPAIGNER).atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                .until(() -> actionDone("pause_elections", CAMPAIGNER));
        long highTerm = cluster.status(CAMPAIGNER).term();
        System.out.println("TERM of " + CAMPAIGNER + " went from " + termBefore + " to " + highTerm);
        assertThat(highTerm).isGreaterThan(termBefore + 5);

        // And while it stays cut off at its high term, the majority is never taken for the divergent side: their
        // term is the one a quorum holds, whatever the one node reports
        List<String> majority = cluster.ids().stream().filter(id -> !id.equals(CAMPAIGNER)).toList();
        await("the majority left at its own term while " + CAMPAIGNER + " stays cut off").during(HELD_CUT_OFF)
                .atMost(HELD_CUT_OFF.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> harmToTheMajority(majority).isEmpty());

        // And when the network heals, the cluster settles at or above that term, with its elections resumed
        cluster.faults().healNetwork();
        RecoveryTimes times = assertRecovered(cut);
        System.out.println("TERM DIVERGENCE " + times);
        await("node-3's elections resumed").atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                .until(() -> !cluster.status(CAMPAIGNER).electionsPaused());
        Map<String, Long> terms = new LinkedHashMap<>();
        for (String id : cluster.ids()) {
            terms.put(id, cluster.status(id).term());
        }
        assertThat(terms.values()).allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(highTerm));
        assertThat(terms.values().stream().distinct()).hasSize(1);
        invariants.close();
        assertThat(invariants.samples()).isGreaterThan(50);
        assertThat(invariants.violations()).as("terms going down, two leaders in a term, checksums differing")
                .isEmpty();
        assertThat(cluster.journal()).noneMatch(e -> e.action().contains("restart"));
        assertThat(harmToTheMajority(majority)).as("the majority raised to the cut-off node's term, or given up on")
                .isEmpty();
    }

    /** Journal records that raise, quarantine or give up on a node of {@code majority}. */
    private List<String> harmToTheMajority(List<String> majority) {
        return cluster.journal().stream()
                .filter(e -> e.action().equals("raise_term") || e.action().equals("node_quarantined")
                        || e.action().equals("recovery_escalated"))
                .filter(e -> e.nodes().stream().anyMatch(majority::contains)).map(JournalEntry::summary).toList();
    }
}
