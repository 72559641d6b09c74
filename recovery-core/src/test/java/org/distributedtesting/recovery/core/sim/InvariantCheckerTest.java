package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.InvariantChecker.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The invariant checker: silent on honest runs, and each consensus invariant caught when the test breaks the
 * simulation's state on purpose. The engine's action rules are in {@link InvariantCheckerActionRulesTest}.
 */
class InvariantCheckerTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 42})
    void anHonestRunWithCrashesRestartsAndPartitionsBreaksNoInvariant(long seed) {
        // Given a five-node cluster that snapshots often
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(seed).snapshotThreshold(30).build();
        NodeId first = cluster.awaitLeader(TEN_SECONDS).orElseThrow();

        // When it takes writes through a leader crash, a restart and a partition of the new leader
        writes(cluster, "a", 40);
        cluster.crash(first);
        writes(cluster, "b", 40);
        cluster.start(first);
        NodeId second = cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        Set<NodeId> rest = Set.copyOf(cluster.nodeIds().stream().filter(n -> !n.equals(second)).toList());
        cluster.partition(Set.of(second), rest);
        writes(cluster, "c", 40);
        cluster.healNetwork();
        writes(cluster, "d", 40);
        cluster.advance(Duration.ofSeconds(5));

        // Then the run did what it should, and no invariant broke
        assertThat(cluster.writes()).filteredOn(ClientWrite::acknowledged).hasSizeGreaterThan(80);
        assertThat(cluster.trace()).anyMatch(line -> line.contains("installed snapshot"));
        assertThat(cluster.invariants().checkAcknowledgedWrites()).isEmpty();
        assertThat(cluster.invariants().violations()).as(cluster.invariants().report()).isEmpty();
        assertThat(cluster.invariants().clean()).isTrue();
    }

    @Test
    void aSixtySecondFiveNodeRunWithFiveHundredWritesStaysClean() {
        // Given
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(60).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();

        // When 500 writes arrive over 60 virtual seconds
        for (int i = 0; i < 500; i++) {
            cluster.write("v" + i);
            cluster.advance(Duration.ofMillis(120));
        }

        // Then
        assertThat(cluster.writes()).filteredOn(ClientWrite::acknowledged).hasSize(500);
        assertThat(cluster.invariants().checkAcknowledgedWrites()).isEmpty();
        assertThat(cluster.invariants().report()).isEqualTo("invariants: no violations");
    }

    // ---- election safety ---------------------------------------------------------------------------------------

    @Test
    void aSecondLeaderInTheSameTermBreaksElectionSafety() {
        // Given a leader and a follower in its term
        SimulatedCluster cluster = settled(3, 5);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        RaftNode follower = otherThan(cluster, leader);

        // When the follower also becomes leader of that term
        follower.term = leader.term;
        follower.becomeLeader();

        // Then
        assertThat(cluster.invariants().violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.ELECTION_SAFETY);
            assertThat(v.detail()).contains("term " + leader.term, "'" + leader.id + "'", "'" + follower.id + "'");
            assertThat(v.atMillis()).isEqualTo(cluster.clock().millis());
        });
    }

    @Test
    void anExemptedTermMayHaveTwoLeaders() {
        // Given a test that injects two leaders into the current term and says so
        SimulatedCluster cluster = settled(3, 5);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        RaftNode follower = otherThan(cluster, leader);
        cluster.invariants().exemptTerm(leader.term, "two-leaders bug injected");

        // When
        follower.term = leader.term;
        follower.becomeLeader();

        // Then
        assertThat(cluster.invariants().clean()).isTrue();
        assertThat(cluster.invariants().report()).contains("two-leaders bug injected");
    }

    // ---- leader completeness -----------------------------------------------------------------------------------

    @Test
    void aNewLeaderWithAChangedCommittedEntryBreaksLeaderCompleteness() {
        // Given a committed write that a follower holds
        SimulatedCluster cluster = settled(3, 8);
        ClientWrite write = cluster.writeAndWait("kept", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        RaftNode follower = otherThan(cluster, leader);

        // When the follower's copy of it changes and the follower then leads
        replaceEntry(follower, write.index(), "w1=forged");
        cluster.crash(leader.id);
        follower.term = leader.term + 1;
        follower.becomeLeader();

        // Then
        assertThat(cluster.invariants().violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.LEADER_COMPLETENESS);
            assertThat(v.detail()).contains("'" + follower.id + "'", "index " + write.index(), "w1=kept", "forged");
        });
    }

    @Test
    void aNewLeaderMissingCommittedEntriesBreaksLeaderCompleteness() {
        // Given committed writes that a follower holds
        SimulatedCluster cluster = settled(3, 8);
        ClientWrite write = cluster.writeAndWait("one", ONE_SECOND);
        cluster.writeAndWait("two", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        RaftNode follower = otherThan(cluster, leader);

        // When the follower loses them and then leads
        follower.log.truncateFrom(write.index());
        cluster.crash(leader.id);
        follower.term = leader.term + 1;
        follower.becomeLeader();

        // Then
        assertThat(cluster.invariants().violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.LEADER_COMPLETENESS);
            // the new leader's no-op took the first lost index; the second is missing
            assertThat(v.detail()).contains("lacks 1 and has 1 changed", "first: index " + write.index()
                    + " committed as (term " + write.term() + ", 'w1=one'), its log has (term " + follower.term + ", '')");
        });
    }

    @Test
    void aCommittedIndexCommittedAgainWithAnotherEntryBreaksLeaderCompleteness() {
        // Given a committed write
        SimulatedCluster cluster = settled(3, 8);
        ClientWrite write = cluster.writeAndWait("first", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        RaftNode follower = otherThan(cluster, leader);

        // When another node reports committing a different entry at its index
        replaceEntry(follower, write.index(), "w1=second");
        cluster.simulation().onCommitted(follower, write.index());

        // Then
        assertThat(cluster.invariants().violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.LEADER_COMPLETENESS);
            assertThat(v.detail()).contains("index " + write.index(), "w1=first", "w1=second");
        });
    }

    // ---- state machine safety ----------------------------------------------------------------------------------

    @Test
    void aNodeApplyingAWrongResultBreaksStateMachineSafetyOnce() {
        // Given a follower that will compute one wrong result
        SimulatedCluster cluster = settled(3, 11);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));
        follower.faults.wrongApplies = 1;

        // When it applies that write and several more, all with a diverged running checksum
        for (int i = 0; i < 5; i++) {
            cluster.writeAndWait("x" + i, ONE_SECOND);
        }
        cluster.advance(ONE_SECOND);

        // Then it is reported once, where it parted
        assertThat(cluster.invariants().violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.STATE_MACHINE_SAFETY);
            assertThat(v.detail()).startsWith("'" + follower.id + "'");
        });
    }

    @Test
    void anExemptedNodeMayApplyWrongResults() {
        // Given a follower that the test makes apply wrong results, exempted
        SimulatedCluster cluster = settled(3, 11);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));
        cluster.invariants().exemptNode(follower.id, "wrong-apply bug injected");
        follower.faults.wrongApplies = 3;

        // When
        for (int i = 0; i < 5; i++) {
            cluster.writeAndWait("x" + i, ONE_SECOND);
        }
        cluster.advance(ONE_SECOND);

        // Then
        assertThat(follower.db.rows()).containsValue("x0#wrong");
        assertThat(cluster.invariants().checkAcknowledgedWrites()).isEmpty();
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @Test
    void anExemptionClearedBeforeTheNodeIsRepairedIsAViolation() {
        // Given an exempted follower whose state diverged
        SimulatedCluster cluster = settled(3, 11);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));
        cluster.invariants().exemptNode(follower.id, "wrong-apply bug injected");
        follower.faults.wrongApplies = 1;
        cluster.writeAndWait("x", ONE_SECOND);
        cluster.advance(ONE_SECOND);

        // When the exemption ends but nothing repaired it
        cluster.invariants().clearExemption(follower.id);

        // Then
        assertThat(cluster.invariants().violations()).singleElement()
                .satisfies(v -> assertThat(v.invariant()).isEqualTo(InvariantChecker.STATE_MACHINE_SAFETY));
    }

    @Test
    void aRepairedNodeAgreesAgainAfterItsExemptionEnds() {
        // Given an exempted follower whose state diverged
        SimulatedCluster cluster = settled(3, 11);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));
        cluster.invariants().exemptNode(follower.id, "wrong-apply bug injected");
        follower.faults.wrongApplies = 1;
        cluster.writeAndWait("x", ONE_SECOND);
        cluster.advance(ONE_SECOND);

        // When its database is rebuilt from the log, and then its exemption ends
        cluster.crash(follower.id);
        follower.db.reset();
        cluster.start(follower.id);
        cluster.advance(Duration.ofSeconds(3));
        cluster.invariants().clearExemption(follower.id);
        cluster.writeAndWait("y", ONE_SECOND);
        cluster.advance(ONE_SECOND);

        // Then
        assertThat(follower.db.rows()).containsEntry("w1", "x");
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @Test
    void aNodeThatInstalledAnExemptedNodesSnapshotIsNotHeldAgainstTheOthers() {
        // Given an exempted leader that applies a wrong result, and a follower that is down meanwhile
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(17).snapshotThreshold(20).build();
        RaftNode leader = cluster.raft(cluster.awaitLeader(TEN_SECONDS).orElseThrow());
        RaftNode lagging = otherThan(cluster, leader);
        cluster.invariants().exemptNode(leader.id, "wrong-apply bug injected");
        leader.faults.wrongApplies = 1;
        cluster.crash(lagging.id);
        writes(cluster, "v", 60);

        // When the follower comes back and installs the leader's snapshot
        cluster.start(lagging.id);
        writes(cluster, "w", 5);

        // Then its state equals the leader's, which parted from the third node's
        assertThat(cluster.trace()).anyMatch(line -> line.contains(lagging.id + " installed snapshot"));
        assertThat(lagging.db.checksum()).isEqualTo(leader.db.checksum());
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    // ---- acknowledged writes -----------------------------------------------------------------------------------

    @Test
    void anAcknowledgedWriteMissingFromANodeThatAppliedItIsLost() {
        // Given an acknowledged write every node applied
        SimulatedCluster cluster = settled(3, 23);
        ClientWrite write = cluster.writeAndWait("precious", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));

        // When its row disappears from a follower's state machine
        dropRow(follower, write.key());
        List<Violation> found = cluster.invariants().checkAcknowledgedWrites();

        // Then
        assertThat(found).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.ACKNOWLEDGED_WRITE_LOST);
            assertThat(v.detail()).contains("write 1", "precious", "'" + follower.id + "'", "no row");
        });
        assertThat(cluster.invariants().violations()).isEqualTo(found);
    }

    @Test
    void aLostWriteIsReportedOnceHoweverOftenItIsChecked() {
        // Given a lost write already reported
        SimulatedCluster cluster = settled(3, 23);
        ClientWrite write = cluster.writeAndWait("precious", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        dropRow(otherThan(cluster, cluster.raft(cluster.leader().orElseThrow())), write.key());
        cluster.invariants().checkAcknowledgedWrites();

        // When
        List<Violation> again = cluster.invariants().checkAcknowledgedWrites();

        // Then
        assertThat(again).isEmpty();
        assertThat(cluster.invariants().violations()).hasSize(1);
    }

    @Test
    void aNodeWhoseDatabaseFailsItsCheckIsNotHeldToItsWrites() {
        // Given a follower with a corrupt database that lost a row
        SimulatedCluster cluster = settled(3, 23);
        ClientWrite write = cluster.writeAndWait("precious", ONE_SECOND);
        cluster.advance(ONE_SECOND);
        RaftNode follower = otherThan(cluster, cluster.raft(cluster.leader().orElseThrow()));
        dropRow(follower, write.key());
        follower.db.corrupt("page 7");

        // When / Then
        assertThat(cluster.invariants().checkAcknowledgedWrites()).isEmpty();
    }

    @Test
    void anAcknowledgedWriteMissingFromTheLeadersLogIsLostWhenItsStateCannotBeTrusted() {
        // Given an acknowledged write, and a leader whose database fails its check
        SimulatedCluster cluster = settled(3, 23);
        ClientWrite write = cluster.writeAndWait("precious", ONE_SECOND);
        RaftNode leader = cluster.raft(cluster.leader().orElseThrow());
        leader.db.corrupt("page 3");

        // When the leader's log loses the write too
        replaceEntry(leader, write.index(), "w1=other");

        // Then
        assertThat(cluster.invariants().checkAcknowledgedWrites()).singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("leader '" + leader.id + "'", "nor in its log"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static SimulatedCluster settled(int nodes, long seed) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes).seed(seed).build();
        cluster.awaitLeader(TEN_SECONDS).orElseThrow();
        cluster.advance(ONE_SECOND);
        return cluster;
    }

    private static void writes(SimulatedCluster cluster, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            cluster.write(prefix + i);
            cluster.advance(Duration.ofMillis(50));
        }
        cluster.advance(Duration.ofSeconds(3));
    }

    private static RaftNode otherThan(SimulatedCluster cluster, RaftNode node) {
        return cluster.simulation().nodes.stream().filter(n -> n != node).findFirst().orElseThrow();
    }

    /** Rewrites the node's log from {@code index} on, with a different command at {@code index}. */
    private static void replaceEntry(RaftNode node, long index, String command) {
        List<LogEntry> tail = node.log.slice(index, Integer.MAX_VALUE);
        node.log.truncateFrom(index);
        node.log.append(LogEntry.of(index, tail.get(0).term(), command));
        tail.stream().skip(1).forEach(node.log::append);
    }

    /** Removes a row from the node's state machine, keeping its applied index and checksum. */
    private static void dropRow(RaftNode node, String key) {
        Map<String, String> rows = new TreeMap<>(node.db.rows());
        rows.remove(key);
        node.db.restore(new Snapshot(node.db.appliedIndex(), node.term, rows, node.db.checksum()));
    }
}
