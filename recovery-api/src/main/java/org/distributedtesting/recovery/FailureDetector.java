package org.distributedtesting.recovery;

import java.util.List;

/**
 * Finds failures of one kind in a snapshot. A detector is a pure function: it reads the snapshot and the
 * history and nothing else, does no I/O and reads no clock (use {@link ClusterSnapshot#takenAt()}), so it is
 * cheap to run over thousands of nodes and trivial to unit-test.
 *
 * <p>Implementations must be thread-safe; the engine may call them from any thread.
 */
@FunctionalInterface
public interface FailureDetector {

    /**
     * Returns the failures visible in {@code snapshot}, or an empty list.
     *
     * @param snapshot the current cycle's observations
     * @param history  earlier snapshots, oldest first
     */
    List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history);

    /**
     * Failures this detector sees forming in {@code snapshot} but does not report yet, because it reports one only
     * once its signal has lasted (a disk above its threshold in fewer cycles than it must stay there). The engine acts
     * on none of them; they keep {@code runUntilSettled} (the daemon's {@code --once}) from calling the cluster
     * healthy, so that it waits for them to be confirmed and recovered. The engine asks only in a cycle in which no
     * detector reported a failure, so an implementation need not leave out what {@link #detect} reports. None by
     * default. Pure, like {@link #detect}.
     *
     * @param snapshot the current cycle's observations
     * @param history  earlier snapshots, oldest first
     */
    default List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return List.of();
    }
}
