package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * Times the detector pass alone: every strategy's detector over one large snapshot with a full history, as the
 * engine runs them once per cycle, without probing.
 *
 * <p>Not thread-safe; one measurement at a time.
 */
final class DetectorPass {

    /**
     * What the detector-only measurement saw.
     *
     * @param nodes    nodes in the snapshot
     * @param history  earlier snapshots handed to the detectors
     * @param times    wall time of each measured pass
     * @param failures failures every pass found
     */
    record Result(int nodes, int history, List<Duration> times, int failures) {
        Result {
            times = List.copyOf(times);
        }

        Stats stats() {
            return Stats.of(times);
        }
    }

    private DetectorPass() {
    }

    /**
     * Runs {@code warmup} unmeasured and then {@code runs} measured passes.
     *
     * @throws IllegalStateException if two passes found different numbers of failures (a detector that is not
     *                               pure)
     */
    static Result measure(List<RecoveryStrategy> strategies, SimulatedNodes cluster, int warmup, int runs) {
        DetectorWorkload workload = DetectorWorkload.of(cluster);
        ClusterHistory history = workload.history();
        ClusterSnapshot now = workload.now();
        int expected = pass(strategies, now, history);
        for (int i = 0; i < warmup; i++) {
            check(expected, pass(strategies, now, history));
        }
        List<Duration> times = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            int found = pass(strategies, now, history);
            times.add(Duration.ofNanos(System.nanoTime() - t0));
            check(expected, found);
        }
        return new Result(now.nodes().size(), history.size(), times, expected);
    }

    private static int pass(List<RecoveryStrategy> strategies, ClusterSnapshot now, ClusterHistory history) {
        int found = 0;
        for (RecoveryStrategy strategy : strategies) {
            found += strategy.detector().detect(now, history).size();
        }
        return found;
    }

    // using the count also keeps the JIT from dropping a pass whose result is unused
    private static void check(int expected, int found) {
        if (found != expected) {
            throw new IllegalStateException("detectors found " + found + " failures in a pass over the same snapshot"
                    + " that gave " + expected + " before; a detector is not pure");
        }
    }
}
