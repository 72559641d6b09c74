package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link DeadlockStrategy}: reachable nodes whose term is not behind the highest and that show any
 * of {@code old_operations}, {@code apply_stalled} or {@code queue_growing} over the last {@code stall_cycles}
 * cycles, and reachable nodes that have answered without a consensus role for {@code max_not_serving}
 * ({@code not_serving}, whatever their term). Unreachable nodes are the partition detector's.
 *
 * <p>Immutable and thread-safe.
 */
final class DeadlockDetector implements FailureDetector {

    private final Duration maxOperationAge;
    private final int stallCycles;
    private final Duration maxNotServing;

    DeadlockDetector(DeadlockSettings settings) {
        this.maxOperationAge = settings.maxOperationAge();
        this.stallCycles = settings.stallCycles();
        this.maxNotServing = settings.maxNotServing();
    }

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<ClusterSnapshot> window = new ArrayList<>(history.latest(stallCycles));
        window.add(snapshot);
        long highestTerm = snapshot.observations().values().stream().flatMap(o -> o.reported().stream())
                .mapToLong(NodeStatus::term).max().orElse(-1);
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (!(observation instanceof NodeObservation.Reachable reachable)) {
                continue;
            }
            NodeId node = reachable.node();
            NodeStatus status = reachable.status();
            Duration notServing = notServingFor(snapshot, history, node);
            if (notServing.compareTo(maxNotServing) >= 0) {
                failures.add(notServing(node, status, notServing));
                continue;
            }
            if (status.term() < highestTerm) {
                continue;
            }
            BlockedOperations old = blockedOperations(status, snapshot.takenAt());
            boolean stalled = applyStalled(window, node);
            boolean queueGrowing = queueGrowing(window, node);
            if (old.isEmpty() && !stalled && !queueGrowing) {
                continue;
            }
            failures.add(failure(snapshot, window, node, status, old, stalled, queueGrowing));
        }
        return failures;
    }

    /**
     * What this detector will report if it lasts: a reachable node answering without a consensus role for less
     * than {@code max_not_serving}, and one whose applied index stood still over the last cycle while its commit
     * index moved past it (not yet over {@code stall_cycles}).
     */
    @Override
    public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        ClusterSnapshot previous = history.latest(1).stream().findFirst().orElse(null);
        List<Failure> forming = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            NodeId node = observation.node();
            NodeStatus status = observation.reported().orElse(null);
            if (!(observation instanceof NodeObservation.Reachable) || status == null) {
                continue;
            }
            NodeStatus before = previous == null ? null : statusAt(previous, node);
            String why;
            if (status.role() == Role.UNKNOWN) {
                why = "answers without a consensus role (role unknown), not yet for " + maxNotServing.toSeconds()
                        + " s (max_not_serving)";
            } else if (before != null && status.appliedIndex() >= 0 && status.appliedIndex() == before.appliedIndex()
                    && status.commitIndex() > before.commitIndex() && status.commitIndex() > status.appliedIndex()) {
                why = "applied index " + status.appliedIndex() + " stands still while commit index moved to "
                        + status.commitIndex() + ", not yet for " + stallCycles + " cycles (stall_cycles)";
            } else {
                continue;
            }
            forming.add(Failure.of(FailureType.DEADLOCK, List.of(node), Severity.MEDIUM, "'" + node + "' " + why,
                    Map.of("signals", List.of("forming"))));
        }
        return forming;
    }

    /** The node's operations in flight longer than {@code max_operation_age} at {@code at}. */
    BlockedOperations blockedOperations(NodeStatus status, Instant at) {
        return BlockedOperations.of(status, at, maxOperationAge);
    }

    private Failure failure(ClusterSnapshot snapshot, List<ClusterSnapshot> window, NodeId node, NodeStatus status,
                            BlockedOperations old, boolean stalled, boolean queueGrowing) {
        List<String> signals = new ArrayList<>();
        Map<String, Object> evidence = new LinkedHashMap<>();
        if (!old.isEmpty()) {
            signals.add("old_operations");
            evidence.put("old_operations", firstIds(old.blocked()));
            evidence.put("old_operation_count", old.blocked().size());
            evidence.put("cancellable_operations", firstIds(old.cancellable()));
            evidence.put("oldest_operation_age_s", status.operations().stream()
                    .mapToLong(o -> o.age(snapshot.takenAt()).toSeconds()).max().orElse(0));
            evidence.put("max_operation_age_s", maxOperationAge.toSeconds());
        }
        if (stalled) {
            signals.add("apply_stalled");
            evidence.put("stalled_cycles", stallCycles);
            evidence.put("commit_index_before", statusAt(window.get(0), node).commitIndex());
        }
        if (queueGrowing) {
            signals.add("queue_growing");
            evidence.put("queue_depth_before", statusAt(window.get(0), node).queueDepth());
        }
        evidence.put("signals", List.copyOf(signals));
        evidence.put("applied_index", status.appliedIndex());
        evidence.put("commit_index", status.commitIndex());
        evidence.put("queue_depth", status.queueDepth());
        evidence.put("role", status.role().name().toLowerCase(Locale.ROOT));
        String summary = "'" + node + "' answers but is stuck: " + String.join(", ", signals)
                + " (applied " + status.appliedIndex() + ", committed " + status.commitIndex() + ", queue "
                + status.queueDepth() + (old.isEmpty() ? "" : ", " + old.describe(maxOperationAge)) + ")";
        return Failure.of(FailureType.DEADLOCK, List.of(node), status.isLeader() ? Severity.HIGH : Severity.MEDIUM,
                summary, evidence);
    }

    /**
     * How long the node has answered without a consensus role: from the oldest snapshot of the run of snapshots,
     * ending with this one, in which it answered with role unknown; zero when it serves now.
     */
    private static Duration notServingFor(ClusterSnapshot snapshot, ClusterHistory history, NodeId node) {
        NodeStatus now = statusAt(snapshot, node);
        if (now == null || now.role() != Role.UNKNOWN) {
            return Duration.ZERO;
        }
        Instant since = snapshot.takenAt();
        List<ClusterSnapshot> earlier = history.snapshots();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            NodeStatus then = statusAt(earlier.get(i), node);
            if (then == null || then.role() != Role.UNKNOWN) {
                break;
            }
            since = earlier.get(i).takenAt();
        }
        return Duration.between(since, snapshot.takenAt());
    }

    private Failure notServing(NodeId node, NodeStatus status, Duration notServing) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signals", List.of(DeadlockStrategy.NOT_SERVING));
        evidence.put("not_serving_s", notServing.toSeconds());
        evidence.put("max_not_serving_s", maxNotServing.toSeconds());
        evidence.put("role", status.role().name().toLowerCase(Locale.ROOT));
        evidence.put("term", status.term());
        String summary = "'" + node + "' answers but has served no consensus role (role unknown) for "
                + notServing.toSeconds() + " s";
        return Failure.of(FailureType.DEADLOCK, List.of(node), Severity.MEDIUM, summary, evidence);
    }

    /** The ids of the first 20 operations, which is evidence enough. */
    private static List<String> firstIds(List<Operation> operations) {
        List<String> ids = BlockedOperations.ids(operations);
        return ids.size() > 20 ? ids.subList(0, 20) : ids;
    }

    /** Applied index unchanged over the whole window while the commit index moved past it. */
    private boolean applyStalled(List<ClusterSnapshot> window, NodeId node) {
        if (window.size() < stallCycles + 1) {
            return false;
        }
        NodeStatus last = statusAt(window.get(window.size() - 1), node);
        if (last == null || last.appliedIndex() < 0 || last.commitIndex() <= last.appliedIndex()) {
            return false; // nothing committed waits to be applied now: the history need not be read
        }
        NodeStatus first = statusAt(window.get(0), node);
        if (first == null || last.commitIndex() <= first.commitIndex()) {
            return false;
        }
        return appliedUnchanged(window, node, last.appliedIndex());
    }

    /** Queue depth known and strictly growing over the whole window while nothing was applied. */
    private boolean queueGrowing(List<ClusterSnapshot> window, NodeId node) {
        if (window.size() < stallCycles + 1) {
            return false;
        }
        NodeStatus now = statusAt(window.get(window.size() - 1), node);
        if (now == null || now.queueDepth() < window.size() - 1L) {
            return false; // a depth that grew from 0 or more in every cycle is at least this now
        }
        long previous = -1;
        for (ClusterSnapshot s : window) {
            NodeStatus status = statusAt(s, node);
            if (status == null || status.queueDepth() < 0 || status.queueDepth() <= previous) {
                return false;
            }
            previous = status.queueDepth();
        }
        NodeStatus last = statusAt(window.get(window.size() - 1), node);
        return last.appliedIndex() >= 0 && appliedUnchanged(window, node, last.appliedIndex());
    }

    private static boolean appliedUnchanged(List<ClusterSnapshot> window, NodeId node, long applied) {
        for (ClusterSnapshot s : window) {
            NodeStatus status = statusAt(s, node);
            if (status == null || status.appliedIndex() != applied) {
                return false;
            }
        }
        return true;
    }

    private static NodeStatus statusAt(ClusterSnapshot snapshot, NodeId node) {
        NodeObservation observation = snapshot.observations().get(node);
        return observation == null ? null : observation.reported().orElse(null);
    }
}
