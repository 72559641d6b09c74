package org.distributedtesting.recovery.strategies;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;

/**
 * Who leads according to whom, read from one snapshot: how many voters follow a leader, and which leader (if any)
 * a majority of the voters follows. Shared by the split-brain and partition strategies, which both have to keep the
 * leader a majority follows and fence the others.
 *
 * <p>Stateless and thread-safe.
 */
final class Leadership {

    private Leadership() {
    }

    /**
     * The voters that follow {@code leader}: reachable voters that name it as their leader, in its term when it is
     * reachable and claims leadership, plus the leader itself when it claims leadership and votes.
     */
    static Set<NodeId> supporters(ClusterSnapshot snapshot, NodeId leader) {
        long term = claimedTerm(snapshot, leader);
        Set<NodeId> supporters = new LinkedHashSet<>();
        for (NodeObservation o : snapshot.observations().values()) {
            if (supports(o, leader, term)) {
                supporters.add(o.node());
            }
        }
        return supporters;
    }

    /** How many {@linkplain #supporters supporters} {@code leader} has, counted without collecting them. */
    static int supportCount(ClusterSnapshot snapshot, NodeId leader) {
        long term = claimedTerm(snapshot, leader);
        int count = 0;
        for (NodeObservation o : snapshot.observations().values()) {
            count += supports(o, leader, term) ? 1 : 0;
        }
        return count;
    }

    /** The term {@code leader} claims leadership in, or -1 when it does not answer as a leader. */
    private static long claimedTerm(ClusterSnapshot snapshot, NodeId leader) {
        return snapshot.status(leader).filter(NodeStatus::isLeader).map(NodeStatus::term).orElse(-1L);
    }

    /** Whether the node observed votes and follows {@code leader} in {@code term} (any term when -1), or is it. */
    private static boolean supports(NodeObservation o, NodeId leader, long term) {
        NodeStatus status = o.reported().orElse(null);
        if (status == null || !status.voter()) {
            return false;
        }
        boolean self = o.node().equals(leader) && status.isLeader();
        Optional<NodeId> named = status.leader();
        boolean follows = named.isPresent() && named.get().equals(leader) && (term < 0 || status.term() == term);
        return self || follows;
    }

    /** The number of supporters of every reachable node that claims leadership, in configuration order. */
    static Map<NodeId, Integer> supportOfClaimedLeaders(ClusterSnapshot snapshot) {
        Map<NodeId, Integer> support = new LinkedHashMap<>();
        for (NodeId leader : snapshot.leaders()) {
            support.put(leader, supportCount(snapshot, leader));
        }
        return support;
    }

    /**
     * The leader a majority of the snapshot's voters follows, whether or not the monitor reaches it; when several
     * qualify (possible only in a broken cluster), the one with the highest term. Empty when no leader has a
     * majority.
     */
    static Optional<NodeId> majorityLeader(ClusterSnapshot snapshot) {
        Set<NodeId> named = new LinkedHashSet<>(snapshot.leaders());
        for (NodeObservation o : snapshot.observations().values()) {
            o.reported().flatMap(NodeStatus::leader).ifPresent(named::add);
        }
        int quorum = snapshot.quorum();
        return named.stream()
                .filter(snapshot::contains)
                .filter(candidate -> supportCount(snapshot, candidate) >= quorum)
                .max(Comparator.comparingLong((NodeId candidate) -> termOf(snapshot, candidate))
                        .thenComparing(candidate -> supportCount(snapshot, candidate))
                        .thenComparing(Comparator.reverseOrder()));
    }

    /**
     * The claimed leader to keep: the one with the highest term among the reachable claimed leaders that a
     * majority of the voters follows, provided no other claimed leader shares that term. Two leaders of one term
     * cannot be told apart by their term (one of them was never elected, and their logs may disagree within it),
     * so then there is none to keep. Empty when none qualifies.
     */
    static Optional<NodeId> leaderToKeep(ClusterSnapshot snapshot) {
        int quorum = snapshot.quorum();
        Optional<NodeId> best = snapshot.leaders().stream()
                .filter(leader -> supportCount(snapshot, leader) >= quorum)
                .max(Comparator.comparingLong((NodeId leader) -> termOf(snapshot, leader))
                        .thenComparing(leader -> supportCount(snapshot, leader))
                        .thenComparing(Comparator.reverseOrder()));
        if (best.isEmpty()) {
            return best;
        }
        long term = termOf(snapshot, best.get());
        boolean shared = snapshot.leaders().stream()
                .anyMatch(other -> !other.equals(best.get()) && termOf(snapshot, other) == term);
        return shared ? Optional.empty() : best;
    }

    /**
     * Why {@link #leaderToKeep} found none, as the records say it: either no claimed leader is followed by a majority,
     * or one is but another claimed leader shares its term.
     */
    static String whyNoneToKeep(ClusterSnapshot snapshot) {
        int quorum = snapshot.quorum();
        Optional<NodeId> followed = snapshot.leaders().stream()
                .filter(leader -> supportCount(snapshot, leader) >= quorum)
                .max(Comparator.comparingLong((NodeId leader) -> termOf(snapshot, leader)));
        String support = " (" + quorum + " of " + snapshot.voters().size() + " voters make a majority; followers "
                + supportOfClaimedLeaders(snapshot) + ")";
        if (followed.isEmpty()) {
            return "no claimed leader is followed by a majority" + support;
        }
        long term = termOf(snapshot, followed.get());
        List<NodeId> sharing = snapshot.leaders().stream()
                .filter(other -> !other.equals(followed.get()) && termOf(snapshot, other) == term).toList();
        return "'" + followed.get() + "' is followed by a majority, but " + NodeNames.quoted(sharing)
                + " claim" + (sharing.size() == 1 ? "s" : "") + " the same term " + term + ": two leaders of one term"
                + " cannot be told apart, so none is kept" + support;
    }

    /**
     * The term of a leader: its own when it answered, else the highest term its followers report; {@code -1} when
     * unknown.
     */
    static long termOf(ClusterSnapshot snapshot, NodeId leader) {
        Optional<NodeStatus> own = snapshot.status(leader);
        if (own.isPresent() && own.get().term() >= 0) {
            return own.get().term();
        }
        return snapshot.observations().values().stream()
                .flatMap(o -> o.reported().stream())
                .filter(s -> s.leader().filter(leader::equals).isPresent())
                .mapToLong(NodeStatus::term).max().orElse(-1);
    }
}
