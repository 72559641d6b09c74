package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host-side control of a running node, acting through real Ratis operations: node-1 runs in this JVM (so the
 * test holds its {@link CoordinatorNodeControl}), node-2 and node-3 are child processes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlIT {

    private static final NodeId NODE_1 = NodeId.of("node-1");
    private static final String PAYLOAD = "y".repeat(1000);

    private NodeCluster cluster;
    private CoordinatorNode node1;
    private CoordinatorNodeControl control;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        cluster = new NodeCluster(dir, List.of("node-1", "node-2", "node-3"), Set.of("node-1"), "--fault-hooks",
                "--segment-size", "16384", "--disk-quota", String.valueOf(32L << 20));
        node1 = CoordinatorNode.start(cluster.options("node-1"), Clock.systemUTC(), () -> { });
        control = node1.control();
        cluster.startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
        node1.close();
    }

    @BeforeEach
    void node1FollowsAConvergedCluster() throws Exception {
        await().atMost(NodeCluster.WAIT).until(() -> {
            if (cluster.awaitLeader().equals("node-1")) {
                control.execute(new Action.StepDown(NODE_1, Optional.of(NodeId.of("node-2"))));
            }
            return !cluster.awaitLeader().equals("node-1");
        });
        cluster.awaitConverged();
    }

    @AfterEach
    void undoTheTestsChanges() throws Exception {
        control.execute(new Action.SetElectionsPaused(NODE_1, false));
        control.execute(new Action.Custom(NODE_1, CustomActions.FAULT_CLEAR, Action.Impact.NONE, Map.of()));
        control.execute(new Action.SetVoter(NODE_1, true));
    }

    @Test
    void stepDownHandsLeadershipToTheChosenSuccessor() throws Exception {
        // Given node-1 leads
        transferLeadershipTo("node-1");

        // When it steps down in favour of node-3
        ActionResult result = control.execute(new Action.StepDown(NODE_1, Optional.of(NodeId.of("node-3"))));

        // Then node-3 leads
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        await().atMost(NodeCluster.WAIT).until(() -> cluster.awaitLeader().equals("node-3"));
    }

    @Test
    void pausedElectionsKeepTheNodeFromTakingLeadershipUntilResumed() throws Exception {
        // Given node-1's elections are paused
        assertThat(control.execute(new Action.SetElectionsPaused(NODE_1, true))).isInstanceOf(ActionResult.Done.class);
        assertThat(node1.status().electionsPaused()).isTrue();

        try (CoordinatorClient client = cluster.client()) {
            // When leadership is handed to it, it does not campaign, and the transfer fails
            assertThatThrownBy(() -> client.transferLeadership("node-1", Duration.ofSeconds(2)))
                    .isInstanceOf(IOException.class);
            assertThat(cluster.awaitLeader()).isNotEqualTo("node-1");

            // When its elections are resumed, leadership can be handed to it
            assertThat(control.execute(new Action.SetElectionsPaused(NODE_1, false)))
                    .isInstanceOf(ActionResult.Done.class);
        }
        transferLeadershipTo("node-1");
        assertThat(node1.status().electionsPaused()).isFalse();
    }

    @Test
    void cleanupTakesASnapshotPurgesTheLogAndDeletesStaleFiles() throws Exception {
        // Given a data directory filled to 90 % of its quota, and a log of several segments
        assertThat(control.execute(new Action.Custom(NODE_1, CustomActions.FAULT_FILL_DISK, Action.Impact.NONE,
                Map.of("ratio", 0.9)))).isInstanceOf(ActionResult.Done.class);
        assertThat(node1.status().resources().diskRatio()).isGreaterThan(0.85);
        submit(40);
        cluster.awaitConverged();
        long applied = node1.status().appliedIndex();

        // When the node cleans up
        ActionResult result = control.execute(new Action.CleanupResources(NODE_1));

        // Then a snapshot covers what was applied, the old segments are purged, and the fill file is gone
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        long snapshot = ((Number) ((ActionResult.Done) result).data().get("snapshot_index")).longValue();
        assertThat(snapshot).isGreaterThanOrEqualTo(applied);
        assertThat(node1.dataDir().snapshotsDir()).isDirectoryContaining(p -> p.getFileName().toString()
                .endsWith("_" + snapshot));
        await().atMost(NodeCluster.WAIT).until(() -> oldestSegmentStart(node1.dataDir()) > 0);
        assertThat(node1.status().resources().diskRatio()).isLessThan(0.5);
    }

    @Test
    void demotionMakesTheNodeAListenerAndPromotionAVoterAgain() throws Exception {
        // When node-1 is demoted
        assertThat(control.execute(new Action.SetVoter(NODE_1, false))).isInstanceOf(ActionResult.Done.class);

        // Then it is a non-voting listener that still follows the log, and never campaigns
        await().atMost(NodeCluster.WAIT).until(() -> !node1.status().voter() && node1.status().role() == Role.LEARNER);
        assertThat(node1.status().electionsPaused()).isTrue();
        assertThat(control.execute(new Action.SetElectionsPaused(NODE_1, false)).detail())
                .contains("resume when it is promoted");
        submit(3);
        cluster.awaitConverged();

        // When it is promoted, it votes again
        assertThat(control.execute(new Action.SetVoter(NODE_1, true))).isInstanceOf(ActionResult.Done.class);
        await().atMost(NodeCluster.WAIT).until(() -> node1.status().voter()
                && node1.status().role() == Role.FOLLOWER);
        assertThat(node1.status().electionsPaused()).isFalse();
    }

    @Test
    void aHungApplyShowsAsAStuckOperationAndRestartingTheStuckComponentReleasesIt() throws Exception {
        // Given node-1's apply path hangs on the next entry
        assertThat(control.execute(new Action.Custom(NODE_1, CustomActions.FAULT_HANG_APPLY, Action.Impact.NONE,
                Map.of()))).isInstanceOf(ActionResult.Done.class);

        // When the cluster commits more entries
        submit(2);

        // Then node-1 reports the apply in flight and a backlog, and the apply cannot be cancelled
        NodeStatus stuck = await().atMost(NodeCluster.WAIT).until(node1::status,
                s -> !s.operations().isEmpty() && s.queueDepth() > 0);
        Operation apply = stuck.operations().get(0);
        assertThat(apply.kind()).isEqualTo("apply");
        assertThat(stuck.appliedIndex()).isLessThan(stuck.commitIndex());
        assertThat(control.execute(new Action.CancelOperations(NODE_1, List.of(apply.id()))))
                .isInstanceOf(ActionResult.Failed.class).extracting(ActionResult::detail).asString()
                .contains("cannot be cancelled");

        // When the stuck component is restarted, node-1 catches up
        assertThat(control.execute(new Action.Custom(NODE_1, CustomActions.RESTART_STUCK_COMPONENT,
                Action.Impact.NONE, Map.of()))).isInstanceOf(ActionResult.Done.class);
        Map<String, NodeStatus> statuses = cluster.awaitConverged();
        assertThat(statuses.get("node-1").operations()).isEmpty();
    }

    @Test
    void triggerSyncReturnsOnceTheNodeHasAppliedTheLeadersCommitIndex() throws Exception {
        // Given node-1 applies slowly and falls behind
        String leader = cluster.awaitLeader();
        control.execute(new Action.Custom(NODE_1, CustomActions.FAULT_SLOW_APPLY, Action.Impact.NONE,
                Map.of("delay_ms", 100)));
        submit(8);
        long commit = cluster.status(leader).commitIndex();

        // When a sync is triggered
        ActionResult result = control.execute(new Action.TriggerSync(NODE_1, NodeId.of(leader)));

        // Then it returns only after node-1 applied at least what the leader had committed
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(((Number) ((ActionResult.Done) result).data().get("applied_after")).longValue())
                .isGreaterThanOrEqualTo(commit);
    }

    @Test
    void triggerSyncFailsWithinSecondsWhenTheNodeAppliesMoreSlowlyThanEntriesAreCommitted() throws Exception {
        // Given node-1 applies each entry 300 ms late while a writer keeps committing faster than that
        String leader = cluster.awaitLeader();
        control.execute(new Action.Custom(NODE_1, CustomActions.FAULT_SLOW_APPLY, Action.Impact.NONE,
                Map.of("delay_ms", 300)));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (CoordinatorClient client = cluster.client()) {
                while (writing.get()) {
                    client.submit("control-" + System.nanoTime(), PAYLOAD);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "control-it-writer");
        writer.start();
        try {
            submit(5);

            // When a sync is triggered
            ActionResult result = control.execute(new Action.TriggerSync(NODE_1, NodeId.of(leader)));

            // Then it fails once the rates are measured, saying why (not at the end of its budget, whose verdict
            // is "not caught up within"), so the daemon goes on to its next rung seconds earlier
            assertThat(result).isInstanceOf(ActionResult.Failed.class);
            assertThat(result.detail()).contains("'node-1' is").contains("falls further behind");
        } finally {
            writing.set(false);
            writer.join(NodeCluster.WAIT.toMillis());
        }
    }

    @Test
    void actionsNeitherRatisNorARunningNodeCanCarryOutFailWithTheReason() throws Exception {
        assertThat(control.execute(new Action.RaiseTerm(NODE_1, 99))).isInstanceOf(ActionResult.Failed.class)
                .extracting(ActionResult::detail).asString().contains("Ratis has no operation");
        assertThat(control.execute(new Action.MoveAside(NODE_1, Action.Artifact.DATABASE)))
                .isInstanceOf(ActionResult.Failed.class).extracting(ActionResult::detail).asString()
                .contains("refused");
        assertThat(control.execute(new Action.Restart(NODE_1))).isInstanceOf(ActionResult.Failed.class)
                .extracting(ActionResult::detail).asString().contains("supervisor");
        assertThat(control.execute(new Action.StepDown(NodeId.of("node-2"), Optional.empty())))
                .isInstanceOf(ActionResult.Failed.class).extracting(ActionResult::detail).asString()
                .contains("'node-1' only");
        assertThat(Files.exists(node1.dataDir().databaseFile())).isTrue();
    }

    /** Hands leadership to {@code id}, again while a transfer still pending from an earlier test refuses it. */
    private void transferLeadershipTo(String id) {
        await().atMost(NodeCluster.WAIT).ignoreExceptions().until(() -> {
            if (!cluster.awaitLeader().equals(id)) {
                try (CoordinatorClient client = cluster.client()) {
                    client.transferLeadership(id, Duration.ofSeconds(5));
                }
            }
            return cluster.awaitLeader().equals(id);
        });
    }

    private void submit(int count) throws IOException {
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < count; i++) {
                assertThat(client.submit("control-" + System.nanoTime(), PAYLOAD).acknowledged()).isTrue();
            }
        }
    }

    private static long oldestSegmentStart(DataDir dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir.raftDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("log_(inprogress_)?\\d+(-\\d+)?"))
                    .mapToLong(n -> Long.parseLong(n.replaceAll("log_(inprogress_)?(\\d+).*", "$2"))).min()
                    .orElse(-1);
        }
    }
}
