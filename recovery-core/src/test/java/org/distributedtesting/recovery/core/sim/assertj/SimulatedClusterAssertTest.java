package org.distributedtesting.recovery.core.sim.assertj;

import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThat;
import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.ClientWrite;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedClusterAssertTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    private SimulatedCluster cluster;
    private NodeId leader;
    private List<NodeId> followers;

    @BeforeEach
    void electALeaderAndWrite() {
        cluster = SimulatedCluster.builder().nodes(5).seed(5).build();
        leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        writes(10);
    }

    private void writes(int n) {
        for (int i = 0; i < n; i++) {
            cluster.writeAndWait("v" + i, Duration.ofSeconds(1));
        }
        cluster.advance(Duration.ofSeconds(1));
    }

    @Test
    void aHealthyClusterPassesEveryAssertion() {
        assertThat(cluster).hasSingleLeader().hasLeader(leader).nodeIsUp(followers.get(0)).hasNoDivergence()
                .lostNoAcknowledgedWrites();
    }

    @Test
    void hasSingleLeaderFailsWithoutALeaderAndListsTheNodes() {
        SimulatedCluster fresh = SimulatedCluster.builder().nodes(3).build();

        assertThatThrownBy(() -> assertThat(fresh).hasSingleLeader()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting exactly one live leader, but found none\nnodes:\n  node-1 FOLLOWER");
    }

    @Test
    void hasSingleLeaderFailsWithTwoLeadersAndNamesBoth() {
        // Given: the old leader is cut off and keeps leading while the majority elects another
        cluster.faults().staleLeader(leader);
        cluster.advance(TEN_SECONDS);
        NodeId newLeader = cluster.leaders().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();

        assertThatThrownBy(() -> assertThat(cluster).hasSingleLeader()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting exactly one live leader, but found 2: [" + newLeader + " (term "
                        + cluster.view(newLeader).term() + "), " + leader + " (term " + cluster.view(leader).term()
                        + ")]");
    }

    @Test
    void hasSingleLeaderFailsWhenNoMajorityFollowsTheLeader() {
        // Given: three of five crash; the leader goes on believing it leads
        followers.subList(0, 3).forEach(cluster::crash);

        assertThatThrownBy(() -> assertThat(cluster).hasSingleLeader()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting a majority (3 of 5 voters) to follow leader " + leader + " in term "
                        + cluster.view(leader).term() + ", but only 2 do: ")
                .hasMessageContaining(followers.get(0) + " down");
    }

    @Test
    void hasLeaderFailsNamingTheActualLeader() {
        NodeId other = followers.get(0);

        assertThatThrownBy(() -> assertThat(cluster).hasLeader(other)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting " + other + " to lead, but the leader is " + leader + " (term "
                        + cluster.view(leader).term() + "); live leaders: [" + leader + "]");
    }

    @Test
    void nodeIsUpFailsForACrashedNodeAndNodeIsDownForALiveOne() {
        NodeId crashed = followers.get(0);
        cluster.crash(crashed);

        assertThat(cluster).nodeIsDown(crashed);
        assertThatThrownBy(() -> assertThat(cluster).nodeIsUp(crashed)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting " + crashed + " to be up, but its process is down");
        assertThatThrownBy(() -> assertThat(cluster).nodeIsDown(leader)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting " + leader + " to be down, but it is up as LEADER in term ");
    }

    @Test
    void hasNoDivergenceFailsWhenChecksumsDifferAtTheSameIndexAndNamesTheNodes() {
        // Given: one follower applies the next command wrongly
        NodeId wrong = followers.get(0);
        cluster.faults().wrongApply(wrong, 1);
        writes(3);
        long index = cluster.view(leader).appliedIndex();

        assertThatThrownBy(() -> assertThat(cluster).hasNoDivergence()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting live nodes that applied the same index to have the same state "
                        + "checksum, but they differ at index " + index + ": ")
                .hasMessageContaining(wrong + " " + cluster.view(wrong).stateChecksum().value())
                .hasMessageContaining(leader + " " + cluster.view(leader).stateChecksum().value());
    }

    @Test
    void hasNoDivergenceFailsWhenALiveNodeLagsTheLeader() {
        // Given: a follower's apply loop hangs while the others apply
        NodeId stuck = followers.get(1);
        cluster.faults().applyStuck(stuck);
        writes(3);

        assertThatThrownBy(() -> assertThat(cluster).hasNoDivergence()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting every live node at the leader " + leader + "'s applied index "
                        + cluster.view(leader).appliedIndex() + " with checksum "
                        + cluster.view(leader).stateChecksum().value() + ", but " + stuck + " is at index "
                        + cluster.view(stuck).appliedIndex() + " checksum ");
    }

    @Test
    void hasNoDivergenceIgnoresDownNodes() {
        cluster.crash(followers.get(0));
        writes(3);

        assertThat(cluster).hasNoDivergence();
    }

    @Test
    void lostNoAcknowledgedWritesFailsForAWrongValueAndNamesTheWriteAndTheNode() {
        // Given
        NodeId wrong = followers.get(0);
        cluster.faults().wrongApply(wrong, 1);
        ClientWrite write = cluster.writeAndWait("precious", Duration.ofSeconds(1));
        cluster.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> assertThat(cluster).lostNoAcknowledgedWrites()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting no acknowledged write lost, but 1 losses were seen (11 writes "
                        + "acknowledged):\n")
                .hasMessageContaining("acknowledged_write_lost: write " + write.id() + " ('" + write.key()
                        + "=precious' at index " + write.index() + ", term " + write.term() + ") is lost: '" + wrong
                        + "' applied index " + cluster.view(wrong).appliedIndex() + " but has 'precious#wrong'");
    }

    @Test
    void lostNoAcknowledgedWritesFailsEveryTimeItIsAskedNotOnlyWhenTheCheckerFirstSeesTheLoss() {
        // Given: a loss the checker has already recorded (it records each loss once)
        NodeId wrong = followers.get(0);
        cluster.faults().wrongApply(wrong, 1);
        cluster.writeAndWait("precious", Duration.ofSeconds(1));
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.invariants().checkAcknowledgedWrites()).hasSize(1);

        // When / Then: the check finds nothing new, and the assertion still fails on the recorded loss
        assertThat(cluster.invariants().checkAcknowledgedWrites()).isEmpty();
        assertThatThrownBy(() -> assertThat(cluster).lostNoAcknowledgedWrites()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 losses were seen");
    }

    @Test
    void hasNoInvariantViolationsPassesOnAHealthyCluster() {
        assertThat(cluster).hasNoInvariantViolations();
    }

    @Test
    void hasNoInvariantViolationsChecksAcknowledgedWritesWithoutBeingAsked() {
        // Given: a lost write nobody asked the checker about
        NodeId wrong = followers.get(0);
        cluster.faults().wrongApply(wrong, 1);
        cluster.writeAndWait("precious", Duration.ofSeconds(1));
        cluster.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> assertThat(cluster).hasNoInvariantViolations()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting no invariant violation, but the checker saw some; invariants: ")
                .hasMessageContaining("acknowledged_write_lost=1")
                .hasMessageContaining("precious#wrong");
    }

    @Test
    void hasNoInvariantViolationsNamesABrokenInvariant() {
        // Given: two leaders in one term, a bug the test does not declare
        cluster.faults().twoLeadersInOneTerm(followers.get(0));
        cluster.advance(Duration.ofMillis(50));

        assertThatThrownBy(() -> assertThat(cluster).hasNoInvariantViolations()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("election_safety: term " + cluster.view(leader).term() + " is led by");
    }

    @Test
    void lostNoAcknowledgedWritesDoesNotCountANodeStillCatchingUp() {
        // Given: a follower is down while writes are acknowledged, then starts and has not caught up yet
        NodeId late = followers.get(0);
        cluster.crash(late);
        writes(5);
        cluster.start(late);

        assertThat(cluster.view(late).appliedIndex()).isLessThan(cluster.view(leader).appliedIndex());
        assertThat(cluster).lostNoAcknowledgedWrites();
    }
}
