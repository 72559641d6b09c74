package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each fault produces the signal its detector reads, and its heal (or its recovery) removes it. */
class FaultSignalTest {

    private static final Duration PROBE = Duration.ofSeconds(2);

    private SimulatedCluster cluster;
    private NodeId leader;
    private NodeId follower;

    @BeforeEach
    void cluster() {
        cluster = SimulatedCluster.builder().nodes(5).seed(5).build();
        leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        writes(20);
    }

    private void writes(int n) {
        for (int i = 0; i < n; i++) {
            cluster.write("v" + i);
            cluster.advance(Duration.ofMillis(50));
        }
    }

    private NodeStatus probe(NodeId node) throws Exception {
        return cluster.probe().probe(spec(node), PROBE);
    }

    private NodeSpec spec(NodeId node) {
        return cluster.nodeSpecs().stream().filter(s -> s.id().equals(node)).findFirst().orElseThrow();
    }

    private void control(Action action) throws Exception {
        assertThat(cluster.control().execute(action).done()).as(action.name()).isTrue();
    }

    /** The recovery a strategy would run: stop, move aside, restore from the leader, start. */
    private void transferState(NodeId node) throws Exception {
        control(new Action.Stop(node));
        control(new Action.MoveAside(node, Action.Artifact.DATABASE));
        control(new Action.Restore(node, Action.Artifact.DATABASE, leader));
        control(new Action.Start(node));
        cluster.advance(Duration.ofSeconds(3));
    }

    @Test
    void crashRefusesProbesAndTheSupervisorReportsItDeadUntilRestarted() throws Exception {
        cluster.faults().crash(follower);
        assertThatThrownBy(() -> probe(follower)).isInstanceOf(ConnectException.class);
        assertThat(cluster.supervisor().status(spec(follower)).isDead()).isTrue();

        ProcessStatus started = cluster.supervisor().start(spec(follower));
        cluster.advance(Duration.ofSeconds(2));
        assertThat(started.isAlive()).isTrue();
        assertThat(probe(follower).role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void aCrashLoopKillsTheNodeAgainAfterEachStart() throws Exception {
        cluster.faults().crashLoop(follower, 2, Duration.ofSeconds(1));
        for (int i = 0; i < 2; i++) {
            assertThat(cluster.supervisor().start(spec(follower)).isAlive()).isTrue();
            cluster.advance(Duration.ofSeconds(2));
            assertThat(cluster.supervisor().status(spec(follower)).isDead()).isTrue();
        }
        cluster.supervisor().start(spec(follower));
        cluster.advance(Duration.ofSeconds(2));
        assertThat(cluster.supervisor().status(spec(follower)).isAlive()).isTrue();
    }

    @Test
    void anIsolatedNodeTimesOutWhileItsProcessLivesAndPeersReportItUnreachable() throws Exception {
        InjectedFault fault = cluster.faults().isolate(follower);
        cluster.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> probe(follower)).isInstanceOf(SocketTimeoutException.class);
        assertThat(cluster.supervisor().status(spec(follower)).isAlive()).isTrue();
        assertThat(probe(leader).peerReachability()).containsEntry(follower, false);

        fault.heal();
        cluster.advance(Duration.ofSeconds(3));
        assertThat(probe(follower).peerReachability()).doesNotContainValue(false);
        assertThat(probe(leader).peerReachability()).containsEntry(follower, true);
    }

    @Test
    void databaseCorruptionFailsTheIntegrityCheckUntilRestoredFromAHealthyReplica() throws Exception {
        cluster.faults().corruptDatabase(follower);
        assertThat(probe(follower).database().failed()).isTrue();

        transferState(follower);
        assertThat(probe(follower).database().status()).isEqualTo(IntegrityCheck.Status.OK);
        assertThat(cluster.movedAside(follower)).singleElement().asString().startsWith("database@");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHECKSUM", "GAP", "TERM_ORDER"})
    void logCorruptionFailsTheLogCheckUntilTheLogIsResetAndRefilled(String kind) throws Exception {
        cluster.faults().corruptLog(follower, kind);
        assertThat(probe(follower).log().failed()).isTrue();

        control(new Action.Stop(follower));
        control(new Action.MoveAside(follower, Action.Artifact.LOG));
        control(new Action.Reset(follower, Action.Artifact.LOG));
        control(new Action.Start(follower));
        cluster.advance(Duration.ofSeconds(3));
        NodeStatus healed = probe(follower);
        assertThat(healed.log().status()).isEqualTo(IntegrityCheck.Status.OK);
        assertThat(healed.appliedIndex()).isEqualTo(probe(leader).appliedIndex());
    }

    @Test
    void aNodeWithACorruptLogFailsToStart() throws Exception {
        cluster.faults().corruptLog(follower, "GAP");
        cluster.faults().crash(follower);
        assertThat(cluster.supervisor().start(spec(follower)).exitCode()).hasValue(1);
        assertThat(cluster.supervisor().status(spec(follower)).exitCode()).as("status after the failed start")
                .hasValue(1);
    }

    @Test
    void aNodeThatRefusesActionsCannotBeStoppedThroughItsSupervisorEither() throws Exception {
        cluster.faults().refuseActions(follower);

        assertThatThrownBy(() -> cluster.supervisor().stop(spec(follower), Duration.ofSeconds(1)))
                .hasMessageContaining("refused to stop");
        assertThat(cluster.view(follower).alive()).isTrue();
    }

    @Test
    void aStaleLeaderKeepsLeadingBesideTheNewOneUntilThePartitionHeals() throws Exception {
        InjectedFault fault = cluster.faults().staleLeader(leader);
        cluster.advance(Duration.ofSeconds(5));
        assertThat(cluster.leaders()).hasSize(2).contains(leader);
        assertThat(probe(leader).role()).isEqualTo(Role.LEADER);

        fault.heal();
        cluster.advance(Duration.ofSeconds(3));
        assertThat(cluster.leaders()).hasSize(1).doesNotContain(leader);
    }

    @Test
    void theTwoLeadersBugPutsTwoLeadersInOneTermUntilHealed() throws Exception {
        InjectedFault fault = cluster.faults().twoLeadersInOneTerm(follower);
        assertThat(probe(follower).role()).isEqualTo(Role.LEADER);
        assertThat(probe(follower).term()).isEqualTo(probe(leader).term());

        fault.heal();
        cluster.advance(Duration.ofSeconds(1));
        assertThat(probe(follower).role()).isNotEqualTo(Role.LEADER);
    }

    @Test
    void aCampaignLoopDrivesTheNodesTermFarAboveTheOthersAndHealingConvergesTerms() throws Exception {
        long before = probe(leader).term();
        InjectedFault fault = cluster.faults().campaignLoop(follower);
        cluster.advance(Duration.ofSeconds(20));
        NodeStatus looping = probe(follower);
        assertThat(looping.term()).isGreaterThan(before + 10);
        assertThat(looping.electionsStarted()).isGreaterThan(10);

        fault.heal();
        cluster.advance(Duration.ofSeconds(10));
        List<Long> terms = cluster.nodeIds().stream().map(n -> cluster.view(n).term()).distinct().toList();
        assertThat(terms).hasSize(1);
        assertThat(cluster.awaitLeader(Duration.ofSeconds(5))).isPresent();
    }

    @Test
    void aTermJumpLeavesTheNodesTermAhead() throws Exception {
        long before = probe(follower).term();
        cluster.faults().termJump(follower, 100);
        assertThat(probe(follower).term()).isEqualTo(before + 100);
    }

    @Test
    void aWrongApplyMakesChecksumsDifferAtTheSameIndexUntilStateIsTransferred() throws Exception {
        cluster.faults().wrongApply(follower, 1);
        writes(20); // past the next checksum checkpoint (every 16 entries)
        cluster.advance(Duration.ofSeconds(1));
        NodeStatus bad = probe(follower);
        NodeStatus good = probe(leader);
        assertThat(bad.stateChecksum().orElseThrow().index()).isEqualTo(good.stateChecksum().orElseThrow().index());
        assertThat(bad.stateChecksum()).isNotEqualTo(good.stateChecksum());

        transferState(follower);
        writes(20);
        cluster.advance(Duration.ofSeconds(1));
        assertThat(probe(follower).stateChecksum()).isEqualTo(probe(leader).stateChecksum());
    }

    @Test
    void aStuckApplyStallsTheAppliedIndexWhileCommitAdvancesWithAnOldOperation() throws Exception {
        InjectedFault fault = cluster.faults().applyStuck(follower);
        writes(10);
        cluster.advance(Duration.ofSeconds(5));
        NodeStatus stuck = probe(follower);
        assertThat(stuck.commitIndex()).isGreaterThan(stuck.appliedIndex());
        assertThat(stuck.operations()).singleElement().satisfies(op -> assertThat(op.kind()).isEqualTo("apply"));
        assertThat(stuck.queueDepth()).isPositive();

        fault.heal();
        cluster.advance(Duration.ofSeconds(1));
        NodeStatus freed = probe(follower);
        assertThat(freed.appliedIndex()).isEqualTo(freed.commitIndex());
        assertThat(freed.operations()).isEmpty();
    }

    @Test
    void stuckOperationsStayInFlightUntilCancelled() throws Exception {
        cluster.faults().stuckOperations(follower, 3);
        cluster.advance(Duration.ofSeconds(30));
        assertThat(probe(follower).operations()).hasSize(3);
        control(new Action.CancelOperations(follower, List.of()));
        assertThat(probe(follower).operations()).isEmpty();
    }

    @Test
    void diskFillGrowsTheDiskTowardItsLimitAndCleanupPurgesIt() throws Exception {
        double start = probe(follower).resources().diskRatio();
        cluster.faults().diskFill(follower, 200L << 20);
        cluster.advance(Duration.ofSeconds(30));
        double full = probe(follower).resources().diskRatio();
        assertThat(full).isGreaterThan(start + 0.5);

        control(new Action.CleanupResources(follower));
        assertThat(probe(follower).resources().diskRatio()).isLessThan(0.1);
    }

    @Test
    void memoryAndFileHandleLeaksGrowUntilARestart() throws Exception {
        cluster.faults().memoryLeak(follower, 50L << 20);
        cluster.faults().fileHandleLeak(follower, 100);
        cluster.advance(Duration.ofSeconds(20));
        NodeStatus leaking = probe(follower);
        assertThat(leaking.resources().memoryRatio()).isGreaterThan(0.5);
        assertThat(leaking.resources().fileRatio()).isGreaterThan(0.4);

        control(new Action.Restart(follower));
        cluster.advance(Duration.ofSeconds(2));
        assertThat(probe(follower).resources().memoryRatio()).isLessThan(0.2);
    }

    @Test
    void aSlowFollowerFallsBehindUnderWritesAndCatchesUpWhenHealed() throws Exception {
        InjectedFault fault = cluster.faults().slowFollower(follower, Duration.ofMillis(1500));
        writes(100);
        long lag = probe(leader).lastLogIndex() - probe(follower).appliedIndex();
        assertThat(lag).isGreaterThan(20);

        fault.heal();
        cluster.advance(Duration.ofSeconds(5));
        assertThat(probe(follower).appliedIndex()).isEqualTo(probe(leader).appliedIndex());
    }

    @Test
    void aSlowDiskDelaysTheFollowersAcknowledgements() throws Exception {
        cluster.faults().slowDisk(follower, Duration.ofMillis(800));
        writes(40);
        assertThat(probe(leader).lastLogIndex() - probe(follower).appliedIndex()).isGreaterThan(5);
    }

    @Test
    void noiseUnderTheThresholdsIsNotAFailure() throws Exception {
        cluster.faults().jitter(Duration.ofMillis(20));
        cluster.faults().pause(follower, Duration.ofMillis(500));
        assertThat(probe(follower).role()).isEqualTo(Role.FOLLOWER);
        cluster.faults().briefLag(follower, Duration.ofMillis(300), Duration.ofSeconds(2));
        writes(20);
        cluster.advance(Duration.ofSeconds(3));
        assertThat(probe(follower).appliedIndex()).isEqualTo(probe(leader).appliedIndex());
        assertThat(cluster.leaders()).containsExactly(leader);
    }

    @Test
    void aLongPauseTimesOutTheProbe() {
        cluster.faults().pause(follower, Duration.ofSeconds(5));
        assertThatThrownBy(() -> probe(follower)).isInstanceOf(SocketTimeoutException.class);
    }
}
