package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.examples.ratis.harness.Corruption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corruption at rest on a real cluster, found by the node's own checks, and repaired the way the strategies repair
 * it: the node is stopped, {@link LocalDataDirControl} moves the bad artifact aside and restores the database from
 * a healthy replica or resets the log, and the node started again catches up to the same checksum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IntegrityIT {

    private static final String PAYLOAD = "x".repeat(1000);

    private NodeCluster cluster;
    private LocalDataDirControl offline;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        cluster = new NodeCluster(dir, List.of("node-1", "node-2", "node-3"), Set.of(), "--segment-size", "16384")
                .startAll();
        offline = new LocalDataDirControl(cluster.specs(), DatabaseCopySource.fromLocalDataDir(), Clock.systemUTC());
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
    }

    @BeforeEach
    void aConvergedClusterWithSomeTasks() {
        cluster.awaitLeader();
        submit("before", 30);
        cluster.awaitConverged();
    }

    @Test
    void aFlippedByteInTheDatabaseFailsTheIntegrityCheckAndACopyFromAHealthyReplicaBringsTheNodeBack()
            throws Exception {
        // Given a follower stopped cleanly, with a flipped byte in an index page of its database
        String node = follower();
        cluster.stop(node);
        Corruption.flipIndexPageType(cluster.dataDir(node).databaseFile());

        // When it starts
        cluster.start(node);

        // Then its integrity check fails and it keeps out of Raft, and its data cannot be touched while it runs
        NodeStatus broken = cluster.checkedStatus(node);
        assertThat(broken.database().failed()).isTrue();
        assertThat(broken.database().detail()).contains("integrity_check");
        assertThat(broken.role()).isEqualTo(Role.UNKNOWN);
        assertThat(offline.execute(new Action.MoveAside(NodeId.of(node), Artifact.DATABASE)))
                .isInstanceOf(ActionResult.Failed.class).extracting(ActionResult::detail).asString()
                .contains("refused");

        // When the cluster goes on, and the stopped node's database is moved aside and restored from node-1
        submit("while-down", 10);
        cluster.stop(node);
        String source = cluster.ids().stream().filter(id -> !id.equals(node)).findFirst().orElseThrow();
        ActionResult aside = offline.execute(new Action.MoveAside(NodeId.of(node), Artifact.DATABASE));
        ActionResult restore = offline.execute(new Action.Restore(NodeId.of(node), Artifact.DATABASE,
                NodeId.of(source)));
        cluster.start(node);

        // Then the corrupt file is kept aside, and the node catches up to the same checksum at the same index
        assertThat(aside).isInstanceOf(ActionResult.Done.class);
        assertThat(restore).isInstanceOf(ActionResult.Done.class);
        assertThat(((ActionResult.Done) restore).data()).containsEntry("source", source);
        assertThat(backups(node)).anyMatch(name -> name.startsWith("database-"));
        Map<String, NodeStatus> statuses = cluster.awaitConverged();
        assertThat(statuses.get(node).database().failed()).isFalse();
        assertThat(statuses.get(node).stateChecksum()).isEqualTo(statuses.get(source).stateChecksum());
    }

    @Test
    void aFlippedByteInALogSegmentFailsTheLogCheckAndAResetLogIsRefilledByTheLeader() throws Exception {
        // Given a follower killed (a clean stop would snapshot and purge the old segments), with a flipped byte in
        // its oldest log segment
        String node = follower();
        cluster.kill(node);
        Path segment = Corruption.flipByteInOldestSegment(cluster.dataDir(node).raftDir());

        // When it starts
        cluster.start(node);

        // Then the log check names the segment, and the node keeps out of Raft
        NodeStatus broken = cluster.checkedStatus(node);
        assertThat(broken.log().failed()).isTrue();
        assertThat(broken.log().detail()).contains(segment.getFileName().toString(), "checksum");
        assertThat(broken.role()).isEqualTo(Role.UNKNOWN);

        // When it is stopped, its log moved aside and reset, and started again
        submit("log-reset", 10);
        cluster.stop(node);
        assertThat(offline.execute(new Action.MoveAside(NodeId.of(node), Artifact.LOG)))
                .isInstanceOf(ActionResult.Done.class);
        assertThat(offline.execute(new Action.Reset(NodeId.of(node), Artifact.LOG)))
                .isInstanceOf(ActionResult.Done.class);
        cluster.start(node);

        // Then it rejoins and catches up from the leader to the same checksum
        assertThat(backups(node)).anyMatch(name -> name.startsWith("log-"));
        Map<String, NodeStatus> statuses = cluster.awaitConverged();
        assertThat(statuses.get(node).log().failed()).isFalse();
        assertThat(statuses.get(node).role()).isEqualTo(Role.FOLLOWER);
    }

    private String follower() {
        String leader = cluster.awaitLeader();
        return cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }

    private void submit(String prefix, int count) {
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < count; i++) {
                assertThat(client.submit(prefix + "-" + System.nanoTime(), PAYLOAD).acknowledged()).isTrue();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> backups(String node) throws java.io.IOException {
        try (var files = Files.list(cluster.dataDir(node).backupsDir())) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
