package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.supervise.MaintenanceCommandControl;
import org.distributedtesting.recovery.examples.ratis.harness.Corruption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge the daemon uses for data repairs on a stopped node, end to end: core's {@link MaintenanceCommandControl}
 * runs {@link Maintenance} as each node's maintenance command (a real child JVM per action, the token only in its
 * environment) on a real cluster, and the node repaired that way catches up to the same checksum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceIT {

    private static final String TOKEN = "maintenance-it-token-7d1e";
    private static final String PAYLOAD = "x".repeat(1000);

    private NodeCluster cluster;
    private MaintenanceCommandControl control;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
        cluster = new NodeCluster(dir, List.of("node-1", "node-2", "node-3"), Set.of(), "--token-file",
                tokenFile.toString()).startAll();
        List<String> tool = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Maintenance.class.getName(),
                "--id", "{id}", "--data-dir", "{data_dir}");
        List<NodeSpec> nodes = cluster.specs().stream().map(spec -> new NodeSpec(spec.id(), spec.host(),
                spec.port(), spec.dataDir(), List.of(), List.of(), tool)).toList();
        control = new MaintenanceCommandControl(nodes, action -> {
            throw new AssertionError("only data actions are sent in this test, but got " + action);
        }, Duration.ofSeconds(60), () -> Optional.of(TOKEN), Clock.systemUTC());
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aCorruptDatabaseOnAStoppedFollowerIsMovedAsideAndRestoredOverTheProtocolByTheMaintenanceCommand()
            throws Exception {
        // Given a follower whose database has a flipped byte, stopped, while the cluster goes on
        String leader = cluster.awaitLeader();
        submit("before", 20);
        cluster.awaitConverged();
        String node = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        cluster.stop(node);
        Corruption.flipIndexPageType(cluster.dataDir(node).databaseFile());
        submit("while-down", 10);

        // When the daemon's control moves its database aside and restores it from the leader, through the tool
        ActionResult aside = control.execute(new Action.MoveAside(NodeId.of(node), Artifact.DATABASE));
        ActionResult restore = control.execute(new Action.Restore(NodeId.of(node), Artifact.DATABASE,
                NodeId.of(leader)));
        cluster.start(node);

        // Then the corrupt file is kept aside, and the node catches up to the same checksum at the same index
        assertThat(aside).isInstanceOf(ActionResult.Done.class);
        assertThat(aside.detail()).startsWith("moved the database to backups/database-");
        assertThat(restore).isInstanceOf(ActionResult.Done.class);
        assertThat(((ActionResult.Done) restore).data()).containsEntry("source", leader);
        Map<String, NodeStatus> statuses = cluster.awaitConverged();
        assertThat(statuses.get(node).database().failed()).isFalse();
        assertThat(statuses.get(node).stateChecksum()).isEqualTo(statuses.get(leader).stateChecksum());
        Path log = cluster.dataDir(node).root().resolve(MaintenanceCommandControl.LOG_FILE);
        assertThat(Files.readString(log)).contains("move_aside_database by coordinator-recovery",
                "restore_database by coordinator-recovery").doesNotContain(TOKEN);
    }

    private void submit(String prefix, int count) {
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < count; i++) {
                assertThat(client.submit(prefix + "-" + System.nanoTime(), PAYLOAD).acknowledged()).isTrue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
