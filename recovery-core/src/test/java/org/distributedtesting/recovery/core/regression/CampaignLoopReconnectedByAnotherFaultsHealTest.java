package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.InjectedFault;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

/**
 * The README's simulation on 3 nodes failed for about one seed in five: a node cut off to campaign in a loop was
 * injected just as an earlier split brain healed, and healing the split brain reconnected every link of the stale
 * leader, the new campaigner's among them. The campaigner was no longer cut off, the term divergence never happened,
 * and the run reported it "not detected". Links cut by two faults stay cut until both heal.
 */
class CampaignLoopReconnectedByAnotherFaultsHealTest {

    @Test
    void healingOneFaultLeavesTheLinksAnotherFaultCutCut() {
        // Given a split brain on the leader, and a campaign loop injected on the majority's follower while it lasts
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(7).build();
        NodeId stale = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        InjectedFault splitBrain = cluster.faults().staleLeader(stale);
        cluster.advance(Duration.ofSeconds(5));
        NodeId campaigner = cluster.views().stream().filter(v -> !v.id().equals(stale) && !v.leading())
                .map(v -> v.id()).findFirst().orElseThrow();
        cluster.faults().campaignLoop(campaigner);

        // When the split brain heals
        splitBrain.heal();
        long before = cluster.view(campaigner).term();
        cluster.advance(Duration.ofSeconds(10));

        // Then the campaigner is still cut off from both peers, and keeps raising its term on its own
        assertThat(cluster.view(campaigner).term()).as(String.join("\n", cluster.trace()))
                .isGreaterThan(before + 5);
        assertThat(cluster.views().stream().filter(v -> !v.id().equals(campaigner)).map(v -> v.term()))
                .allMatch(term -> term < cluster.view(campaigner).term() - 5);
    }
}
