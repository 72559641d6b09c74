package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-node cluster, each node its own JVM: it elects a leader, takes tasks from the client, agrees on the
 * state checksum at the same applied index, and survives SIGKILL of a follower and of the leader. Prints the
 * measured election and catch-up times.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private NodeCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        cluster = new NodeCluster(dir, List.of("node-1", "node-2", "node-3"), Set.of()).startAll();
    }

    @AfterAll
    void stopCluster() throws Exception {
        cluster.close();
    }

    @BeforeEach
    void everyNodeRunsAndAgrees() throws Exception {
        for (String id : cluster.ids()) {
            if (!cluster.running(id)) {
                cluster.start(id);
            }
        }
        cluster.awaitLeader();
        cluster.awaitConverged();
    }

    @Test
    void electsOneLeaderAndEveryNodeAgreesOnTheChecksumAtTheSameIndex() throws Exception {
        // Given a cluster with one leader
        String leader = cluster.awaitLeader();

        // When the client submits tasks and works them
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < 30; i++) {
                assertThat(client.submit("agree-" + i, "suite " + i).acknowledged()).isTrue();
            }
            assertThat(client.registerWorker("w-1").reply()).isEqualTo("registered w-1");
            String assigned = client.assign("w-1").reply();
            assertThat(assigned).startsWith("assigned ");
            String task = assigned.substring("assigned ".length());
            assertThat(client.complete(task, "w-1", "passed").reply()).isEqualTo("completed " + task);
            assertThat(client.complete(task, "w-1", "passed").reply()).startsWith("rejected: ");
            assertThat(client.submit("agree-1", "again").reply()).isEqualTo("duplicate agree-1");
            assertThat(client.acknowledgedTasks()).hasSize(30);

            // Then every node holds the same state at the same index, and the leader reports the writes
            Map<String, NodeStatus> statuses = cluster.awaitConverged();
            assertThat(statuses.values()).extracting(NodeStatus::role).containsOnlyOnce(Role.LEADER);
            assertThat(statuses.get(leader).role()).isEqualTo(Role.LEADER);
            assertThat(statuses.values()).allSatisfy(s -> {
                assertThat(s.database().failed()).isFalse();
                assertThat(s.log().failed()).isFalse();
                assertThat(s.voter()).isTrue();
            });
            Map<String, String> summary = client.summary();
            assertThat(summary).containsEntry("completed", "1").containsEntry("workers", "1");
            assertThat(summary.get("checksum")).isEqualTo(statuses.get(leader).stateChecksum().orElseThrow().value());
        }
    }

    @Test
    void aFollowerKilledAndRestartedCatchesUpWithTheEntriesItMissed() throws Exception {
        // Given a follower killed with SIGKILL
        String leader = cluster.awaitLeader();
        String follower = cluster.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
        cluster.kill(follower);

        // When the others take more tasks, and the follower is started again
        try (CoordinatorClient client = cluster.client()) {
            for (int i = 0; i < 40; i++) {
                assertThat(client.submit("missed-" + i, "suite").acknowledged()).isTrue();
            }
        }
        long started = System.nanoTime();
        cluster.start(follower);

        // Then it catches up to the same checksum at the same index
        Map<String, NodeStatus> statuses = cluster.awaitConverged();
        System.out.printf("MEASURED catch-up of a restarted follower: %d ms (process start to same checksum)%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(statuses).containsKey(follower);
        assertThat(statuses.get(follower).stateChecksum()).isEqualTo(statuses.get(leader).stateChecksum());
    }

    @Test
    void killingTheLeaderElectsANewLeaderInAHigherTerm() throws Exception {
        // Given the leader and its term
        String leader = cluster.awaitLeader();
        long term = cluster.status(leader).term();

        // When the leader is killed with SIGKILL
        long killed = System.nanoTime();
        cluster.kill(leader);

        // Then another node leads in a higher term (the killed one no longer counts), and writes go on
        String next = cluster.awaitLeader();
        System.out.printf("MEASURED new leader after SIGKILL of the leader: %d ms%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
        assertThat(cluster.status(next).term()).isGreaterThan(term);
        try (CoordinatorClient client = cluster.client()) {
            assertThat(client.submit("after-failover", "suite").acknowledged()).isTrue();
        }
    }
}
