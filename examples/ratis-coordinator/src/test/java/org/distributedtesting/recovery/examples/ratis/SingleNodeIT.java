package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A one-node group in this JVM, started without {@code --fault-hooks}: the defaults and the node's own stop. */
class SingleNodeIT {

    private static final NodeId NODE = NodeId.of("solo");

    @TempDir
    Path dir;

    @Test
    void withoutTheFlagTheFaultHooksDoNotExist() throws Exception {
        try (NodeCluster cluster = new NodeCluster(dir, List.of("solo"), Set.of("solo"));
             CoordinatorNode node = CoordinatorNode.start(cluster.options("solo"), Clock.systemUTC(), () -> { })) {
            for (String fault : List.of(CustomActions.FAULT_HANG_APPLY, CustomActions.FAULT_SLOW_APPLY,
                    CustomActions.FAULT_DIVERGE_APPLY, CustomActions.FAULT_FILL_DISK, CustomActions.FAULT_CLEAR)) {
                ActionResult result = node.control().execute(new Action.Custom(NODE, fault, Action.Impact.NONE,
                        Map.of()));
                assertThat(result).isInstanceOf(ActionResult.Failed.class);
                assertThat(result.detail()).startsWith("fault hooks are off on 'solo'");
            }
        }
    }

    @Test
    void aStoppedNodeWhoseDatabaseIsResetRebuildsItFromItsSnapshotAndLog() throws Exception {
        // Given a node that applied some tasks, stopped through its own control
        try (NodeCluster cluster = new NodeCluster(dir, List.of("solo"), Set.of("solo"))) {
            resetDatabaseOfAStoppedNode(cluster);
        }
    }

    private void resetDatabaseOfAStoppedNode(NodeCluster cluster) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        CoordinatorNode node = CoordinatorNode.start(cluster.options("solo"), Clock.systemUTC(), stopped::countDown);
        StateChecksum before;
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.submit("solo-" + i, "suite").acknowledged()).isTrue();
            }
            assertThat(client.summary()).containsEntry("pending", "5");
        }
        before = await().atMost(NodeCluster.WAIT).until(() -> node.status().stateChecksum().orElse(null),
                sum -> sum != null && sum.index() == node.status().commitIndex());
        assertThat(node.control().execute(new Action.Stop(NODE))).isInstanceOf(ActionResult.Done.class);
        assertThat(stopped.await(NodeCluster.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // When its database is reset while it is down, and it starts again
        LocalDataDirControl offline = new LocalDataDirControl(cluster.specs(), DatabaseCopySource.fromLocalDataDir(),
                Clock.systemUTC());
        assertThat(offline.execute(new Action.Reset(NODE, Artifact.DATABASE))).isInstanceOf(ActionResult.Done.class);
        try (CoordinatorNode again = CoordinatorNode.start(cluster.options("solo"), Clock.systemUTC(), () -> { })) {
            // Then it holds the same state again, and leads
            await().atMost(NodeCluster.WAIT).until(() -> again.status().role() == Role.LEADER);
            assertThat(again.status().stateChecksum().orElseThrow().value()).isEqualTo(before.value());
            assertThat(again.status().database().failed()).isFalse();
        }
    }
}
