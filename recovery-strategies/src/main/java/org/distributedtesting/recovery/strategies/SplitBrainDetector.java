package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link SplitBrainStrategy}: more than one reachable node claims leadership. Two leaders of one
 * term are a critical, immediate failure of every claimed leader; leaders of different terms are a failure of every
 * claimed leader but the one {@link Leadership#leaderToKeep} keeps. No threshold: two claimed leaders are a fact,
 * not a trend.
 *
 * <p>Stateless and thread-safe.
 */
final class SplitBrainDetector implements FailureDetector {

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<NodeId> leaders = snapshot.leaders();
        if (leaders.size() < 2) {
            return List.of();
        }
        Map<Long, List<NodeId>> byTerm = new TreeMap<>();
        Map<String, Object> terms = new LinkedHashMap<>();
        Map<String, Object> support = new LinkedHashMap<>();
        Map<NodeId, Integer> supporters = Leadership.supportOfClaimedLeaders(snapshot);
        for (NodeId leader : leaders) {
            long term = snapshot.status(leader).orElseThrow().term();
            terms.put(leader.value(), term);
            support.put(leader.value(), supporters.get(leader));
            if (term >= 0) {
                byTerm.computeIfAbsent(term, t -> new ArrayList<>()).add(leader);
            }
        }
        Optional<Map.Entry<Long, List<NodeId>>> shared = byTerm.entrySet().stream()
                .filter(e -> e.getValue().size() > 1).findFirst();
        Optional<NodeId> kept = Leadership.leaderToKeep(snapshot);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("leaders", NodeNames.values(leaders));
        evidence.put("leader_terms", terms);
        evidence.put("leader_supporters", support);
        evidence.put("voters", snapshot.voters().size());
        evidence.put("quorum", snapshot.quorum());
        evidence.put("majority_leader", kept.map(NodeId::value).orElse("none"));
        evidence.put("same_term", shared.isPresent());
        if (shared.isPresent()) {
            return List.of(new Failure(FailureType.SPLIT_BRAIN, leaders, Severity.CRITICAL,
                    NodeNames.values(shared.get().getValue()) + " all claim leadership of term "
                            + shared.get().getKey() + ": election safety is violated", evidence, true));
        }
        List<NodeId> fence = kept.map(k -> leaders.stream().filter(l -> !l.equals(k)).toList()).orElse(leaders);
        String summary = leaders.size() + " nodes claim leadership (terms " + terms + "); "
                + kept.map(k -> "a majority follows '" + k + "'").orElse("none is followed by a majority");
        return List.of(Failure.of(FailureType.SPLIT_BRAIN, fence, Severity.HIGH, summary, evidence));
    }
}
