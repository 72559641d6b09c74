package org.distributedtesting.recovery.strategies.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * Drives a simulated cluster by hand, for the faults a {@link org.distributedtesting.recovery.core.sim.Scenario}
 * cannot set up (a bug that needs an invariant exemption first, a node that refuses actions, nodes with
 * alternative addresses): writes at 5 per second, one engine cycle per virtual second, like a scenario.
 */
final class LeadershipFaultDriver implements AutoCloseable {

    private final SimulatedCluster cluster;
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<RecoveryEvent> events = new ArrayList<>();
    private final RecoveryEngine engine;

    LeadershipFaultDriver(SimulatedCluster cluster, List<? extends RecoveryStrategy> strategies,
                          List<NodeSpec> nodes, RecoveryOptions options) {
        this.cluster = cluster;
        this.engine = cluster.engine().nodes(nodes).strategies(strategies).options(options)
                .journal(journal).listener(events::add).build();
    }

    LeadershipFaultDriver(SimulatedCluster cluster, List<? extends RecoveryStrategy> strategies,
                          List<NodeSpec> nodes) {
        this(cluster, strategies, nodes, RecoveryOptions.defaults());
    }

    LeadershipFaultDriver(SimulatedCluster cluster, List<? extends RecoveryStrategy> strategies) {
        this(cluster, strategies, cluster.nodeSpecs());
    }

    /** Waits for a stable leader, then lets the cluster run {@code warmup} with writes and no engine. */
    NodeId start(Duration warmup) {
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        for (long t = 0; t < warmup.toMillis(); t += 200) {
            cluster.write("warmup" + t);
            cluster.advance(Duration.ofMillis(200));
        }
        return cluster.leader().orElse(leader);
    }

    /** One engine cycle now, then one virtual second of writes. */
    CycleReport cycle() {
        CycleReport report = engine.runCycle();
        for (int i = 0; i < 5; i++) {
            cluster.write("v" + cluster.clock().millis());
            cluster.advance(Duration.ofMillis(200));
        }
        return report;
    }

    /** Runs cycles until {@code done} holds for a report, at most {@code max}; returns the cycles run. */
    int cyclesUntil(Predicate<CycleReport> done, int max) {
        for (int i = 1; i <= max; i++) {
            if (done.test(cycle())) {
                return i;
            }
        }
        throw new AssertionError("not done after " + max + " cycles; trace:\n" + describe());
    }

    /** Runs {@code count} cycles. */
    void cycles(int count) {
        for (int i = 0; i < count; i++) {
            cycle();
        }
    }

    List<JournalRecord> journal() {
        return journal.records();
    }

    List<String> actions() {
        return journal.records().stream().map(JournalRecord::action).toList();
    }

    List<RecoveryEvent> events() {
        return List.copyOf(events);
    }

    /** The simulation's trace and the journal's actions, for assertion messages. */
    String describe() {
        return String.join("\n", cluster.trace()) + "\njournal: " + actions();
    }

    @Override
    public void close() {
        engine.close();
    }
}
