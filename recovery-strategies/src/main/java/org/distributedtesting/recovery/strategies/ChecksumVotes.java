package org.distributedtesting.recovery.strategies;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.StateChecksum;

/**
 * The state checksums the voters reported at one applied index, and the one a majority of the voters agrees on.
 * Checksums are only ever compared at the same index.
 *
 * <p>The subject node counts with its current report only: its history may still hold checksums it reported
 * before a recovery replaced its state. Every other voter counts with its current report when it is at the index,
 * else with its latest report at that index in the history; a voter whose current report is below the index has
 * not got there yet and does not count.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subject       the node whose current checksum is judged
 * @param index         the subject's current checksum index
 * @param value         the subject's current checksum
 * @param byVoter       each voter's checksum at the index, in configuration order
 * @param quorum        votes needed for a majority of the voters
 * @param authoritative the checksum at least {@code quorum} voters report, if any
 */
record ChecksumVotes(NodeId subject, long index, String value, Map<NodeId, String> byVoter, int quorum,
                     Optional<String> authoritative) {

    ChecksumVotes {
        // votes tallied once for a snapshot and an index are shared by every subject at that index, not copied
        byVoter = byVoter instanceof Tallied ? byVoter : new Tallied(byVoter);
    }

    /** The votes at the subject's current checksum index, if it is reachable and reports a checksum. */
    static Optional<ChecksumVotes> of(NodeId subject, ClusterSnapshot now, ClusterHistory history) {
        return of(subject, now, history, new Tally());
    }

    /** As {@link #of(NodeId, ClusterSnapshot, ClusterHistory)}, with the votes tallied once per pass in {@code tally}. */
    static Optional<ChecksumVotes> of(NodeId subject, ClusterSnapshot now, ClusterHistory history, Tally tally) {
        Optional<StateChecksum> own = now.status(subject).flatMap(NodeStatus::stateChecksum);
        if (own.isEmpty()) {
            return Optional.empty();
        }
        long index = own.get().index();
        // the subject's own vote is its current report, which is what reportAt reads for it at its current index:
        // every subject at this index in this snapshot is judged by the same votes
        Tally.Votes votes = tally.at(now, history, index);
        return Optional.of(new ChecksumVotes(subject, index, own.get().value(), votes.byVoter(), now.quorum(),
                votes.authoritative()));
    }

    /**
     * The votes of one detector pass, tallied once per snapshot and checksum index: judging every node separately
     * would read every voter's report once per node, quadratic in the nodes (a second per cycle at 1,000 nodes).
     * Not thread-safe; one per pass.
     */
    static final class Tally {

        record Votes(Tallied byVoter, Optional<String> authoritative) {
        }

        private final Map<ClusterSnapshot, Map<Long, Votes>> bySnapshot = new IdentityHashMap<>();

        /** The voters' reports at {@code index} as of {@code now}, with {@code history} the snapshots before it. */
        Votes at(ClusterSnapshot now, ClusterHistory history, long index) {
            return bySnapshot.computeIfAbsent(now, s -> new HashMap<>()).computeIfAbsent(index, i -> {
                Map<NodeId, String> votes = new LinkedHashMap<>();
                for (NodeId voter : now.voters()) {
                    reportAt(voter, index, now, history).ifPresent(value -> votes.put(voter, value));
                }
                int quorum = now.quorum();
                Optional<String> authoritative = tally(votes).entrySet().stream()
                        .filter(e -> e.getValue() >= quorum).map(Map.Entry::getKey).findFirst();
                return new Votes(new Tallied(votes), authoritative);
            });
        }
    }

    /** An unmodifiable copy of the votes by voter, in configuration order. */
    static final class Tallied extends AbstractMap<NodeId, String> {
        private final Map<NodeId, String> votes;

        private final long distinct;

        Tallied(Map<NodeId, String> votes) {
            this.votes = Collections.unmodifiableMap(new LinkedHashMap<>(votes));
            this.distinct = votes.values().stream().distinct().count();
        }

        /** How many different checksums the votes hold. */
        long distinctValues() {
            return distinct;
        }

        @Override
        public Set<Entry<NodeId, String>> entrySet() {
            return votes.entrySet();
        }

        @Override
        public String get(Object key) {
            return votes.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return votes.containsKey(key);
        }

        @Override
        public int size() {
            return votes.size();
        }
    }

    /**
     * The votes that judge {@code subject} now: those at its current index when a majority decides there; otherwise
     * the latest decisive votes in the history if they found it diverged, taken while its process was the one running
     * now (the same pid, and the supervisor knows it). A wrong state stays until a repair replaces it, and a repair stops and starts the
     * process; so a node a majority found diverged stays diverged while the voters that could judge its current
     * index are cut off, down or behind. Without that memory, a diverged node that became leader when one voter of
     * three was cut off would be judged by no majority, its failure would clear, and it would send its state to the
     * returning voter in a snapshot. Empty when the subject reports no checksum.
     */
    static Optional<ChecksumVotes> verdict(NodeId subject, ClusterSnapshot now, ClusterHistory history) {
        return verdict(subject, now, history, new Tally());
    }

    /** As {@link #verdict(NodeId, ClusterSnapshot, ClusterHistory)}, with the votes tallied once per pass. */
    static Optional<ChecksumVotes> verdict(NodeId subject, ClusterSnapshot now, ClusterHistory history, Tally tally) {
        Optional<ChecksumVotes> current = of(subject, now, history, tally);
        if (current.isEmpty() || current.get().authoritative().isPresent()) {
            return current;
        }
        OptionalLong pid = now.observation(subject).process().pid();
        if (pid.isEmpty()) {
            return current;
        }
        List<ClusterSnapshot> earlier = history.snapshots();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            ClusterSnapshot then = earlier.get(i);
            if (!pid.equals(then.observation(subject).process().pid())) {
                break;
            }
            Optional<ChecksumVotes> votes = of(subject, then, new ClusterHistory(earlier.subList(0, i)), tally);
            if (votes.isPresent() && votes.get().authoritative().isPresent()) {
                // a node that agreed then is judged on what it reports now
                return votes.get().diverged() ? votes : current;
            }
        }
        return current;
    }

    private static Optional<String> reportAt(NodeId voter, long index, ClusterSnapshot now, ClusterHistory history) {
        Optional<StateChecksum> current = now.status(voter).flatMap(NodeStatus::stateChecksum);
        if (current.isPresent() && current.get().index() <= index) {
            return current.get().index() == index ? Optional.of(current.get().value()) : Optional.empty();
        }
        List<ClusterSnapshot> earlier = history.snapshots();
        for (int i = earlier.size() - 1; i >= 0; i--) {
            Optional<StateChecksum> then = earlier.get(i).status(voter).flatMap(NodeStatus::stateChecksum);
            if (then.isPresent() && then.get().index() == index) {
                return Optional.of(then.get().value());
            }
        }
        return Optional.empty();
    }

    /** Whether the subject's checksum is the one a majority agrees on. */
    boolean agrees() {
        return authoritative.map(value::equals).orElse(false);
    }

    /** Whether a majority agrees on a checksum other than the subject's. */
    boolean diverged() {
        return authoritative.isPresent() && !agrees();
    }

    /** The voters that report the authoritative checksum, in configuration order; empty without one. */
    List<NodeId> majority() {
        List<NodeId> majority = new ArrayList<>();
        authoritative.ifPresent(a -> byVoter.forEach((node, v) -> {
            if (v.equals(a)) {
                majority.add(node);
            }
        }));
        return majority;
    }

    /** How many different checksums the voters report at the index. */
    long distinctValues() {
        return ((Tallied) byVoter).distinctValues();
    }

    /**
     * Whether every reachable voter has applied the index, so that no more reports at it can be expected: without
     * a majority by then, none will come.
     */
    boolean settled(ClusterSnapshot now) {
        for (NodeId voter : now.voters()) {
            Optional<NodeStatus> status = now.status(voter);
            if (status.isPresent()) {
                long applied = Math.max(status.get().appliedIndex(),
                        status.get().stateChecksum().map(StateChecksum::index).orElse(-1L));
                if (applied < index) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the voters could still hold a majority at the index: the most reported checksum, with every reachable
     * voter that has no report at the index (it applied past the index between two probes, so its checksum there
     * was never seen), would reach a quorum. Such a voter is not a dissenting vote, only a missing one: under steady
     * writes the leader applies each entry before its followers and is rarely probed at their index.
     */
    boolean majorityStillPossible(ClusterSnapshot now) {
        long unseen = now.voters().stream().filter(v -> !byVoter.containsKey(v) && now.status(v).isPresent())
                .count();
        int most = tally(byVoter).values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return most + unseen >= quorum;
    }

    /** How many voters report each checksum, in the order first reported. */
    private static Map<String, Integer> tally(Map<NodeId, String> votes) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        votes.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts;
    }

    /** The voters' checksums by node name, for evidence. */
    Map<String, Object> evidence() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        byVoter.forEach((node, v) -> evidence.put(node.value(), v));
        return evidence;
    }
}
