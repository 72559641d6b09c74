package org.distributedtesting.recovery;

import java.util.List;
import java.util.Optional;

/**
 * The snapshots of earlier cycles, oldest first, bounded by the engine's history size. Detectors use it for
 * trends (growing lag, resource growth, term growth) and persistence.
 *
 * <p>Immutable and thread-safe.
 *
 * @param snapshots earlier snapshots, oldest first; the current snapshot is not included
 */
public record ClusterHistory(List<ClusterSnapshot> snapshots) {

    /** No earlier cycles. */
    public static final ClusterHistory EMPTY = new ClusterHistory(List.of());

    /** Copies the list. */
    public ClusterHistory {
        snapshots = List.copyOf(snapshots);
    }

    /** Number of earlier snapshots held. */
    public int size() {
        return snapshots.size();
    }

    /** The snapshot {@code cyclesAgo} cycles before the current one (1 = the previous cycle). */
    public Optional<ClusterSnapshot> ago(int cyclesAgo) {
        if (cyclesAgo < 1 || cyclesAgo > snapshots.size()) {
            return Optional.empty();
        }
        return Optional.of(snapshots.get(snapshots.size() - cyclesAgo));
    }

    /** The most recent {@code count} snapshots (fewer if the history is shorter), oldest first. */
    public List<ClusterSnapshot> latest(int count) {
        int from = Math.max(0, snapshots.size() - count);
        return snapshots.subList(from, snapshots.size());
    }
}
