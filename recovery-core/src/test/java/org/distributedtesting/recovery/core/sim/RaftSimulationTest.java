package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The simulator itself: honest Raft behaviour. */
class RaftSimulationTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 42, 1000})
    void electionsConvergeOnOneLeaderFollowedByAMajority(long seed) {
        for (int size : new int[] {1, 3, 5}) {
            SimulatedCluster cluster = SimulatedCluster.builder().nodes(size).seed(seed).build();
            NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
            cluster.advance(Duration.ofSeconds(5));
            assertThat(cluster.leaders()).as("size %d seed %d", size, seed).containsExactly(leader);
        }
    }

    @Test
    void electionsConvergeWithoutPreVoteToo() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(9).preVote(false).build();
        assertThat(cluster.awaitLeader(TEN_SECONDS)).isPresent();
    }

    @Test
    void aWriteIsAcknowledgedOnceAMajorityHasItAndEveryNodeAppliesIt() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(7).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();

        ClientWrite write = cluster.writeAndWait("hello", Duration.ofSeconds(1));

        assertThat(write.acknowledged()).isTrue();
        cluster.advance(Duration.ofSeconds(1));
        assertThat(cluster.views()).allSatisfy(v -> assertThat(v.rows()).containsEntry(write.key(), "hello"));
        assertThat(cluster.views().stream().map(NodeView::stateChecksum).distinct()).hasSize(1);
    }

    @Test
    void commitsNeedAMajority() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(7).build();
        NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        cluster.nodeIds().stream().filter(n -> !n.equals(leader)).forEach(cluster::crash);

        ClientWrite write = cluster.writeAndWait("alone", Duration.ofSeconds(5));

        assertThat(write.index()).isPositive();
        assertThat(write.acknowledged()).isFalse();
        assertThat(cluster.view(leader).commitIndex()).isLessThan(write.index());
    }

    @Test
    void aPartitionedMinorityCannotCommitAndTheMajorityGoesOn() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(11).build();
        NodeId old = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        List<NodeId> others = cluster.nodeIds().stream().filter(n -> !n.equals(old)).toList();
        NodeId buddy = others.get(0);

        // the old leader and one follower are cut off from the other three
        cluster.partition(Set.of(old, buddy), Set.copyOf(others.subList(1, 4)));
        ClientWrite lost = cluster.write("minority");
        cluster.advance(Duration.ofSeconds(10));

        assertThat(cluster.writes().get((int) lost.id() - 1).acknowledged()).isFalse();
        assertThat(cluster.view(old).commitIndex()).isLessThan(lost.index());
        NodeId majorityLeader = cluster.leaders().stream().filter(n -> !n.equals(old)).findFirst().orElseThrow();
        assertThat(cluster.view(majorityLeader).term()).isGreaterThan(cluster.view(old).term());
        ClientWrite kept = cluster.writeAndWait("majority", Duration.ofSeconds(2));
        assertThat(kept.acknowledged()).isTrue();
    }

    @Test
    void aStaleLeaderStepsDownWhenThePartitionHeals() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(13).build();
        NodeId old = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        Set<NodeId> rest = Set.copyOf(cluster.nodeIds().stream().filter(n -> !n.equals(old)).toList());
        cluster.partition(Set.of(old), rest);
        cluster.advance(Duration.ofSeconds(10));
        assertThat(cluster.leaders()).hasSize(2).contains(old);

        cluster.healNetwork();
        cluster.advance(Duration.ofSeconds(3));

        assertThat(cluster.leaders()).hasSize(1).doesNotContain(old);
        assertThat(cluster.view(old).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.trace()).anyMatch(line -> line.contains(old + " stepped down"));
    }

    @Test
    void aNodeFarBehindCatchesUpFromASnapshotAndAgreesOnTheState() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(17).snapshotThreshold(50).build();
        NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        NodeId lagging = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.crash(lagging);
        for (int i = 0; i < 300; i++) {
            cluster.write("v" + i);
            cluster.advance(Duration.ofMillis(20));
        }
        cluster.advance(Duration.ofSeconds(1));

        cluster.start(lagging);
        cluster.advance(Duration.ofSeconds(5));

        assertThat(cluster.trace()).anyMatch(line -> line.contains(lagging + " installed snapshot"));
        NodeView caughtUp = cluster.view(lagging);
        NodeView lead = cluster.view(leader);
        assertThat(caughtUp.appliedIndex()).isEqualTo(lead.appliedIndex());
        assertThat(caughtUp.stateChecksum()).isEqualTo(lead.stateChecksum());
        assertThat(caughtUp.rows()).isEqualTo(lead.rows());
        assertThat(cluster.writes()).allMatch(ClientWrite::acknowledged);
    }

    @Test
    void aRestartedNodeKeepsItsPersistentStateAndCatchesUp() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(19).build();
        NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        for (int i = 0; i < 20; i++) {
            cluster.writeAndWait("a" + i, Duration.ofSeconds(1));
        }
        cluster.crash(leader);
        NodeId next = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        assertThat(next).isNotEqualTo(leader);
        cluster.writeAndWait("after", Duration.ofSeconds(1));

        cluster.start(leader);
        cluster.advance(Duration.ofSeconds(3));

        assertThat(cluster.view(leader).role()).isEqualTo(Role.FOLLOWER);
        assertThat(cluster.view(leader).stateChecksum()).isEqualTo(cluster.view(next).stateChecksum());
    }

    @Test
    void theSameSeedGivesTheSameTraceAndDifferentSeedsDiffer() {
        assertThat(run(21)).isEqualTo(run(21));
        assertThat(run(21)).isNotEqualTo(run(22));
    }

    private static List<String> run(long seed) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(seed).build();
        NodeId leader = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        for (int i = 0; i < 10; i++) {
            cluster.write("x" + i);
            cluster.advance(Duration.ofMillis(30));
        }
        cluster.crash(leader);
        cluster.advance(Duration.ofSeconds(5));
        return cluster.trace();
    }
}
