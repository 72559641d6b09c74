package org.distributedtesting.recovery.examples.simtesting;

import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.sim.ClientWrite;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.junit.SimCluster;
import org.distributedtesting.recovery.core.sim.junit.SimRecovery;
import org.distributedtesting.recovery.core.sim.junit.SimSeeds;
import org.distributedtesting.recovery.core.sim.junit.SimulatedClusterExtension;
import org.distributedtesting.recovery.examples.custom.PagingCrashStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator's tests of their own strategy, {@link PagingCrashStrategy} (the built-in crash strategy that pages
 * before it restarts), on the simulated Raft cluster: deterministic for a seed, on virtual time, so minutes of
 * recovery take milliseconds. When a test fails, its message names the seed, and the extension attaches the
 * cluster's nodes, the end of its trace and the engine's journal as the test's report entry {@code sim.report}.
 */
@ExtendWith(SimulatedClusterExtension.class)
class PagingCrashStrategyOnSimulatedClusterTest {

    private static final Duration ELECTION = Duration.ofSeconds(10);
    private static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(5);

    private final List<Failure> pages = new CopyOnWriteArrayList<>();

    /** The strategy under test with a pager that remembers each page, bound to the cluster. */
    private SimulatedRecovery pagingRecovery(SimulatedCluster cluster) {
        // the extension closes it after the test, and prints its journal if the test fails
        return SimulatedRecovery.of(cluster, List.of(new PagingCrashStrategy(Settings.EMPTY, pages::add)),
                RecoveryOptions.defaults());
    }

    private static void write(SimulatedCluster cluster, int count) {
        for (int i = 0; i < count; i++) {
            cluster.writeAndWait("value-" + i, Duration.ofSeconds(1));
        }
    }

    @Test
    void restartsACrashedFollowerAndPagesOnce(@SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster) {
        // Given: a leader, acknowledged writes, and a follower whose process dies
        NodeId leader = cluster.awaitLeader(ELECTION).orElseThrow();
        write(cluster, 20);
        NodeId follower = cluster.anyFollower();
        cluster.crash(follower);
        SimulatedRecovery recovery = pagingRecovery(cluster);

        // When
        SettleReport report = recovery.runUntilHealthy(RECOVERY_DEADLINE);
        cluster.advance(Duration.ofSeconds(1)); // a heartbeat tells every follower the latest commit

        // Then
        assertThat(report.healthy()).isTrue();
        assertThat(cluster).hasSingleLeader().hasLeader(leader).nodeIsUp(follower).hasNoDivergence()
                .hasNoInvariantViolations();
        assertThat(recovery).recovered(FailureType.PROCESS_CRASH, follower)
                .journalContainsActionOnNode(ActionKind.RESTART, follower);
        assertThat(recovery.journal().records(ActionKind.RESTART.journalName())).hasSize(1);
        assertThat(pages).singleElement().satisfies(page -> assertThat(page.nodes()).containsExactly(follower));
    }

    @SimSeeds(from = 1, count = 20)
    void restartsACrashedFollowerWhateverTheSeed(@SimCluster(nodes = 5) SimulatedCluster cluster) {
        // Given: each of 20 seeds gives other election timings, another leader, another follower
        cluster.awaitLeader(ELECTION).orElseThrow();
        write(cluster, 10);
        NodeId follower = cluster.anyFollower();
        cluster.crash(follower);
        SimulatedRecovery recovery = pagingRecovery(cluster);

        // When
        SettleReport report = recovery.runUntilHealthy(RECOVERY_DEADLINE);
        cluster.advance(Duration.ofSeconds(1));

        // Then: a failure names its seed ("seed 13" in the report, -Dsim.seed=13 replays it alone)
        assertThat(report.healthy()).isTrue();
        assertThat(cluster).hasSingleLeader().nodeIsUp(follower).hasNoDivergence().hasNoInvariantViolations();
        assertThat(recovery).recovered(FailureType.PROCESS_CRASH, follower)
                .journalContainsActionOnNode(ActionKind.RESTART, follower);
        assertThat(pages).singleElement().satisfies(page -> assertThat(page.nodes()).containsExactly(follower));
    }

    @Test
    void restartsACrashedLeaderAsAFollowerOfTheNewLeader(@SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster) {
        // Given: the leader's process dies; Raft elects another leader by itself
        NodeId oldLeader = cluster.awaitLeader(ELECTION).orElseThrow();
        write(cluster, 20);
        cluster.crash(oldLeader);
        SimulatedRecovery recovery = pagingRecovery(cluster);

        // When
        SettleReport report = recovery.runUntilHealthy(RECOVERY_DEADLINE);
        ClientWrite afterwards = cluster.writeAndWait("after the recovery", Duration.ofSeconds(1));
        cluster.advance(Duration.ofSeconds(1));

        // Then
        assertThat(report.healthy()).isTrue();
        assertThat(afterwards.acknowledged()).isTrue();
        assertThat(cluster).hasSingleLeader().nodeIsUp(oldLeader).hasNoDivergence().hasNoInvariantViolations();
        assertThat(cluster.leader()).get().isNotEqualTo(oldLeader);
        assertThat(recovery).recovered(FailureType.PROCESS_CRASH, oldLeader)
                .journalContainsActionOnNode(ActionKind.RESTART, oldLeader);
        assertThat(pages).singleElement().satisfies(page -> assertThat(page.nodes()).containsExactly(oldLeader));
    }

    @Test
    void escalatesACrashLoopAndQuarantinesTheNode(@SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster,
            @SimRecovery(strategies = PagingCrashStrategy.class, maxRestartAttempts = 2) SimulatedRecovery recovery) {
        // Given: a follower that dies two seconds after each start, more often than the two attempts allowed
        cluster.awaitLeader(ELECTION).orElseThrow();
        write(cluster, 20);
        NodeId looping = cluster.anyFollower();
        cluster.faults().crashLoop(looping, 10, Duration.ofSeconds(2));

        // When: each restart looks good for a moment, so run for a span of time rather than until healthy
        CycleReport last = recovery.runFor(Duration.ofMinutes(3));

        // Then: two restarts, then the engine gives up, quarantines the node and touches it no more
        assertThat(last.stuck()).isTrue();
        assertThat(recovery.journal().records(ActionKind.RESTART.journalName())).hasSize(2);
        assertThat(recovery).escalated(FailureType.PROCESS_CRASH, looping).quarantined(looping)
                .journalContainsActionOnNode("node_quarantined", looping);
        assertThat(cluster).nodeIsDown(looping).hasSingleLeader().hasNoDivergence().lostNoAcknowledgedWrites();
    }

    @Test
    void leavesAnIsolatedFollowerAloneBecauseItsProcessIsAlive(
            @SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster) {
        // Given: a follower cut off from everyone, its process running: a partition, not a crash
        cluster.awaitLeader(ELECTION).orElseThrow();
        NodeId isolated = cluster.anyFollower();
        cluster.faults().isolate(isolated);
        SimulatedRecovery recovery = pagingRecovery(cluster);

        // When
        recovery.runFor(Duration.ofMinutes(1));

        // Then
        assertThat(recovery).didNotAct();
        assertThat(pages).isEmpty();
        assertThat(cluster).hasSingleLeader().nodeIsUp(isolated);
    }
}
