package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator node keeps the highest fencing epoch in its data directory, across a restart. */
class FencingIT {

    private static final NodeId NODE = NodeId.of("solo");
    private static final String TOKEN = "fencing-it-token-5150";

    @TempDir
    Path dir;

    @Test
    void aRestartedNodeStillRefusesTheEpochOfADaemonThatWasTakenOver() throws Exception {
        // Given a node with control that a daemon at epoch 5 has acted on
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        try (NodeCluster cluster = new NodeCluster(dir, List.of("solo"), Set.of("solo"), "--token-file",
                tokenFile.toString())) {
            try (CoordinatorNode node = CoordinatorNode.start(cluster.options("solo"), Clock.systemUTC(), () -> { });
                 HttpNodeControl newer = control(cluster, 5)) {
                assertThat(newer.execute(new Action.CleanupResources(NODE))).isInstanceOf(ActionResult.Done.class);
            }
            assertThat(Files.readString(cluster.dataDir("solo").fencingFile())).isEqualTo("5\n");

            // When the node starts again, and the daemon it had left behind, at epoch 4, acts
            try (CoordinatorNode again = CoordinatorNode.start(cluster.options("solo"), Clock.systemUTC(), () -> { });
                 HttpNodeControl older = control(cluster, 4);
                 HttpNodeControl newer = control(cluster, 5)) {
                ActionResult stale = older.execute(new Action.CleanupResources(NODE));

                // Then the node refuses it, and still obeys the daemon at epoch 5
                assertThat(HttpNodeControl.refusedAsStale(stale)).as(stale.detail()).isTrue();
                assertThat(stale.detail()).contains("sent epoch 4", "accepted epoch 5");
                assertThat(newer.execute(new Action.CleanupResources(NODE))).isInstanceOf(ActionResult.Done.class);
            }
        }
    }

    private static HttpNodeControl control(NodeCluster cluster, long epoch) {
        return HttpNodeControl.builder().nodes(cluster.specs()).token(() -> TOKEN).epoch(() -> epoch)
                .deadline(Duration.ofSeconds(10)).build();
    }
}
