package org.distributedtesting.recovery.strategies.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * Drives a simulated cluster and an engine by hand, as {@code Scenario} does (five writes a second, one engine
 * cycle a virtual second), for tests that must act between cycles: heal at a chosen moment, inject again.
 *
 * <p>Not thread-safe; one test uses one driver.
 */
final class PerfSimDriver implements AutoCloseable {

    private static final Duration WRITE_EVERY = Duration.ofMillis(200);

    final SimulatedCluster cluster;
    final InMemoryJournal journal = new InMemoryJournal();
    final List<RecoveryEvent> events = new ArrayList<>();
    final NodeId leader;
    private final RecoveryEngine engine;

    PerfSimDriver(int nodes, long seed, RecoveryOptions options, List<? extends RecoveryStrategy> strategies) {
        cluster = SimulatedCluster.builder().nodes(nodes).seed(seed).build();
        engine = cluster.engine().strategies(strategies).options(options).journal(journal).listener(events::add)
                .build();
        leader = cluster.awaitLeader(Duration.ofSeconds(30))
                .orElseThrow(() -> new IllegalStateException("no leader within 30 s"));
    }

    /** A follower, never the leader: the {@code index}-th of them. */
    NodeId follower(int index) {
        return cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList().get(index);
    }

    /** One virtual second of writes, then one engine cycle. */
    CycleReport cycle() {
        for (int i = 0; i < 5; i++) {
            cluster.write("v" + cluster.clock().millis());
            cluster.advance(WRITE_EVERY);
        }
        return engine.runCycle();
    }

    /** Runs {@code count} cycles. */
    void cycles(int count) {
        for (int i = 0; i < count; i++) {
            cycle();
        }
    }

    /**
     * Runs cycles until {@code done} holds for a cycle's report, at most {@code max} cycles.
     *
     * @return the number of cycles run
     * @throws AssertionError if {@code done} never held
     */
    int cyclesUntil(Predicate<CycleReport> done, int max) {
        for (int i = 1; i <= max; i++) {
            if (done.test(cycle())) {
                return i;
            }
        }
        throw new AssertionError("condition not reached within " + max + " cycles; journal actions: " + actions());
    }

    /** The journal's action names, in order. */
    List<String> actions() {
        return journal.records().stream().map(JournalRecord::action).toList();
    }

    /** The journal records of one action. */
    List<JournalRecord> records(String action) {
        return journal.records(action);
    }

    /** The nodes the engine holds in quarantine. */
    java.util.Set<NodeId> quarantined() {
        return engine.quarantined();
    }

    @Override
    public void close() {
        engine.close();
    }
}
