package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every daemon-against-the-real-cluster test shares: a fresh 3-node cluster with the daemon at a 1 s interval
 * and a writer, and the end of every test: the journal shows the expected failure detected and its recovery
 * verified, and afterwards one leader, equal checksums at the same applied index on every node, and every accepted
 * task on every node.
 */
abstract class RecoveryItSupport {

    /** Bound for the daemon to detect and verify a recovery. */
    static final Duration RECOVERY = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    ClusterHarness cluster;
    TaskWriter writer;

    /** Starts the cluster, the daemon and the writer, and waits until writes are accepted. */
    ClusterHarness start(UnaryOperator<ClusterHarness.Builder> tuning) throws IOException {
        cluster = tuning.apply(ClusterHarness.builder().root(dir)).build().start();
        writer = cluster.startWriter("task");
        writer.awaitMoreAccepted(20, ClusterHarness.WAIT);
        return cluster;
    }

    /**
     * Waits for the daemon to detect and recover {@code injection}, lets more writes be accepted, stops the writer
     * and checks the cluster.
     */
    RecoveryTimes assertRecovered(Injection injection) {
        RecoveryTimes times = cluster.awaitRecovery(injection, RECOVERY);
        System.out.println("RECOVERED " + times);
        writer.awaitMoreAccepted(10, ClusterHarness.WAIT);
        writer.close();
        Set<String> accepted = writer.accepted();
        ClusterState state = cluster.awaitConsistent(accepted, ClusterHarness.WAIT);
        System.out.println("CONSISTENT " + state + " after " + writer);
        Set<String> submitted = new java.util.HashSet<>();
        writer.writes().forEach(w -> submitted.add(w.taskId()));
        try {
            Set<String> unexpected = new java.util.TreeSet<>(ClusterState.taskIds(
                    cluster.dataDir(state.leader()).databaseFile()));
            unexpected.removeAll(submitted);
            System.out.println("TASKS NOT SUBMITTED BY THE WRITER: " + unexpected.size() + " "
                    + unexpected.stream().limit(20).toList());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(times.detected().failure()).isEqualTo(injection.expected().name());
        assertThat(times.verified().nodes()).contains(injection.node());
        assertThat(state.tasks().values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(accepted.size()));
        assertThat(accepted).hasSizeGreaterThan(30);
        return times;
    }

    /** The journal's actions about {@code failure} on {@code node}, in order. */
    List<String> actionsAbout(String failure, String node) {
        return cluster.journal().stream().filter(e -> e.isAbout(failure, node)).map(JournalEntry::action).toList();
    }

    /**
     * The history check, after {@link #assertRecovered}: every node holds every write the writer had acknowledged,
     * and no write the writer never submitted.
     */
    void assertHistory() throws java.sql.SQLException {
        Set<String> submitted = new java.util.HashSet<>();
        writer.writes().forEach(w -> submitted.add(w.taskId()));
        for (String id : cluster.ids()) {
            Set<String> present = ClusterState.taskIds(cluster.dataDir(id).databaseFile());
            assertThat(present).as("tasks on '%s'", id).containsAll(writer.accepted());
            assertThat(submitted).as("tasks on '%s' that were never submitted", id).containsAll(present);
        }
    }

    /** Whether the journal shows {@code action} carried out ({@code outcome: done}) on {@code node}. */
    boolean actionDone(String action, String node) {
        return JournalEntry.actionDone(cluster.journal(), action, node);
    }

    @AfterEach
    void stopEverything() {
        if (cluster != null) {
            cluster.printDiagnostics(System.out);
            cluster.close();
        }
    }
}
