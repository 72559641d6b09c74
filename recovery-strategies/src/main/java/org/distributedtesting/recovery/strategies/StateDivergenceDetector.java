package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.StateChecksum;

/**
 * The detector of {@link StateDivergenceStrategy}: each reachable node's current checksum against the voters'
 * {@link ChecksumVotes} at the same index. A node a majority disagrees with diverged, and stays diverged while no
 * majority can judge its current index and its process has not restarted ({@link ChecksumVotes#verdict}); checksums that differ with no
 * majority, once no missing vote could still make one, leave no safe authority. No threshold: a deterministic state
 * machine has exactly one right checksum per index.
 *
 * <p>Stateless and thread-safe.
 */
final class StateDivergenceDetector implements FailureDetector {

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        Set<Set<NodeId>> undecided = new LinkedHashSet<>();
        ChecksumVotes.Tally tally = new ChecksumVotes.Tally();
        for (NodeId node : snapshot.reachable()) {
            ChecksumVotes votes = ChecksumVotes.verdict(node, snapshot, history, tally).orElse(null);
            if (votes == null) {
                continue;
            }
            if (votes.diverged()) {
                failures.add(diverged(votes, snapshot));
            } else if (votes.authoritative().isEmpty() && votes.distinctValues() > 1
                    && !undecided.contains(votes.byVoter().keySet()) && votes.settled(snapshot)
                    && !votes.majorityStillPossible(snapshot) && undecided.add(votes.byVoter().keySet())) {
                failures.add(noAuthority(votes));
            }
        }
        return failures;
    }

    private static Failure diverged(ChecksumVotes votes, ClusterSnapshot snapshot) {
        List<NodeId> majority = votes.majority();
        Map<String, Object> evidence = evidence(votes);
        evidence.put("authoritative_checksum", votes.authoritative().orElseThrow());
        evidence.put("majority", NodeNames.values(majority));
        long current = snapshot.status(votes.subject()).flatMap(NodeStatus::stateChecksum).map(StateChecksum::index)
                .orElse(votes.index());
        String since = "";
        if (current != votes.index()) {
            evidence.put("current_index", current);
            since = "; no majority can judge its current index " + current + " yet (voters cut off, down or behind),"
                    + " and its process has not restarted since";
        }
        return Failure.of(FailureType.STATE_DIVERGENCE, List.of(votes.subject()), Severity.HIGH, "'"
                + votes.subject() + "' " + (since.isEmpty() ? "has" : "had") + " checksum " + votes.value()
                + " at applied index " + votes.index() + ", but " + majority.size() + " voters ("
                + NodeNames.quoted(majority) + ") agree on " + votes.authoritative().orElseThrow() + " there" + since,
                evidence);
    }

    private static Failure noAuthority(ChecksumVotes votes) {
        Map<String, Object> evidence = evidence(votes);
        evidence.put("authoritative_checksum", "none");
        List<NodeId> nodes = List.copyOf(votes.byVoter().keySet());
        return Failure.of(FailureType.STATE_DIVERGENCE, nodes, Severity.CRITICAL, "no checksum at applied index "
                + votes.index() + " is shared by a majority (" + votes.quorum() + ") of the voters: "
                + votes.byVoter() + "; no safe authority to copy from", evidence);
    }

    private static Map<String, Object> evidence(ChecksumVotes votes) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("index", votes.index());
        evidence.put("checksum", votes.value());
        evidence.put("checksums", votes.evidence());
        evidence.put("quorum", votes.quorum());
        return evidence;
    }
}
