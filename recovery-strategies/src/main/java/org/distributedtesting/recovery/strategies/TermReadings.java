package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;

/**
 * What the term-divergence detector reads from snapshots: the terms of the reachable voters, how many elections a
 * node started on its own over a window of cycles, how long a node has lagged and whether its peers reach it.
 * Pure functions of observations.
 *
 * <p>Stateless and thread-safe.
 */
final class TermReadings {

    private TermReadings() {
    }

    /** The status of each reachable voter that reports a term, in configuration order. */
    static Map<NodeId, NodeStatus> voterTerms(ClusterSnapshot snapshot) {
        Map<NodeId, NodeStatus> terms = new LinkedHashMap<>();
        for (NodeId node : snapshot.reachable()) {
            NodeStatus status = snapshot.status(node).orElseThrow();
            if (status.voter() && status.term() >= 0) {
                terms.put(node, status);
            }
        }
        return terms;
    }

    /** The status of {@code node} if it is a reachable voter that reports a term. */
    static Optional<NodeStatus> voterTerm(ClusterSnapshot snapshot, NodeId node) {
        if (!snapshot.contains(node)) {
            return Optional.empty();
        }
        return snapshot.status(node).filter(s -> s.voter() && s.term() >= 0);
    }

    /** The highest term among the reachable voters, or -1. */
    static long maxTerm(ClusterSnapshot snapshot) {
        return snapshot.highestTerm();
    }

    /**
     * The highest term that a majority of the voters vouch for: at least a quorum of them (counted over every voter,
     * reachable or not) report that term or a higher one; -1 when fewer than a quorum report a term. A term that only
     * a minority reports is never a target: one node cut off while it campaigned, or one broken node, can make its
     * own term anything, and what one node says can make it the patient, never the model.
     */
    static long majorityTerm(ClusterSnapshot snapshot) {
        long[] terms = new long[snapshot.reachable().size()];
        int count = 0;
        for (NodeId node : snapshot.reachable()) {
            NodeStatus status = snapshot.status(node).orElseThrow();
            if (status.voter() && status.term() >= 0) {
                terms[count++] = status.term();
            }
        }
        int quorum = snapshot.quorum();
        if (count < quorum) {
            return -1;
        }
        Arrays.sort(terms, 0, count);
        return terms[count - quorum]; // the quorum-th highest
    }

    /**
     * The {@linkplain #majorityTerm majority's term} of {@code now} and of each of the {@code cycles} snapshots
     * before it, indexed by cycles ago; {@link #NO_SNAPSHOT} where the history is shorter. Computed once per pass, so
     * that asking {@link #laggedFor} of every voter stays linear.
     */
    static long[] majorityTerms(ClusterSnapshot now, ClusterHistory history, int cycles) {
        long[] targets = new long[cycles + 1];
        for (int ago = 0; ago <= cycles; ago++) {
            targets[ago] = at(now, history, ago).map(TermReadings::majorityTerm).orElse(NO_SNAPSHOT);
        }
        return targets;
    }

    /** In {@link #majorityTerms}: no snapshot that many cycles back. */
    static final long NO_SNAPSHOT = Long.MIN_VALUE;

    /**
     * Whether every voter that reported a term in the last {@code window} cycles up to {@code now} reported one and
     * the same term: then no node's term rose, so none of its {@linkplain #ownRises rises} is above 0, and the
     * per-node history need not be read. Costs one look at each snapshot's term range.
     */
    static boolean termsSteady(ClusterSnapshot now, ClusterHistory history, int window) {
        long term = -1;
        List<ClusterSnapshot> snapshots = history.latest(window);
        for (int i = 0; i <= snapshots.size(); i++) {
            ClusterSnapshot snapshot = i < snapshots.size() ? snapshots.get(i) : now;
            if (snapshot.highestTerm() < 0) {
                continue; // no voter reported a term: no reading of any node
            }
            if (snapshot.lowestTerm() != snapshot.highestTerm() || term >= 0 && snapshot.highestTerm() != term) {
                return false;
            }
            term = snapshot.highestTerm();
        }
        return true;
    }

    /** Highest minus lowest term among the reachable voters, 0 with fewer than two. */
    static long spread(ClusterSnapshot snapshot) {
        return snapshot.highestTerm() < 0 ? 0 : snapshot.highestTerm() - snapshot.lowestTerm();
    }

    /** Each reachable voter's term, by node name, for evidence. */
    static Map<String, Object> termsEvidence(ClusterSnapshot snapshot) {
        Map<String, Object> terms = new LinkedHashMap<>();
        voterTerms(snapshot).forEach((node, status) -> terms.put(node.value(), status.term()));
        return terms;
    }

    /** The snapshot {@code cyclesAgo} cycles back, 0 being {@code now}. */
    static Optional<ClusterSnapshot> at(ClusterSnapshot now, ClusterHistory history, int cyclesAgo) {
        return cyclesAgo == 0 ? Optional.of(now) : history.ago(cyclesAgo);
    }

    /**
     * The term rises of {@code node} that came from elections it started itself, between consecutive snapshots
     * in which it reported, over the last {@code window} cycles; oldest first. A rise without an election of its own
     * (it followed a higher term, or was raised) counts 0. When the node does not report its elections, every rise
     * counts.
     */
    static List<Long> ownRises(NodeId node, ClusterSnapshot now, ClusterHistory history, int window) {
        List<ClusterSnapshot> snapshots = new ArrayList<>(history.latest(window));
        snapshots.add(now);
        List<Long> rises = new ArrayList<>();
        NodeStatus previous = null;
        for (ClusterSnapshot snapshot : snapshots) {
            NodeStatus status = voterTerm(snapshot, node).orElse(null);
            if (status == null) {
                continue;
            }
            if (previous != null) {
                rises.add(ownRise(previous, status));
            }
            previous = status;
        }
        return rises;
    }

    private static long ownRise(NodeStatus before, NodeStatus after) {
        long termRise = Math.max(0, after.term() - before.term());
        if (before.electionsStarted() < 0 || after.electionsStarted() < 0) {
            return termRise;
        }
        long elections = after.electionsStarted() - before.electionsStarted();
        if (elections < 0) {
            elections = after.electionsStarted(); // the counter restarted with the process
        }
        return Math.min(termRise, elections);
    }

    /**
     * Whether {@code node} has been more than {@code maxSpread} terms below the {@linkplain #majorityTerm majority's
     * term} in the current snapshot and in each of the cycles before it that {@code targets} covers (as
     * {@link #majorityTerms} computed them).
     */
    static boolean laggedFor(NodeId node, ClusterSnapshot now, ClusterHistory history, long[] targets,
                             long maxSpread) {
        for (int ago = 0; ago < targets.length; ago++) {
            long target = targets[ago];
            if (target == NO_SNAPSHOT || target < 0) {
                return false;
            }
            NodeStatus status = voterTerm(at(now, history, ago).orElseThrow(), node).orElse(null);
            if (status == null || target - status.term() <= maxSpread) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether enough peers reach {@code node} for it to take part in a majority: the reachable voters that report
     * on it and say they reach it, plus the node itself, make a quorum. When no peer reports on it, whether it
     * follows a reachable leader of its own term. {@code voterTerms} are the snapshot's, as {@link #voterTerms}
     * reads them once per pass.
     */
    static boolean peersReach(NodeId node, ClusterSnapshot snapshot, Map<NodeId, NodeStatus> voterTerms) {
        NodeStatus own = voterTerm(snapshot, node).orElse(null);
        if (own == null) {
            return false;
        }
        int reporters = 0;
        int reaching = 0;
        for (Map.Entry<NodeId, NodeStatus> peer : voterTerms.entrySet()) {
            Boolean reaches = peer.getKey().equals(node) ? null : peer.getValue().peerReachability().get(node);
            if (reaches != null) {
                reporters++;
                reaching += reaches ? 1 : 0;
            }
        }
        if (reporters > 0) {
            return reaching + 1 >= snapshot.quorum();
        }
        return own.leader().flatMap(leader -> voterTerm(snapshot, leader))
                .map(leader -> leader.isLeader() && leader.term() == own.term()).orElse(false);
    }
}
