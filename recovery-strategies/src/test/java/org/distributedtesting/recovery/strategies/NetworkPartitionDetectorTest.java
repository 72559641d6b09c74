package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.cutFrom;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.down;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.follower;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.history;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.id;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.leader;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.snapshot;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.status;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.up;

import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;

/** The partition detector on hand-built snapshots: each signal, and what it must not mistake for a partition. */
class NetworkPartitionDetectorTest {

    private final NetworkPartitionStrategy strategy = new NetworkPartitionStrategy();

    private List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return strategy.detector().detect(snapshot, history);
    }

    @Test
    void anUnreachableNodeWhoseProcessIsAliveIsAPartitionWithThePeersViewsAsEvidence() {
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 3, 2), 3), cutFrom(follower(2, 3, 2, 1), 3),
                down(3, ProcessStatus.alive(4242)));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("network_partition:node-3");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.immediate()).isFalse();
            assertThat(f.summary()).contains("its process is alive", "not a crash");
            assertThat(f.evidence()).containsEntry("signals", List.of(NetworkPartitionDetector.UNREACHABLE_PROCESS_ALIVE))
                    .containsEntry("process", "alive").containsEntry("pid", 4242L).containsEntry("reachable", false)
                    .containsEntry("peers_reporting_unreachable", List.of("node-1", "node-2"))
                    .containsEntry("peers_reporting_reachable", List.of());
        });
    }

    @Test
    void anUnreachableNodeThatNoSupervisorWatchesIsTreatedAsAPartitionSoNothingRestartsIt() {
        ClusterSnapshot snapshot = snapshot(1, leader(1, 3, 2), follower(2, 3, 2, 1),
                down(3, ProcessStatus.unknown()));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("process", "unknown"));
    }

    @Test
    void anUnreachableNodeWhoseProcessIsDeadIsACrashNotAPartition() {
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 3, 2), 3), cutFrom(follower(2, 3, 2, 1), 3),
                down(3, ProcessStatus.exited(4242, 137)));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void isHighSeverityWhenTooFewNodesAnswerForAMajority() {
        ClusterSnapshot snapshot = snapshot(1, up(1, status(1, 3, Role.CANDIDATE, 4, null).build()),
                down(2, ProcessStatus.alive(2)), down(3, ProcessStatus.alive(3)));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).hasSize(2)
                .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void aNodeTheMonitorReachesButAMajorityOfItsPeersCannotIsAPartition() {
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 5, 2), 5), cutFrom(follower(2, 5, 2, 1), 5),
                cutFrom(follower(3, 5, 2, 1), 5), follower(4, 5, 2, 1), cutFrom(follower(5, 5, 2, 1), 1, 2, 3));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).singleElement().satisfies(f -> {
            assertThat(f.nodes()).containsExactly(id(5));
            assertThat(f.summary()).contains("3 of 4 reachable peers cannot reach it");
            assertThat(f.evidence()).containsEntry("signals", List.of(NetworkPartitionDetector.PEERS_REPORT_UNREACHABLE))
                    .containsEntry("reachable", true)
                    .containsEntry("peers_reporting_unreachable", List.of("node-1", "node-2", "node-3"))
                    .containsEntry("peers_reporting_reachable", List.of("node-4"));
        });
    }

    @Test
    void aNodeKeptOutOfRaftByItsOwnFailedCheckIsLeftToTheCorruptionStrategies() {
        // a real coordinator whose database fails its check at start does not join Raft: its peers cannot reach it
        NodeObservation corrupt = cutFrom(up(5, status(5, 5, Role.UNKNOWN, 0, null)
                .database(IntegrityCheck.failed("integrity_check: page 3 is never used")).build()), 1, 2, 3, 4);
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 5, 2), 5), cutFrom(follower(2, 5, 2, 1), 5),
                cutFrom(follower(3, 5, 2, 1), 5), cutFrom(follower(4, 5, 2, 1), 5), corrupt);

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void aNodeWithAFailedCheckThatStillTakesPartInRaftIsStillAPartitionWhenItsPeersCannotReachIt() {
        NodeObservation cut = cutFrom(up(5, status(5, 5, Role.FOLLOWER, 2, 1)
                .log(IntegrityCheck.failed("entry 7: checksum mismatch")).build()), 1, 2, 3);
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 5, 2), 5), cutFrom(follower(2, 5, 2, 1), 5),
                cutFrom(follower(3, 5, 2, 1), 5), follower(4, 5, 2, 1), cut);

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).singleElement()
                .satisfies(f -> assertThat(f.nodes()).containsExactly(id(5)));
    }

    @Test
    void aLinkBrokenBetweenTwoNodesOfFiveIsNoPartitionOfEither() {
        ClusterSnapshot snapshot = snapshot(1, cutFrom(leader(1, 5, 2), 5), follower(2, 5, 2, 1),
                follower(3, 5, 2, 1), follower(4, 5, 2, 1), cutFrom(follower(5, 5, 2, 1), 1));

        assertThat(detect(snapshot, ClusterHistory.EMPTY)).isEmpty();
    }

    /** Node 4 still follows node 5, cut off with its process alive, while nodes 1 to 3 follow node 1. */
    private static ClusterSnapshot minorityFollowsAnother(long cycle) {
        return snapshot(cycle, leader(1, 5, 3), follower(2, 5, 3, 1), follower(3, 5, 3, 1),
                follower(4, 5, 2, 5), down(5, ProcessStatus.alive(5)));
    }

    @Test
    void aNodeThatFollowsAnotherLeaderThanTheMajorityForThreeCyclesIsAPartition() {
        List<Failure> failures = detect(minorityFollowsAnother(3),
                history(minorityFollowsAnother(1), minorityFollowsAnother(2)));

        assertThat(failures).extracting(Failure::key)
                .containsExactly("network_partition:node-4", "network_partition:node-5");
        assertThat(failures.get(0).evidence()).containsEntry("signals", List.of(NetworkPartitionDetector.LEADER_DISAGREEMENT))
                .containsEntry("leader_seen", "node-5").containsEntry("majority_leader", "node-1")
                .containsEntry("majority_supporters", List.of("node-1", "node-2", "node-3"));
    }

    @Test
    void leadersThatDifferForFewerCyclesThanTheThresholdAreAnElectionInProgress() {
        ClusterSnapshot agreed = snapshot(1, leader(1, 5, 3), follower(2, 5, 3, 1), follower(3, 5, 3, 1),
                follower(4, 5, 3, 1), down(5, ProcessStatus.alive(5)));

        assertThat(detect(minorityFollowsAnother(3), history(agreed, minorityFollowsAnother(2))))
                .extracting(Failure::key).containsExactly("network_partition:node-5");
    }

    @Test
    void aStaleLeaderTheMonitorSeesAloneIsAPartitionOnTheMinoritySide() {
        // node 1 still claims term 2; the others follow node 3, whom the monitor cannot reach
        List<NodeObservation> observations = List.of(cutFrom(leader(1, 5, 2), 2, 3, 4, 5),
                cutFrom(follower(2, 5, 3, 3), 1), down(3, ProcessStatus.alive(3)), cutFrom(follower(4, 5, 3, 3), 1),
                cutFrom(follower(5, 5, 3, 3), 1));
        ClusterSnapshot now = snapshot(3, observations.toArray(NodeObservation[]::new));

        List<Failure> failures = detect(now, history(snapshot(1, observations.toArray(NodeObservation[]::new)),
                snapshot(2, observations.toArray(NodeObservation[]::new))));

        assertThat(failures.get(0).key()).isEqualTo("network_partition:node-1");
        assertThat(failures.get(0).evidence()).containsEntry("signals",
                List.of(NetworkPartitionDetector.PEERS_REPORT_UNREACHABLE, NetworkPartitionDetector.LEADER_DISAGREEMENT));
        assertThat(failures.get(0).summary()).contains("claims leadership while a majority follows 'node-3'");
    }

    @Test
    void aLeaderContestedByAnotherVisibleLeaderIsLeftToTheSplitBrainStrategy() {
        ClusterSnapshot now = snapshot(1, cutFrom(leader(1, 3, 1), 2, 3), cutFrom(leader(2, 3, 2), 1),
                cutFrom(follower(3, 3, 2, 2), 1));

        assertThat(detect(now, ClusterHistory.EMPTY)).isEmpty();
    }

    /** Three candidates that keep campaigning; {@code elections} is what node 1 and 2 have started so far. */
    private static ClusterSnapshot campaigning(long cycle, long elections) {
        return snapshot(cycle, up(1, status(1, 3, Role.CANDIDATE, elections, null).electionsStarted(elections).build()),
                up(2, status(2, 3, Role.CANDIDATE, elections, null).electionsStarted(elections).build()),
                up(3, status(3, 3, Role.FOLLOWER, elections, null).electionsStarted(0).build()));
    }

    private static ClusterHistory campaigningSince(long firstCycle, long lastCycle) {
        List<ClusterSnapshot> earlier = new ArrayList<>();
        for (long c = firstCycle; c <= lastCycle; c++) {
            earlier.add(campaigning(c, c));
        }
        return new ClusterHistory(earlier);
    }

    @Test
    void electionsThatKeepStartingWithoutALeaderForTheWindowAreAPartition() {
        List<Failure> failures = detect(campaigning(12, 12), campaigningSince(1, 11));

        assertThat(failures).extracting(Failure::key)
                .containsExactly("network_partition:node-1", "network_partition:node-2");
        assertThat(failures.get(0).severity()).isEqualTo(Severity.HIGH);
        assertThat(failures.get(0).evidence()).containsEntry("signals",
                List.of(NetworkPartitionDetector.ELECTIONS_WITHOUT_LEADER)).containsEntry("elections_started", 11L)
                .containsEntry("elections_started_by_all", 22L).containsEntry("leaderless_for_seconds", 11L);
    }

    @Test
    void electionsWithoutALeaderAreNotReportedBeforeTheWindowHasPassed() {
        assertThat(detect(campaigning(12, 12), campaigningSince(4, 11))).isEmpty();
    }

    @Test
    void electionsWithoutALeaderAreNotReportedOnceALeaderWasSeenInTheWindow() {
        List<ClusterSnapshot> earlier = new ArrayList<>(campaigningSince(1, 11).snapshots());
        earlier.set(7, snapshot(8, leader(1, 3, 8), follower(2, 3, 8, 1), follower(3, 3, 8, 1)));

        assertThat(detect(campaigning(12, 12), new ClusterHistory(earlier))).isEmpty();
    }

    @Test
    void electionsOfALoneSurvivorAreTheCrashStrategysNotAPartition() {
        List<ClusterSnapshot> earlier = new ArrayList<>();
        for (long c = 1; c <= 11; c++) {
            earlier.add(snapshot(c, up(1, status(1, 3, Role.CANDIDATE, c, null).electionsStarted(c).build()),
                    down(2, ProcessStatus.exited(2, 137)), down(3, ProcessStatus.exited(3, 137))));
        }
        ClusterSnapshot now = snapshot(12, up(1, status(1, 3, Role.CANDIDATE, 12, null).electionsStarted(12).build()),
                down(2, ProcessStatus.exited(2, 137)), down(3, ProcessStatus.exited(3, 137)));

        assertThat(detect(now, new ClusterHistory(earlier))).isEmpty();
    }

    @Test
    void aHealthyClusterIsNoPartition() {
        ClusterSnapshot healthy = snapshot(3, leader(1, 5, 3), follower(2, 5, 3, 1), follower(3, 5, 3, 1),
                follower(4, 5, 3, 1), follower(5, 5, 3, 1));

        assertThat(detect(healthy, history(healthy, healthy))).isEmpty();
    }
}
