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
 * verified, and afterwards one leader, equal checksums at the same applied index on every node, and the writer's
 * history on every node ({@link HistoryChecker}: every acknowledged task once, no task never submitted, every
 * unknown one on all nodes or none).
 */
abstract class RecoveryItSupport {

    /** Bound for the daemon to detect and verify a recovery. */
    static final Duration RECOVERY = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    ClusterHarness cluster;
    TaskWriter writer;

    /** Starts the cluster, the daemon and the writer, and waits until writes are accepted. */
    ClusterHarness start(UnaryOperator<ClusterHarnessBuilder> tuning) throws IOException {
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
        HistoryCheck history = cluster.checkHistory(writer);
        System.out.println("HISTORY " + history);
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
