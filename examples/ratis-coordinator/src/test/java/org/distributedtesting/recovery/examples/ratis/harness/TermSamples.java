package org.distributedtesting.recovery.examples.ratis.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples every node's Raft term every 200 ms in the background and records each time a node answers with a lower
 * term than it answered before: Raft never lowers a term, and a recovery must not either.
 *
 * <p>Thread-safe: the sampler thread and the test share the lists under this object's lock.
 */
final class TermSamples implements AutoCloseable {

    private final ClusterHarness cluster;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "term-samples");
        thread.setDaemon(true);
        return thread;
    });
    // guarded by this
    private final Map<String, Long> highest = new HashMap<>();
    // guarded by this
    private final List<String> lowered = new ArrayList<>();
    // guarded by this
    private int samples;

    private TermSamples(ClusterHarness cluster) {
        this.cluster = cluster;
    }

    static TermSamples start(ClusterHarness cluster) {
        TermSamples samples = new TermSamples(cluster);
        samples.sampler.scheduleWithFixedDelay(samples::sample, 0, 200, TimeUnit.MILLISECONDS);
        return samples;
    }

    private void sample() {
        for (String id : cluster.ids()) {
            cluster.statusIfUp(id).ifPresent(status -> record(id, status.term()));
        }
    }

    private synchronized void record(String id, long term) {
        samples++;
        Long before = highest.get(id);
        if (before != null && term < before) {
            lowered.add("'" + id + "' answered term " + term + " after " + before);
        }
        highest.merge(id, term, Math::max);
    }

    /** Every time a node's term went down, described. */
    synchronized List<String> lowered() {
        return List.copyOf(lowered);
    }

    /** How many answers were sampled. */
    synchronized int samples() {
        return samples;
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
    }
}
