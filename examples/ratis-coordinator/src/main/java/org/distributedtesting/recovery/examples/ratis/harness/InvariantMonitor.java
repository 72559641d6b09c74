package org.distributedtesting.recovery.examples.ratis.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;

/**
 * Samples every node of a {@link ClusterHarness} every {@value #PERIOD_MS} ms in the background, directly (past the
 * fault proxies), and records each violation of the safety invariants that must hold whatever faults are injected
 * (as long as no node's Raft log is reset, which starts its term over):
 * <ul>
 *   <li>election safety: no two nodes ever claim leadership of the same term;</li>
 *   <li>terms only grow: no node ever answers with a lower term than it answered before;</li>
 *   <li>state agreement: no two nodes ever report different state checksums at the same applied index (a node
 *       whose database check fails is not sampled: its own check already reports it).</li>
 * </ul>
 *
 * <p>Thread-safe: the sampler thread and readers share the records under this object's lock.
 */
public final class InvariantMonitor implements AutoCloseable {

    /** How often every node is sampled. */
    public static final long PERIOD_MS = 250;

    private final ClusterHarness cluster;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "invariant-monitor");
        thread.setDaemon(true);
        return thread;
    });
    // guarded by this
    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    // guarded by this
    private final Map<String, Long> highestTerm = new HashMap<>();
    // guarded by this
    private final Map<Long, String> checksumAt = new HashMap<>();
    // guarded by this
    private final Map<Long, String> reporterAt = new HashMap<>();
    // guarded by this
    private final List<String> violations = new ArrayList<>();
    // guarded by this
    private long samples;

    private InvariantMonitor(ClusterHarness cluster) {
        this.cluster = cluster;
    }

    /** A monitor that samples nothing: the caller {@link #record records} what it saw (tests of the invariants). */
    static InvariantMonitor fed() {
        return new InvariantMonitor(null);
    }

    /** Starts sampling {@code cluster}. */
    public static InvariantMonitor start(ClusterHarness cluster) {
        InvariantMonitor monitor = new InvariantMonitor(java.util.Objects.requireNonNull(cluster, "cluster"));
        monitor.sampler.scheduleWithFixedDelay(monitor::sample, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
        return monitor;
    }

    private void sample() {
        for (String id : cluster.ids()) {
            cluster.statusIfUp(id).ifPresent(status -> record(id, status));
        }
    }

    /** Checks one answer of node {@code id} against everything recorded before. */
    synchronized void record(String id, NodeStatus status) {
        samples++;
        if (status.role() == Role.LEADER && status.term() >= 0) {
            String before = leaderOfTerm.putIfAbsent(status.term(), id);
            if (before != null && !before.equals(id)) {
                violations.add("'" + before + "' and '" + id + "' both led term " + status.term());
            }
        }
        if (status.term() >= 0) {
            Long before = highestTerm.get(id);
            if (before != null && status.term() < before) {
                violations.add("'" + id + "' answered term " + status.term() + " after term " + before);
            }
            highestTerm.merge(id, status.term(), Math::max);
        }
        Optional<StateChecksum> sum = status.stateChecksum();
        if (sum.isPresent() && !status.database().failed()) {
            String before = checksumAt.putIfAbsent(sum.get().index(), sum.get().value());
            if (before == null) {
                reporterAt.put(sum.get().index(), id);
            } else if (!before.equals(sum.get().value())) {
                violations.add("'" + reporterAt.get(sum.get().index()) + "' reported checksum " + before + " and '" + id
                        + "' " + sum.get().value() + " at applied index " + sum.get().index());
            }
        }
    }

    /** The violations seen so far, each described. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many node answers were sampled. */
    public synchronized long samples() {
        return samples;
    }

    /** Stops sampling; waits for a sample in progress. */
    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
    }
}
